/** Which failures are worth another try, and how long to wait before it. */

export const RETRYABLE_HTTP_STATUSES = new Set([429, 502, 503, 504]);

const RETRYABLE_NETWORK_CODES = new Set([
	'ECONNRESET',
	'ECONNREFUSED',
	'ECONNABORTED',
	'ETIMEDOUT',
	'ESOCKETTIMEDOUT',
	'EPIPE',
	'EAI_AGAIN',
	'ENETUNREACH',
	'EHOSTUNREACH',
	'UND_ERR_SOCKET',
	'ERR_SOCKET_CONNECTION_TIMEOUT',
]);

export const MAX_RETRY_AFTER_MS = 120_000;

export function isRetryableStatus(status: number): boolean {
	return RETRYABLE_HTTP_STATUSES.has(status);
}

export function isRetryableNetworkCode(code: string | undefined): boolean {
	return code !== undefined && RETRYABLE_NETWORK_CODES.has(code);
}

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
	options: { baseMs: number; maxMs: number; retryAfterMs?: number; random?: number },
): number {
	const exponential = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, attempt - 1));
	const jittered = exponential * (0.5 + 0.5 * (options.random ?? Math.random()));
	return Math.round(Math.max(jittered, options.retryAfterMs ?? 0));
}
