import { AdaptiveConcurrency, runPooled } from '../../nodes/shared/transport/concurrency';
import { nextPollDelayMs } from '../../nodes/ToMoviee/poll/pollingSchedule';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('polling schedule', () => {
	it('looks quickly first, then doubles up to the interval', () => {
		expect([0, 1, 2, 3, 4].map((n) => nextPollDelayMs(n, 5000))).toEqual([1000, 2000, 4000, 5000, 5000]);
	});

	it('never waits longer than a short interval', () => {
		expect([0, 1, 2].map((n) => nextPollDelayMs(n, 200))).toEqual([200, 200, 200]);
	});

	it('stays bounded after very many queries', () => {
		expect(nextPollDelayMs(10_000, 5000)).toBe(5000);
		expect(nextPollDelayMs(-3, 5000)).toBe(1000);
	});
});

describe('AdaptiveConcurrency', () => {
	it('starts at 50 or the maximum if lower, at least one', () => {
		expect(new AdaptiveConcurrency(8).limit).toBe(8);
		expect(new AdaptiveConcurrency(2.9).limit).toBe(2);
		expect(new AdaptiveConcurrency(0).limit).toBe(1);
		expect(new AdaptiveConcurrency(200).limit).toBe(50);
		expect(new AdaptiveConcurrency(200, 10).limit).toBe(10);
	});

	it('doubles after each full window of successes until the first 429, up to the maximum', () => {
		const limit = new AdaptiveConcurrency(200);
		for (let i = 0; i < 49; i++) limit.onSuccess();
		expect(limit.limit).toBe(50);
		limit.onSuccess();
		expect(limit.limit).toBe(100);
		for (let i = 0; i < 100; i++) limit.onSuccess();
		expect(limit.limit).toBe(200);
		for (let i = 0; i < 1000; i++) limit.onSuccess();
		expect(limit.limit).toBe(200);
	});

	it('after a 429 it halves and then grows by one per window, not by doubling', () => {
		const limit = new AdaptiveConcurrency(200);
		limit.onThrottled(); // 25
		expect(limit.limit).toBe(25);
		for (let i = 0; i < 25; i++) limit.onSuccess();
		expect(limit.limit).toBe(26);
		for (let i = 0; i < 26; i++) limit.onSuccess();
		expect(limit.limit).toBe(27);
	});

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
		for (let i = 0; i < 100; i++) limit.onSuccess();
		expect(limit.limit).toBe(8);
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

	it('restarts the growth window after a decrease', () => {
		const limit = new AdaptiveConcurrency(8);
		limit.onThrottled(); // 4
		for (let i = 0; i < 3; i++) limit.onSuccess();
		limit.onThrottled(); // 2, window reset
		limit.onSuccess();
		expect(limit.limit).toBe(2);
		limit.onSuccess();
		expect(limit.limit).toBe(3);
	});

	it('never lets more than the limit hold a slot, also while the limit changes', async () => {
		const limit = new AdaptiveConcurrency(6);
		let held = 0;
		let peak = 0;
		let overLimit = 0;
		let done = 0;
		const request = async (index: number): Promise<void> => {
			await limit.acquire();
			held++;
			peak = Math.max(peak, held);
			if (held > limit.limit) overLimit++;
			await tick();
			if (index === 5) limit.onThrottled(); // 6 -> 3 while 6 are in flight
			else limit.onSuccess();
			held--;
			done++;
			limit.release();
		};
		await Promise.all(Array.from({ length: 200 }, (_, index) => request(index)));
		expect(done).toBe(200);
		expect(peak).toBe(6);
		// After the decrease those already in flight finish; no new slot is granted above the limit.
		expect(overLimit).toBe(0);
		expect(limit.throttleEvents).toBe(1);
		expect(limit.limit).toBe(6);
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
		const pending = limit.acquire().then(() => {
			second = true;
		});
		await tick();
		expect(second).toBe(false);
		limit.onSuccess(); // 1 success at limit 1: grows to 2 and hands a slot over
		await pending;
		expect(second).toBe(true);
		limit.release();
		limit.release();
	});
});

describe('AdaptiveConcurrency with 100 000 waiters', () => {
	it('grants every request once, never more than the limit at a time', async () => {
		const limit = new AdaptiveConcurrency(50);
		let held = 0;
		let peak = 0;
		let granted = 0;
		await Promise.all(
			Array.from({ length: 100_000 }, async () => {
				await limit.acquire();
				held++;
				granted++;
				peak = Math.max(peak, held);
				await Promise.resolve();
				held--;
				limit.release();
			}),
		);
		expect(granted).toBe(100_000);
		expect(peak).toBe(50);
	});
});

describe('runPooled', () => {
	it('never runs more workers than the width and runs each index once', async () => {
		let running = 0;
		let peak = 0;
		const seen: number[] = [];
		await runPooled(20, 3, async (index) => {
			running++;
			peak = Math.max(peak, running);
			await tick();
			seen.push(index);
			running--;
		});
		expect(peak).toBe(3);
		expect(seen.sort((a, b) => a - b)).toEqual([...Array(20).keys()]);
	});

	it('starts the indexes in order', async () => {
		const started: number[] = [];
		await runPooled(10, 4, async (index) => {
			started.push(index);
			await tick();
		});
		expect(started).toEqual([...Array(10).keys()]);
	});

	it('stops launching when asked and resolves for zero work', async () => {
		let started = 0;
		let stop = false;
		await runPooled(
			10,
			1,
			async () => {
				started++;
				if (started === 2) stop = true;
			},
			() => stop,
		);
		expect(started).toBe(2);
		await expect(runPooled(0, 5, async () => undefined)).resolves.toBeUndefined();
	});

	it('runs with a width below one as one lane', async () => {
		let running = 0;
		let peak = 0;
		let count = 0;
		await runPooled(5, 0, async () => {
			running++;
			peak = Math.max(peak, running);
			await tick();
			running--;
			count++;
		});
		expect(peak).toBe(1);
		expect(count).toBe(5);
	});

	it.each([1, 50, 100_000])('visits 100 000 indexes once each with width %d without a stack overflow', async (width) => {
		const count = 100_000;
		const visits = new Uint8Array(count);
		let calls = 0;
		await runPooled(count, width, async (index) => {
			visits[index]++;
			calls++;
		});
		expect(calls).toBe(count);
		expect(visits.every((visit) => visit === 1)).toBe(true);
	});
});
