import type {
	IAuthenticateRuleResponseCode,
	IAuthenticateRuleResponseSuccessBody,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	Icon,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

import { DEFAULT_BASE_URL, TASK_QUERY_PATH } from '../nodes/shared/constants';
import { authHeaders, keyPairOf } from '../nodes/shared/transport/authHeaders';
import { AUTH_FAILURE_CODES, CHECK_CREDENTIAL, CREDENTIAL_REJECTED } from '../nodes/shared/transport/credentialRejection';

/** A task id of the vendor's form that no task has, so the look-up bills and changes nothing. */
const PROBE_TASK_ID = 'tm_credential_check-0-000000000000000000000000';

const rejectedWith = (what: string) => `${CREDENTIAL_REJECTED} (${what}). ${CHECK_CREDENTIAL}`;
const unchecked = (status: number) => `ToMoviee answered HTTP ${status}: the credential could not be checked. Try again later.`;

const testRules: Array<IAuthenticateRuleResponseCode | IAuthenticateRuleResponseSuccessBody> = [
	{
		type: 'responseCode',
		properties: { value: 401, message: rejectedWith('HTTP 401') },
	},
	{
		type: 'responseCode',
		properties: { value: 403, message: rejectedWith('HTTP 403') },
	},
	...[301, 302, 303, 307, 308].map((value) => ({
		type: 'responseCode' as const,
		properties: {
			value,
			message: `The Base URL answered with a redirect (HTTP ${value}): set it to the address the gateway answers on.`,
		},
	})),
	{
		type: 'responseCode',
		properties: {
			value: 404,
			message: 'The Base URL does not lead to the ToMoviee gateway (HTTP 404 for the task look-up). Check the Base URL.',
		},
	},
	...[429, 500, 502, 503, 504].map((value) => ({
		type: 'responseCode' as const,
		properties: { value, message: unchecked(value) },
	})),
	// Typed comparison: each known code as a number and as a string.
	...AUTH_FAILURE_CODES.flatMap((code) =>
		[code, String(code)].map((value) => ({
			type: 'responseSuccessBody' as const,
			properties: { key: 'code', value, message: rejectedWith(`code ${code}`) },
		})),
	),
];

export class ToMovieeApi implements ICredentialType {
	name = 'toMovieeApi';

	displayName = 'ToMoviee API';

	icon: Icon = {
		light: 'file:../nodes/shared/tomoviee.svg',
		dark: 'file:../nodes/shared/tomoviee.dark.svg',
	};

	documentationUrl = 'https://github.com/tomoviee/n8n-nodes-tomoviee#quick-start';

	properties: INodeProperties[] = [
		{
			displayName: 'App Key',
			name: 'appKey',
			// The app key is an identifier (sent in clear as X-App-Key), not a secret.
			type: 'string',
			default: '',
			required: true,
			description: 'The app key from the ToMoviee open platform console',
		},
		{
			displayName: 'App Secret',
			name: 'appSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'The app secret, called "app_crit" in the ToMoviee console',
		},
		{
			displayName: 'Workspace User ID (wsid)',
			name: 'wsid',
			type: 'number',
			default: 0,
			description:
				'Your ToMoviee account user ID. The image-recognition page asks for it as "wsid"; other versions of the page and the official clients send none. 0: no wsid is sent. The node can set it per item.',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://open-api.wondershare.cc',
			description:
				"Change only for a sandbox, a proxy or a local simulator. No user name or password in it (refused). An http: address other than localhost sends the app secret in the clear: use https, unless a private gateway on your own network needs http.",
		},
	];

	/**
	 * Called by n8n for every request (n8n's request helper keeps its proxy, TLS and redirect
	 * rules). A function, not the declarative form: that one evaluates three expressions per
	 * request, which was a fifth of the node's CPU time in a 1000-item batch.
	 */
	async authenticate(credentials: ICredentialDataDecryptedObject, requestOptions: IHttpRequestOptions): Promise<IHttpRequestOptions> {
		requestOptions.headers = {
			...requestOptions.headers,
			...authHeaders(keyPairOf(credentials)),
		};
		return requestOptions;
	}

	/**
	 * A look-up of a task that cannot exist, through `authenticate` as every request: the gateway
	 * answers "not found" to a pair it accepts. n8n compares exact values only, so a rejection in
	 * a form not listed here passes; the node then names it at its first request.
	 */
	test: ICredentialTestRequest = {
		request: {
			baseURL: `={{ String($credentials.baseUrl || "${DEFAULT_BASE_URL}").replace(/\\/+$/, "") }}`,
			url: TASK_QUERY_PATH,
			method: 'POST',
			headers: {
				'Content-Type': 'application/json',
				Accept: 'application/json',
			},
			body: { task_id: PROBE_TASK_ID },
			// The secret goes to the Base URL's host and nowhere else.
			disableFollowRedirect: true,
		},
		// n8n's type takes one kind of rule per array; its tester reads both kinds from one list.
		rules: testRules as IAuthenticateRuleResponseCode[],
	};
}
