import type { IDataObject, IN8nHttpFullResponse } from 'n8n-workflow';

import { CREDENTIAL_NAME } from '../constants';
import { parseJsonOrKeep } from '../json';
import { pause } from './pause';
import { isAmbiguous, isRetryable, parseRetryAfterMs, retryDelayMs, type RequestKind } from './retryPolicy';
import { describeRejection, isCredentialRejection, type GatewayAnswer } from './credentialRejection';
import { networkCodeOf, describeNetworkCode } from './networkCodes';
import { ToMovieeRequestFailure } from './requestFailure';
import type { RequestContext, TransportSettings } from './transportSettings';

interface ToMovieeCall {
	kind: RequestKind;
	path: string;
	body: IDataObject;
}

/** A 2xx JSON answer of the gateway: `code` 0 or not, `data` as given. */
interface ApiAnswer {
	code: number | string | undefined;
	msg: string | undefined;
	data: unknown;
}

const MAX_REDIRECTS = 3;

function joinUrl(baseUrl: string, path: string): string {
	return `${baseUrl.replace(/\/+$/, '')}${path}`;
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
		const body = parseJsonOrKeep(response.body);
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
