import { AdaptiveConcurrency, runPooled } from '../../nodes/ToMoviee/helpers/adaptiveConcurrency';
import { nextPollDelayMs } from '../../nodes/ToMoviee/helpers/pollingSchedule';
import {
	isRetryableNetworkCode,
	isRetryableStatus,
	parseRetryAfterMs,
	retryDelayMs,
} from '../../nodes/ToMoviee/helpers/retryPolicy';

describe('retry policy', () => {
	it('retries 429 and gateway errors only', () => {
		expect([400, 401, 404, 413, 422, 429, 500, 502, 503, 504].filter(isRetryableStatus)).toEqual([429, 502, 503, 504]);
	});

	it('retries dropped connections and timeouts', () => {
		expect(isRetryableNetworkCode('ECONNRESET')).toBe(true);
		expect(isRetryableNetworkCode('ETIMEDOUT')).toBe(true);
		expect(isRetryableNetworkCode('ENOTFOUND')).toBe(false);
		expect(isRetryableNetworkCode(undefined)).toBe(false);
	});

	it('reads Retry-After as seconds or HTTP date', () => {
		const now = Date.parse('2026-01-01T00:00:00Z');
		expect(parseRetryAfterMs('2', now)).toBe(2000);
		expect(parseRetryAfterMs('0.5', now)).toBe(500);
		expect(parseRetryAfterMs('Thu, 01 Jan 2026 00:00:03 GMT', now)).toBe(3000);
		expect(parseRetryAfterMs('soon', now)).toBeUndefined();
		expect(parseRetryAfterMs(undefined, now)).toBeUndefined();
		expect(parseRetryAfterMs('99999', now)).toBe(120_000);
	});

	it('backs off exponentially with jitter and honours Retry-After', () => {
		const options = { baseMs: 100, maxMs: 1000 };
		expect(retryDelayMs(1, { ...options, random: 1 })).toBe(100);
		expect(retryDelayMs(2, { ...options, random: 1 })).toBe(200);
		expect(retryDelayMs(3, { ...options, random: 0 })).toBe(200);
		expect(retryDelayMs(10, { ...options, random: 1 })).toBe(1000);
		expect(retryDelayMs(1, { ...options, random: 1, retryAfterMs: 5000 })).toBe(5000);
	});
});

describe('polling schedule', () => {
	it('looks quickly first, then doubles up to the interval', () => {
		expect([0, 1, 2, 3, 4].map((n) => nextPollDelayMs(n, 5000))).toEqual([1000, 2000, 4000, 5000, 5000]);
	});

	it('never waits longer than a short interval', () => {
		expect([0, 1, 2].map((n) => nextPollDelayMs(n, 200))).toEqual([200, 200, 200]);
	});
});

describe('adaptive concurrency', () => {
	it('halves on throttling and grows back after a window of successes', () => {
		const limit = new AdaptiveConcurrency(8);
		limit.onThrottled();
		expect(limit.limit).toBe(4);
		limit.onThrottled();
		limit.onThrottled();
		limit.onThrottled();
		expect(limit.limit).toBe(1);
		limit.onSuccess();
		expect(limit.limit).toBe(2);
		for (let i = 0; i < 2; i++) limit.onSuccess();
		expect(limit.limit).toBe(3);
	});

	it('counts a burst of 429s for requests sent before the last decrease once', () => {
		const limit = new AdaptiveConcurrency(40);
		limit.onThrottled(1000, 1100); // sent at 1000, answered at 1100: 40 -> 20
		limit.onThrottled(1005, 1101); // same episode: sent before the decrease
		limit.onThrottled(1099, 1102);
		expect(limit.limit).toBe(20);
		limit.onThrottled(1200, 1300); // sent after the decrease: a new episode
		expect(limit.limit).toBe(10);
		expect(limit.throttleEvents).toBe(4);
	});

	it('never runs more workers than the limit and runs each index once', async () => {
		const limit = new AdaptiveConcurrency(3);
		let running = 0;
		let peak = 0;
		const seen: number[] = [];
		await runPooled(20, limit, async (index) => {
			running++;
			peak = Math.max(peak, running);
			await new Promise((resolve) => setImmediate(resolve));
			seen.push(index);
			running--;
		});
		expect(peak).toBe(3);
		expect(seen.sort((a, b) => a - b)).toEqual([...Array(20).keys()]);
	});

	it('stops launching when asked and resolves for zero work', async () => {
		const limit = new AdaptiveConcurrency(1);
		let started = 0;
		let stop = false;
		await runPooled(10, limit, async () => {
			started++;
			if (started === 2) stop = true;
		}, () => stop);
		expect(started).toBe(2);
		await expect(runPooled(0, limit, async () => undefined)).resolves.toBeUndefined();
	});
});
