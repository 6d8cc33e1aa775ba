import type {
	ICredentialDataDecryptedObject,
	ICredentialsDecrypted,
	IDataObject,
	IExecuteFunctions,
	IN8nHttpFullResponse,
	IWebhookFunctions,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { CREDENTIAL_NAME, DEFAULT_BASE_URL } from '../constants';
import type { AdaptiveConcurrency } from './concurrency';
import { pause } from './pause';
import { isAmbiguous, isRetryable, parseRetryAfterMs, retryDelayMs, type RequestKind } from './retryPolicy';
import { describeRejection, isCredentialRejection, type GatewayAnswer } from './credentialRejection';
import { networkCodeOf, describeNetworkCode } from './networkCodes';
import { ToMovieeRequestFailure } from './requestFailure';

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
export function baseUrlOf(data: ICredentialDataDecryptedObject | undefined): string {
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

export interface ToMovieeCall {
	kind: RequestKind;
	path: string;
	body: IDataObject;
}

/** A 2xx JSON answer of the gateway: `code` 0 or not, `data` as given. */
export interface ApiAnswer {
	code: number | string | undefined;
	msg: string | undefined;
	data: unknown;
}

const MAX_REDIRECTS = 3;

export function joinUrl(baseUrl: string, path: string): string {
	return `${baseUrl.replace(/\/+$/, '')}${path}`;
}

function parseBody(body: unknown): unknown {
	if (typeof body !== 'string') return body;
	try {
		return JSON.parse(body) as unknown;
	} catch {
		return body;
	}
}

function apiFields(body: unknown): { code?: string | number; msg?: string } {
	if (!body || typeof body !== 'object') return {};
	const { code, msg, message } = body as IDataObject;
	return {
		code: typeof code === 'number' || typeof code === 'string' ? code : undefined,
		msg: typeof msg === 'string' ? msg : typeof message === 'string' ? message : undefined,
	};
}

function networkFailure(error: unknown, baseUrl: string, attempt: number, signal: AbortSignal | undefined): ToMovieeRequestFailure {
	if (signal?.aborted) return cancelled(attempt);
	const networkCode = networkCodeOf(error);
	return new ToMovieeRequestFailure('network', `Could not reach ToMoviee at ${baseUrl} (${describeNetworkCode(networkCode)})`, {
		tries: attempt,
		networkCode,
		ambiguous: isAmbiguous({ networkCode }),
	});
}

/** A rejected key pair fails this call and, unsent, every later call of the same settings. */
function rejected(settings: TransportSettings, answer: GatewayAnswer, tries: number): ToMovieeRequestFailure {
	const failure = new ToMovieeRequestFailure('credential', describeRejection(answer), { ...answer, tries });
	if (settings.rejection) settings.rejection.failure ??= failure;
	return failure;
}

function cancelled(tries: number): ToMovieeRequestFailure {
	return new ToMovieeRequestFailure('cancelled', 'The execution was stopped', { tries });
}

/** A redirect is followed only within the Base URL's origin: the credential goes nowhere else. */
function redirectTarget(response: IN8nHttpFullResponse, url: string, baseUrl: string, tries: number): string {
	const location = response.headers?.location;
	const target = typeof location === 'string' && URL.canParse(location, url) ? new URL(location, url) : undefined;
	if (target && target.origin === new URL(url).origin) return target.toString();
	const where = target ? ` to ${target.origin}` : '';
	throw new ToMovieeRequestFailure(
		'redirect',
		`ToMoviee's Base URL ${baseUrl} answered with a redirect (HTTP ${response.statusCode})${where}; the credential is not sent to another host`,
		{ tries, httpCode: response.statusCode },
	);
}

/**
 * The one place that talks HTTP to ToMoviee: authenticated through n8n's credential machinery,
 * one slot of the pool per attempt, retried by the retry policy (honouring Retry-After),
 * stopped with the execution. Returns the 2xx JSON answer; `code` is left to the caller,
 * because a task look-up answers a failed task with its own non-zero code.
 */
export async function callToMoviee(context: RequestContext, call: ToMovieeCall, settings: TransportSettings): Promise<ApiAnswer> {
	const { limiter, signal } = settings;
	let url = joinUrl(settings.baseUrl, call.path);
	let redirects = 0;
	for (let attempt = 1; ; attempt++) {
		if (signal?.aborted) throw cancelled(attempt - 1);
		const knownRejection = settings.rejection?.failure;
		if (knownRejection) throw new ToMovieeRequestFailure('credential', knownRejection.message, { ...knownRejection.details, tries: 0 });
		let failure: ToMovieeRequestFailure | undefined;
		await limiter.acquire();
		const sentAt = Date.now();
		if (signal?.aborted) {
			limiter.release();
			throw cancelled(attempt - 1);
		}
		let response: IN8nHttpFullResponse | undefined;
		try {
			response = (await context.helpers.httpRequestWithAuthentication.call(context, CREDENTIAL_NAME, {
				method: 'POST',
				url,
				body: call.body,
				json: true,
				headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
				disableFollowRedirect: true,
				timeout: settings.requestTimeoutMs,
				abortSignal: signal,
			}, settings.credential ? { credentialsDecrypted: settings.credential } : undefined)) as IN8nHttpFullResponse;
		} catch (error) {
			limiter.release();
			failure = networkFailure(error, settings.baseUrl, attempt, signal);
		}
		if (failure || !response) {
			failure ??= networkFailure(undefined, settings.baseUrl, attempt, signal);
			if (failure.kind === 'cancelled') throw failure;
			const { networkCode } = failure.details;
			if (!isRetryable(call.kind, { networkCode }, settings.retryAmbiguousSubmits) || attempt >= settings.maxTries) throw failure;
			if (await pause(retryDelayMs(attempt), signal)) throw cancelled(attempt);
			continue;
		}
		limiter.release();
		const status = response.statusCode;
		if (status >= 300 && status < 400 && redirects < MAX_REDIRECTS) {
			url = redirectTarget(response, url, settings.baseUrl, attempt);
			redirects++;
			attempt--;
			continue;
		}
		const body = parseBody(response.body);
		const api = apiFields(body);
		if (status >= 200 && status < 300) {
			limiter.onSuccess();
			if (!body || typeof body !== 'object' || Array.isArray(body)) {
				throw new ToMovieeRequestFailure('response', 'ToMoviee answered with a body that is not a JSON object', { tries: attempt, httpCode: status });
			}
			const data = (body as IDataObject).data;
			// A task answer may carry a non-zero code of its own; a rejection has no task in `data`.
			const rejection = { httpCode: status, apiCode: api.code, apiMessage: api.msg };
			if ((!data || typeof data !== 'object') && isCredentialRejection(rejection)) throw rejected(settings, rejection, attempt);
			return { code: api.code, msg: api.msg, data };
		}
		if (isCredentialRejection({ httpCode: status })) throw rejected(settings, { httpCode: status, apiCode: api.code, apiMessage: api.msg }, attempt);
		failure = new ToMovieeRequestFailure('http', api.msg ?? `HTTP ${status}`, {
			tries: attempt,
			httpCode: status,
			apiCode: api.code,
			apiMessage: api.msg,
			ambiguous: isAmbiguous({ httpStatus: status }),
		});
		if (status === 429) limiter.onThrottled(sentAt);
		if (!isRetryable(call.kind, { httpStatus: status }, settings.retryAmbiguousSubmits) || attempt >= settings.maxTries) throw failure;
		const retryAfterMs = parseRetryAfterMs(response.headers?.['retry-after'], Date.now());
		if (await pause(retryDelayMs(attempt, { retryAfterMs }), signal)) throw cancelled(attempt);
	}
}
