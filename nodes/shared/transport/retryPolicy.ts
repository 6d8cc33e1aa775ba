/**
 * Which failures are worth another try, and how long to wait before it; one policy for task
 * submits, task look-ups and downloads alike.
 *
 * A submit bills the user, so it is retried only when no task can exist: the gateway said it
 * did not take the request (429, 503) or the request never left (connection refused, DNS).
 * After the request was sent (response timeout, connection reset, 502, 504) ToMoviee may have
 * created the task, so a retry could create and bill a second one. Look-ups and downloads are
 * idempotent and retry every transient failure.
 */
export type RequestKind = 'submit' | 'idempotent';

const NOT_TAKEN_STATUSES = new Set([429, 503]);
const AMBIGUOUS_STATUSES = new Set([502, 504]);
const IDEMPOTENT_ONLY_STATUSES = new Set([500]);

const NOT_SENT_NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);
const AMBIGUOUS_NETWORK_CODES = new Set([
	'ECONNRESET',
	'ECONNABORTED',
	'ETIMEDOUT',
	'ESOCKETTIMEDOUT',
	'EPIPE',
	'UND_ERR_SOCKET',
	'ERR_SOCKET_CONNECTION_TIMEOUT',
]);

interface FailureFacts {
	httpStatus?: number;
	networkCode?: string;
}

/** True when the failure happened after the request reached the server (a task may exist). */
export function isAmbiguous(failure: FailureFacts): boolean {
	if (failure.httpStatus !== undefined) return AMBIGUOUS_STATUSES.has(failure.httpStatus);
	return failure.networkCode === undefined || AMBIGUOUS_NETWORK_CODES.has(failure.networkCode);
}

export function isRetryable(kind: RequestKind, failure: FailureFacts, retryAmbiguousSubmits = false): boolean {
	const { httpStatus, networkCode } = failure;
	if (httpStatus !== undefined) {
		if (NOT_TAKEN_STATUSES.has(httpStatus)) return true;
		if (AMBIGUOUS_STATUSES.has(httpStatus)) return kind === 'idempotent' || retryAmbiguousSubmits;
		return kind === 'idempotent' && IDEMPOTENT_ONLY_STATUSES.has(httpStatus);
	}
	if (networkCode !== undefined && NOT_SENT_NETWORK_CODES.has(networkCode)) return true;
	if (networkCode !== undefined && AMBIGUOUS_NETWORK_CODES.has(networkCode)) return kind === 'idempotent' || retryAmbiguousSubmits;
	return false;
}

const MAX_RETRY_AFTER_MS = 120_000;
const RETRY_BASE_MS = 500;
const RETRY_MAX_DELAY_MS = 30_000;

/** Retry-After is either delta-seconds or an HTTP date. */
export function parseRetryAfterMs(value: unknown, nowMs: number): number | undefined {
	const text = Array.isArray(value) ? value[0] : value;
	if (typeof text !== 'string' && typeof text !== 'number') return undefined;
	const trimmed = String(text).trim();
	if (trimmed === '') return undefined;
	if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.min(Number(trimmed) * 1000, MAX_RETRY_AFTER_MS);
	const date = Date.parse(trimmed);
	if (Number.isNaN(date)) return undefined;
	return Math.min(Math.max(date - nowMs, 0), MAX_RETRY_AFTER_MS);
}

/**
 * Exponential backoff with jitter: attempt 1 waits about base, attempt 2 about 2x base...
 * The server's Retry-After wins when it asks for longer.
 */
export function retryDelayMs(
	attempt: number,
	options: { baseMs?: number; maxMs?: number; retryAfterMs?: number; random?: number } = {},
): number {
	const baseMs = options.baseMs ?? RETRY_BASE_MS;
	const exponential = Math.min(options.maxMs ?? RETRY_MAX_DELAY_MS, baseMs * 2 ** Math.max(0, attempt - 1));
	const jittered = exponential * (0.5 + 0.5 * (options.random ?? Math.random()));
	return Math.round(Math.max(jittered, options.retryAfterMs ?? 0));
}
