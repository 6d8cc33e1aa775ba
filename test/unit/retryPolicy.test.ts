import { isAmbiguous, isRetryable, parseRetryAfterMs, retryDelayMs } from '../../nodes/shared/transport/retryPolicy';

/** The policy's numbers: Retry-After capped at 2 minutes, back-off from 0.5 s up to 30 s. */
const MAX_RETRY_AFTER_MS = 120_000;
const RETRY_BASE_MS = 500;
const RETRY_MAX_DELAY_MS = 30_000;

const STATUSES = [400, 401, 403, 404, 413, 422, 429, 500, 502, 503, 504];
const NOT_SENT = ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN'];
const AFTER_SENT = ['ECONNRESET', 'ETIMEDOUT', 'ECONNABORTED'];

const retriedStatuses = (kind: 'submit' | 'idempotent', retryAmbiguousSubmits = false) =>
	STATUSES.filter((httpStatus) => isRetryable(kind, { httpStatus }, retryAmbiguousSubmits));

describe('isRetryable: submits (billed) are retried only when no task can exist', () => {
	it('retries 429 and 503 only', () => {
		expect(retriedStatuses('submit')).toEqual([429, 503]);
	});

	it.each(NOT_SENT)('retries %s (the request never left)', (networkCode) => {
		expect(isRetryable('submit', { networkCode })).toBe(true);
	});

	it.each([...AFTER_SENT, 'ESOMETHING', undefined])('does not retry %s (the request was sent, or may have been)', (networkCode) => {
		expect(isRetryable('submit', { networkCode })).toBe(false);
	});

	it('retries 502, 504 and the after-sent network failures with Retry Ambiguous Submits', () => {
		expect(retriedStatuses('submit', true)).toEqual([429, 502, 503, 504]);
		for (const networkCode of [...AFTER_SENT, ...NOT_SENT]) expect(isRetryable('submit', { networkCode }, true)).toBe(true);
	});
});

describe('isRetryable: look-ups and downloads (idempotent)', () => {
	it('retry 429, 500, 502, 503, 504', () => {
		expect(retriedStatuses('idempotent')).toEqual([429, 500, 502, 503, 504]);
	});

	it.each([...NOT_SENT, ...AFTER_SENT, 'EPIPE', 'ESOCKETTIMEDOUT'])('retry %s', (networkCode) => {
		expect(isRetryable('idempotent', { networkCode })).toBe(true);
	});

	it('the HTTP status decides when both are known', () => {
		expect(isRetryable('idempotent', { httpStatus: 404, networkCode: 'ECONNRESET' })).toBe(false);
		expect(isRetryable('submit', { httpStatus: 502, networkCode: 'ECONNREFUSED' })).toBe(false);
	});
});

describe('isAmbiguous', () => {
	it.each([{ httpStatus: 502 }, { httpStatus: 504 }, ...AFTER_SENT.map((networkCode) => ({ networkCode })), {}])('is true after the request was sent (502, 504, reset, timeout, unknown): %j', (failure) => {
		expect(isAmbiguous(failure)).toBe(true);
	});

	it.each([{ httpStatus: 429 }, { httpStatus: 503 }, { httpStatus: 400 }, ...NOT_SENT.map((networkCode) => ({ networkCode }))])('is false when the gateway refused it or it never left: %j', (failure) => {
		expect(isAmbiguous(failure)).toBe(false);
	});

	it('matches isRetryable: an ambiguous submit is retried only when allowed', () => {
		const failures = [...STATUSES.map((httpStatus) => ({ httpStatus })), ...[...NOT_SENT, ...AFTER_SENT].map((networkCode) => ({ networkCode }))];
		for (const failure of failures) {
			if (isAmbiguous(failure)) expect(isRetryable('submit', failure)).toBe(false);
			if (isAmbiguous(failure) && isRetryable('idempotent', failure)) expect(isRetryable('submit', failure, true)).toBe(true);
		}
	});
});

describe('parseRetryAfterMs', () => {
	const now = Date.parse('2026-01-01T00:00:00Z');

	it.each([
		['2', 2000],
		['0.5', 500],
		[3, 3000],
		[['4'], 4000],
		['Thu, 01 Jan 2026 00:00:03 GMT', 3000],
		['99999', MAX_RETRY_AFTER_MS],
		['Fri, 02 Jan 2026 00:00:00 GMT', MAX_RETRY_AFTER_MS],
		['Wed, 31 Dec 2025 23:59:00 GMT', 0],
		['soon', undefined],
		['', undefined],
		[undefined, undefined],
		[{}, undefined],
	])('reads Retry-After %j as %j ms (seconds or HTTP date, capped, never negative, nothing when unreadable)', (header, waitMs) => {
		expect(parseRetryAfterMs(header, now)).toBe(waitMs);
	});

	it('never asks for a wait for a negative value', () => {
		expect(parseRetryAfterMs('-5', now) ?? 0).toBe(0);
	});
});

describe('retryDelayMs', () => {
	it.each([
		[1, { baseMs: 100, maxMs: 1000, random: 1 }, 100],
		[2, { baseMs: 100, maxMs: 1000, random: 1 }, 200],
		[3, { baseMs: 100, maxMs: 1000, random: 0 }, 200],
		[10, { baseMs: 100, maxMs: 1000, random: 1 }, 1000],
		[1, { baseMs: 100, maxMs: 1000, random: 1, retryAfterMs: 5000 }, 5000],
		[3, { baseMs: 100, maxMs: 1000, random: 1, retryAfterMs: 10 }, 400],
		[1, { random: 1 }, RETRY_BASE_MS],
		[30, { random: 1 }, RETRY_MAX_DELAY_MS],
		[0, { random: 1 }, RETRY_BASE_MS],
	])('waits before try %d with %j: %d ms (exponential with jitter, capped, Retry-After when longer)', (attempt, options, delayMs) => {
		expect(retryDelayMs(attempt, options)).toBe(delayMs);
	});

	it('stays between half and all of the exponential delay', () => {
		for (let run = 0; run < 200; run++) {
			const delay = retryDelayMs(3);
			expect(delay).toBeGreaterThanOrEqual(RETRY_BASE_MS * 2);
			expect(delay).toBeLessThanOrEqual(RETRY_BASE_MS * 4);
		}
	});
});
