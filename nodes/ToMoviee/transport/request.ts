import type { IDataObject, IExecuteFunctions, IHttpRequestMethods, IN8nHttpFullResponse, IWebhookFunctions } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import type { AdaptiveConcurrency } from '../helpers/adaptiveConcurrency';
import { CREDENTIAL_NAME } from '../helpers/constants';
import {
	isRetryableNetworkCode,
	isRetryableStatus,
	parseRetryAfterMs,
	retryDelayMs,
} from '../helpers/retryPolicy';
import { ToMovieeRequestFailure } from './requestFailure';

export interface ToMovieeCall {
	method: IHttpRequestMethods;
	path: string;
	body?: IDataObject;
	qs?: IDataObject;
}

export interface TransportSettings {
	baseUrl: string;
	maxTries: number;
	requestTimeoutMs: number;
	retryBaseMs: number;
	signal?: AbortSignal;
	limiter?: AdaptiveConcurrency;
}

const RETRY_MAX_DELAY_MS = 30_000;

export function joinUrl(baseUrl: string, path: string): string {
	return `${baseUrl.replace(/\/+$/, '')}${path}`;
}

function networkCodeOf(error: unknown): string | undefined {
	const candidates = [error, (error as { cause?: unknown })?.cause];
	for (const candidate of candidates) {
		const code = (candidate as { code?: unknown })?.code;
		if (typeof code === 'string' && code !== '') return code;
	}
	const message = (error as Error)?.message ?? '';
	if (/socket hang up/i.test(message)) return 'ECONNRESET';
	if (/timeout/i.test(message)) return 'ETIMEDOUT';
	return undefined;
}

// n8n's NodeError swaps any message holding a raw code such as ECONNREFUSED for a generic
// text that loses the URL and the item, so the message says it in words.
const NETWORK_CODE_WORDS: Record<string, string> = {
	ECONNREFUSED: 'connection refused',
	ECONNRESET: 'connection reset',
	ETIMEDOUT: 'timed out',
	ESOCKETTIMEDOUT: 'timed out',
	ECONNABORTED: 'connection aborted',
	ENOTFOUND: 'host not found',
	EAI_AGAIN: 'DNS lookup failed',
	EPIPE: 'connection closed',
	EHOSTUNREACH: 'host unreachable',
	ENETUNREACH: 'network unreachable',
	UND_ERR_SOCKET: 'connection closed',
};

function networkFailure(error: unknown, baseUrl: string, attempt: number): ToMovieeRequestFailure {
	const networkCode = networkCodeOf(error);
	const what = (networkCode && NETWORK_CODE_WORDS[networkCode]) ?? 'network error';
	return new ToMovieeRequestFailure('network', `Could not reach ToMoviee at ${baseUrl} (${what})`, {
		tries: attempt,
		networkCode,
	});
}

function apiMessageOf(body: unknown): { code?: string | number; msg?: string } {
	if (!body || typeof body !== 'object') return {};
	const { code, msg, message } = body as IDataObject;
	return {
		code: typeof code === 'number' || typeof code === 'string' ? code : undefined,
		msg: typeof msg === 'string' ? msg : typeof message === 'string' ? message : undefined,
	};
}

function parseBody(body: unknown): unknown {
	if (typeof body !== 'string') return body;
	try {
		return JSON.parse(body) as unknown;
	} catch {
		return body;
	}
}

/**
 * The one place that talks HTTP to ToMoviee: authenticated through n8n's credential machinery,
 * retried on 429/502/503/504 and dropped connections (honouring Retry-After), and checked for
 * the API's own `code` (non-zero is an error even with HTTP 200). Returns `data`.
 */
export async function callToMoviee(
	this: IExecuteFunctions | IWebhookFunctions,
	call: ToMovieeCall,
	settings: TransportSettings,
): Promise<IDataObject> {
	let lastFailure: ToMovieeRequestFailure | undefined;
	for (let attempt = 1; attempt <= settings.maxTries; attempt++) {
		if (settings.signal?.aborted) {
			throw new ToMovieeRequestFailure('cancelled', 'The execution was cancelled', { tries: attempt - 1 });
		}
		let retryAfterMs: number | undefined;
		let response: IN8nHttpFullResponse | undefined;
		const sentAt = Date.now();
		try {
			response = (await this.helpers.httpRequestWithAuthentication.call(this, CREDENTIAL_NAME, {
				method: call.method,
				url: joinUrl(settings.baseUrl, call.path),
				body: call.body,
				qs: call.qs,
				json: true,
				headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
				timeout: settings.requestTimeoutMs,
			})) as IN8nHttpFullResponse;
		} catch (error) {
			lastFailure = networkFailure(error, settings.baseUrl, attempt);
		}
		if (lastFailure?.kind === 'network' && !response && !isRetryableNetworkCode(lastFailure.details.networkCode)) {
			throw lastFailure;
		}

		if (response) {
			const status = response.statusCode;
			const body = parseBody(response.body);
			const api = apiMessageOf(body);
			if (status >= 200 && status < 300) {
				settings.limiter?.onSuccess();
				if (!body || typeof body !== 'object' || Array.isArray(body)) {
					throw new ToMovieeRequestFailure('response', 'ToMoviee answered with a body that is not a JSON object', {
						tries: attempt,
						httpCode: status,
					});
				}
				const code = (body as IDataObject).code;
				if (code !== undefined && code !== null && Number(code) !== 0) {
					throw new ToMovieeRequestFailure('api', api.msg ?? `ToMoviee answered code ${String(code)}`, {
						tries: attempt,
						httpCode: status,
						apiCode: api.code,
						apiMessage: api.msg,
					});
				}
				const data = (body as IDataObject).data;
				return data && typeof data === 'object' && !Array.isArray(data) ? (data as IDataObject) : {};
			}
			lastFailure = new ToMovieeRequestFailure('http', api.msg ?? `HTTP ${status}`, {
				tries: attempt,
				httpCode: status,
				apiCode: api.code,
				apiMessage: api.msg,
			});
			if (!isRetryableStatus(status)) throw lastFailure;
			if (status === 429) settings.limiter?.onThrottled(sentAt);
			retryAfterMs = parseRetryAfterMs(response.headers?.['retry-after'], Date.now());
		}

		if (attempt < settings.maxTries) {
			const delay = retryDelayMs(attempt, {
				baseMs: settings.retryBaseMs,
				maxMs: RETRY_MAX_DELAY_MS,
				retryAfterMs,
			});
			const cancelled = await sleep(delay, settings.signal).then(
				() => false,
				() => true,
			);
			if (cancelled) throw new ToMovieeRequestFailure('cancelled', 'The execution was cancelled', { tries: attempt });
		}
	}
	throw lastFailure ?? new ToMovieeRequestFailure('network', 'No request was made', { tries: 0 });
}
