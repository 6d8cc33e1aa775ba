import { AdaptiveConcurrency, runPooled } from '../../nodes/shared/transport/concurrency';
import { nextPollDelayMs } from '../../nodes/ToMoviee/poll/pollingSchedule';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** `limit` after `count` successes. */
function succeed(limit: AdaptiveConcurrency, count: number): number {
	for (let i = 0; i < count; i++) limit.onSuccess();
	return limit.limit;
}

/** Counts how many runs of `work` are under way at once. */
function peakTracker() {
	const state = { running: 0, peak: 0 };
	const run = async <T>(work: () => Promise<T>): Promise<T> => {
		state.running++;
		state.peak = Math.max(state.peak, state.running);
		try {
			return await work();
		} finally {
			state.running--;
		}
	};
	return { state, run };
}

describe('polling schedule', () => {
	it.each([
		['looks quickly first, then doubles up to the interval', [0, 1, 2, 3, 4], 5000, [1000, 2000, 4000, 5000, 5000]],
		['never waits longer than a short interval', [0, 1, 2], 200, [200, 200, 200]],
		['stays bounded after very many queries, and for a negative count', [10_000, -3], 5000, [5000, 1000]],
	])('%s', (_rule, queries, intervalMs, delays) => expect(queries.map((n) => nextPollDelayMs(n, intervalMs))).toEqual(delays));
});

describe('AdaptiveConcurrency', () => {
	it.each([
		[8, undefined, 8],
		[2.9, undefined, 2],
		[0, undefined, 1],
		[200, undefined, 50],
		[200, 10, 10],
	])('starts at 50 or the maximum if lower, at least one: max %j, start %j gives %d', (max, start, limit) => {
		expect(new AdaptiveConcurrency(max, start).limit).toBe(limit);
	});

	it('doubles after each full window of successes until the first 429, up to the maximum', () => {
		const limit = new AdaptiveConcurrency(200);
		expect([succeed(limit, 49), succeed(limit, 1), succeed(limit, 100), succeed(limit, 1000)]).toEqual([50, 100, 200, 200]);
	});

	it('after a 429 it halves and then grows by one per window, not by doubling', () => {
		const limit = new AdaptiveConcurrency(200);
		limit.onThrottled();
		expect([limit.limit, succeed(limit, 25), succeed(limit, 26)]).toEqual([25, 26, 27]);
	});

	it('halves down to one and grows back to the maximum after windows of successes', () => {
		const limit = new AdaptiveConcurrency(8);
		limit.onThrottled();
		expect(limit.limit).toBe(4);
		for (let i = 0; i < 3; i++) limit.onThrottled();
		expect([limit.limit, succeed(limit, 1), succeed(limit, 2), succeed(limit, 100)]).toEqual([1, 2, 3, 8]);
	});

	it('restarts the growth window after a decrease', () => {
		const limit = new AdaptiveConcurrency(8);
		limit.onThrottled();
		succeed(limit, 3);
		limit.onThrottled();
		expect([succeed(limit, 1), succeed(limit, 1)]).toEqual([2, 3]);
	});

	it('counts a burst of 429s for requests sent before the last decrease once', () => {
		const limit = new AdaptiveConcurrency(40);
		limit.onThrottled(1000, 1100); // sent at 1000, answered at 1100: 40 -> 20
		limit.onThrottled(1005, 1101);
		limit.onThrottled(1099, 1102);
		expect(limit.limit).toBe(20);
		limit.onThrottled(1200, 1300); // sent after the decrease: a new episode
		expect(limit.limit).toBe(10);
		expect(limit.throttleEvents).toBe(4);
	});

	it('never lets more than the limit hold a slot, also while the limit changes', async () => {
		const limit = new AdaptiveConcurrency(6);
		const { state, run } = peakTracker();
		let overLimit = 0;
		let done = 0;
		const request = async (index: number): Promise<void> => {
			await limit.acquire();
			await run(async () => {
				if (state.running > limit.limit) overLimit++;
				await tick();
				if (index === 5) limit.onThrottled(); // 6 -> 3 while 6 are in flight
				else limit.onSuccess();
			});
			done++;
			limit.release();
		};
		await Promise.all(Array.from({ length: 200 }, (_, index) => request(index)));
		expect({ done, peak: state.peak, overLimit, throttleEvents: limit.throttleEvents, limit: limit.limit }).toEqual({ done: 200, peak: 6, overLimit: 0, throttleEvents: 1, limit: 6 });
	});

	it('grants each of 100 000 waiters once, never more than the limit at a time', async () => {
		const limit = new AdaptiveConcurrency(50);
		const { state, run } = peakTracker();
		let granted = 0;
		await Promise.all(
			Array.from({ length: 100_000 }, async () => {
				await limit.acquire();
				await run(async () => granted++);
				limit.release();
			}),
		);
		expect(granted).toBe(100_000);
		expect(state.peak).toBe(50);
	});

	it('hands slots over in the order they were asked for', async () => {
		const limit = new AdaptiveConcurrency(1);
		const order: number[] = [];
		await limit.acquire();
		const waiting = [1, 2, 3].map(async (n) => {
			await limit.acquire();
			order.push(n);
			limit.release();
		});
		limit.release();
		await Promise.all(waiting);
		expect(order).toEqual([1, 2, 3]);
	});

	it('lets a waiter in when the limit grows', async () => {
		const limit = new AdaptiveConcurrency(2);
		limit.onThrottled(); // 1
		await limit.acquire();
		let second = false;
		const pending = limit.acquire().then(() => (second = true));
		await tick();
		expect(second).toBe(false);
		limit.onSuccess(); // 1 success at limit 1: grows to 2 and hands a slot over
		await pending;
		expect(second).toBe(true);
	});
});

describe('runPooled', () => {
	it.each([
		[20, 3, 3],
		[5, 0, 1],
	])('runs %d indexes with width %d: never more than %d at once, each index once, started in order', async (count, width, peak) => {
		const { state, run } = peakTracker();
		const started: number[] = [];
		let finished = 0;
		await runPooled(count, width, (index) =>
			run(async () => {
				started.push(index);
				await tick();
				finished++;
			}),
		);
		expect(state.peak).toBe(peak);
		expect(started).toEqual([...Array(count).keys()]);
		expect(finished).toBe(count);
	});

	it('stops launching when asked and resolves for zero work', async () => {
		let started = 0;
		await runPooled(
			10,
			1,
			async () => {
				started++;
			},
			() => started === 2,
		);
		expect(started).toBe(2);
		await expect(runPooled(0, 5, async () => undefined)).resolves.toBeUndefined();
	});

	it.each([1, 50, 100_000])('visits 100 000 indexes once each with width %d without a stack overflow', async (width) => {
		const visits = new Uint8Array(100_000);
		let calls = 0;
		await runPooled(visits.length, width, async (index) => {
			visits[index]++;
			calls++;
		});
		expect(calls).toBe(visits.length);
		expect(visits.every((visit) => visit === 1)).toBe(true);
	});
});
