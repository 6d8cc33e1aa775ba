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

	it.each(AFTER_SENT)('does not retry %s (the request was sent)', (networkCode) => {
		expect(isRetryable('submit', { networkCode })).toBe(false);
	});

	it('does not retry an unknown failure', () => {
		expect(isRetryable('submit', {})).toBe(false);
		expect(isRetryable('submit', { networkCode: 'ESOMETHING' })).toBe(false);
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
	it('is true after the request was sent (502, 504, reset, timeout, unknown)', () => {
		expect(isAmbiguous({ httpStatus: 502 })).toBe(true);
		expect(isAmbiguous({ httpStatus: 504 })).toBe(true);
		for (const networkCode of AFTER_SENT) expect(isAmbiguous({ networkCode })).toBe(true);
		expect(isAmbiguous({})).toBe(true);
	});

	it('is false when the gateway refused it or it never left', () => {
		expect(isAmbiguous({ httpStatus: 429 })).toBe(false);
		expect(isAmbiguous({ httpStatus: 503 })).toBe(false);
		expect(isAmbiguous({ httpStatus: 400 })).toBe(false);
		for (const networkCode of NOT_SENT) expect(isAmbiguous({ networkCode })).toBe(false);
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

	it('reads Retry-After as seconds or HTTP date', () => {
		expect(parseRetryAfterMs('2', now)).toBe(2000);
		expect(parseRetryAfterMs('0.5', now)).toBe(500);
		expect(parseRetryAfterMs(3, now)).toBe(3000);
		expect(parseRetryAfterMs(['4'], now)).toBe(4000);
		expect(parseRetryAfterMs('Thu, 01 Jan 2026 00:00:03 GMT', now)).toBe(3000);
	});

	it('caps long waits and never goes negative', () => {
		expect(parseRetryAfterMs('99999', now)).toBe(MAX_RETRY_AFTER_MS);
		expect(parseRetryAfterMs('Wed, 31 Dec 2025 23:59:00 GMT', now)).toBe(0);
		expect(parseRetryAfterMs('Fri, 02 Jan 2026 00:00:00 GMT', now)).toBe(MAX_RETRY_AFTER_MS);
	});

	it('never asks for a wait for a negative value', () => {
		expect(parseRetryAfterMs('-5', now) ?? 0).toBe(0);
	});

	it('ignores what it cannot read', () => {
		expect(parseRetryAfterMs('soon', now)).toBeUndefined();
		expect(parseRetryAfterMs('', now)).toBeUndefined();
		expect(parseRetryAfterMs(undefined, now)).toBeUndefined();
		expect(parseRetryAfterMs({}, now)).toBeUndefined();
	});
});

describe('retryDelayMs', () => {
	it('backs off exponentially with jitter and honours Retry-After', () => {
		const options = { baseMs: 100, maxMs: 1000 };
		expect(retryDelayMs(1, { ...options, random: 1 })).toBe(100);
		expect(retryDelayMs(2, { ...options, random: 1 })).toBe(200);
		expect(retryDelayMs(3, { ...options, random: 0 })).toBe(200);
		expect(retryDelayMs(10, { ...options, random: 1 })).toBe(1000);
		expect(retryDelayMs(1, { ...options, random: 1, retryAfterMs: 5000 })).toBe(5000);
		expect(retryDelayMs(3, { ...options, random: 1, retryAfterMs: 10 })).toBe(400);
	});

	it('uses the default base and cap', () => {
		expect(retryDelayMs(1, { random: 1 })).toBe(RETRY_BASE_MS);
		expect(retryDelayMs(30, { random: 1 })).toBe(RETRY_MAX_DELAY_MS);
		expect(retryDelayMs(0, { random: 1 })).toBe(RETRY_BASE_MS);
	});

	it('stays between half and all of the exponential delay', () => {
		for (let run = 0; run < 200; run++) {
			const delay = retryDelayMs(3);
			expect(delay).toBeGreaterThanOrEqual(RETRY_BASE_MS * 2);
			expect(delay).toBeLessThanOrEqual(RETRY_BASE_MS * 4);
		}
	});
});
