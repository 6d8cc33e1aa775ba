import type {
	ICredentialDataDecryptedObject,
	ICredentials,
	ICredentialType,
	IHttpRequestOptions,
	INodeCredentialsDetails,
	INodeParameters,
	INodeProperties,
	IRequestOptionsSimplified,
} from 'n8n-workflow';
import { deepCopy, ICredentialsHelper, NodeHelpers, UnexpectedError, UserError } from 'n8n-workflow';

/** A stored credential as a test gives it: what n8n would keep encrypted in its database. */
export interface TestCredential {
	id: string;
	name: string;
	data: ICredentialDataDecryptedObject;
}

export type CredentialTypeMap = Record<string, ICredentialType>;
/** Stored credentials keyed by credential type name (one per type). */
export type CredentialMap = Record<string, TestCredential>;

/**
 * The `ICredentialsHelper` of n8n's CredentialsHelper, for what our nodes use: the stored data
 * with the type's defaults, and the type's `authenticate` function applied as n8n applies it.
 * No generic authenticate block, OAuth, pre-authentication, `extends` or expressions inside stored data.
 */
export class TestCredentials extends ICredentialsHelper {
	private readonly stored: CredentialMap;

	constructor(
		private readonly types: CredentialTypeMap = {},
		credentials: CredentialMap = {},
	) {
		super();
		this.stored = deepCopy(credentials);
	}

	private type(name: string): ICredentialType {
		const type = this.types[name];
		if (!type) throw new UnexpectedError(`The harness knows no credential type "${name}": pass it in credentialTypes`);
		return type;
	}

	async getDecrypted(_data: unknown, nodeCredentials: INodeCredentialsDetails, type: string) {
		const entry = this.stored[type];
		if (!entry || (nodeCredentials.id && nodeCredentials.id !== entry.id)) {
			throw new UserError(`Credential with ID "${nodeCredentials.id ?? ''}" does not exist for type "${type}".`);
		}
		const properties = this.getCredentialsProperties(type);
		const data = deepCopy(entry.data) as INodeParameters;
		return NodeHelpers.getNodeParameters(properties, data, true, false, null, null) as ICredentialDataDecryptedObject;
	}

	/** Applies the type's `authenticate` function, as n8n does (ours is a function; no generic block). */
	async authenticate(credentials: ICredentialDataDecryptedObject, typeName: string, requestOptions: IHttpRequestOptions | IRequestOptionsSimplified): Promise<IHttpRequestOptions> {
		const { authenticate } = this.type(typeName);
		if (typeof authenticate !== 'function') throw new UnexpectedError(`The harness applies only authenticate functions (credential type "${typeName}")`);
		return await authenticate(credentials, requestOptions as IHttpRequestOptions);
	}

	getCredentialsProperties(type: string): INodeProperties[] {
		return this.type(type).properties;
	}

	// What our credential does not use: no parents, no pre-authentication, no OAuth token.
	getParentTypes = () => [];
	isCredentialUsableByNode = () => true;
	preAuthentication = async () => undefined;
	runPreAuthentication = async () => undefined;
	updateCredentials = async () => {};
	updateCredentialsOauthTokenData = async () => {};

	async getCredentials(): Promise<ICredentials> {
		throw new UnexpectedError('n8n-core reads credentials through getDecrypted');
	}
}
