import type { ICredentialDataDecryptedObject, ICredentialsDecrypted, IExecuteFunctions, IWebhookFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { CREDENTIAL_NAME, DEFAULT_BASE_URL } from '../constants';
import type { AdaptiveConcurrency } from './concurrency';
import type { ToMovieeRequestFailure } from './requestFailure';

export type RequestContext = IExecuteFunctions | IWebhookFunctions;

export interface TransportSettings {
	baseUrl: string;
	maxTries: number;
	requestTimeoutMs: number;
	limiter: AdaptiveConcurrency;
	retryAmbiguousSubmits: boolean;
	signal?: AbortSignal;
	/** The credential as read once for the batch (see `transportWith`). */
	credential?: ICredentialsDecrypted;
	/** Set by the first answer that rejects the key pair: later calls of the batch are not sent. */
	rejection?: { failure?: ToMovieeRequestFailure };
	/**
	 * Downloads: n8n's outbound policy as the instance sets it ('safe', the default), or always
	 * applied ('enforced': private addresses refused) for URLs that came from an unverified body.
	 */
	egress?: 'safe' | 'enforced';
}

/** The stored credential's Base URL, or ToMoviee's own when it has none (see `baseUrlProblem`). */
function baseUrlOf(data: ICredentialDataDecryptedObject | undefined): string {
	const baseUrl = typeof data?.baseUrl === 'string' ? data.baseUrl.trim() : '';
	return baseUrl === '' ? DEFAULT_BASE_URL : baseUrl;
}

/**
 * Why the node refuses the credential's Base URL, if it does: not http(s), or a user name or
 * password in it (`user:pass@`; the gateway is authenticated with the app key and secret, and
 * such a part would travel in errors). The message never repeats the URL.
 */
export function baseUrlProblem(data: ICredentialDataDecryptedObject | undefined): string | undefined {
	const baseUrl = baseUrlOf(data);
	const parsed = URL.canParse(baseUrl) ? new URL(baseUrl) : undefined;
	if (!parsed || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')) {
		return "The ToMoviee credential's Base URL is not an http(s) address. Set it to the gateway's address, e.g. https://open-api.wondershare.cc";
	}
	if (parsed.username !== '' || parsed.password !== '') {
		return "The ToMoviee credential's Base URL contains a user name or password (the part before '@'). Remove it: ToMoviee is authenticated with the app key and secret.";
	}
	return undefined;
}

/**
 * Transport settings with the node's credential read once (per batch, or per callback): n8n's
 * request helper then applies it to each request (its `authenticate`, proxy and TLS rules as
 * always) without loading and decrypting it from the database again for every request.
 */
export function transportWith(
	context: RequestContext,
	credentials: ICredentialDataDecryptedObject,
	settings: Omit<TransportSettings, 'baseUrl' | 'credential'>,
): TransportSettings {
	const details = context.getNode().credentials?.[CREDENTIAL_NAME];
	const credential = { id: details?.id ?? '', name: details?.name ?? '', type: CREDENTIAL_NAME, data: credentials };
	const problem = baseUrlProblem(credentials);
	if (problem) throw new NodeOperationError(context.getNode(), problem, { itemIndex: 0, description: 'Edit the ToMoviee API credential.' });
	return { ...settings, baseUrl: baseUrlOf(credentials), credential, rejection: {} };
}
