import { MinHeap } from '../../nodes/ToMoviee/poll/minHeap';
import { estimatedEndAt } from '../../nodes/ToMoviee/poll/pollingSchedule';

describe('MinHeap', () => {
	it('pops values by ascending key, whatever the push order', () => {
		const heap = new MinHeap<string>();
		const keys = [5, 1, 9, 3, 3, 7, 0, 8, 2, 6, 4];
		for (const key of keys) heap.push(key, `v${key}`);
		expect(heap.size).toBe(keys.length);
		expect(heap.peekKey()).toBe(0);
		const popped: string[] = [];
		while (heap.size > 0) popped.push(heap.pop() as string);
		expect(popped).toEqual([...keys].sort((a, b) => a - b).map((key) => `v${key}`));
	});

	it('is empty with an infinite key and pops undefined', () => {
		const heap = new MinHeap<number>();
		expect(heap.peekKey()).toBe(Number.POSITIVE_INFINITY);
		expect(heap.pop()).toBeUndefined();
	});

	it('keeps order over 10 000 random keys', () => {
		const heap = new MinHeap<number>();
		for (let i = 0; i < 10_000; i++) heap.push((i * 7919) % 10_007, i);
		let last = -1;
		while (heap.size > 0) {
			const key = heap.peekKey();
			heap.pop();
			expect(key).toBeGreaterThanOrEqual(last);
			last = key;
		}
	});
});

describe('estimatedEndAt', () => {
	it.each([
		// 20 % at 1 s, 60 % at 3 s: 20 % a second, 40 % left -> 2 s more
		['uses the rate between two looks', 0, { at: 1000, progress: 20 }, { at: 3000, progress: 60 }, 5000],
		['after one look, the rate since the task was accepted', 0, undefined, { at: 2000, progress: 50 }, 4000],
		['after one look, the rate since acceptance (errs late after a queue)', 1000, undefined, { at: 2000, progress: 25 }, 5000],
		['falls back to the one-look rate when progress did not move', 0, { at: 1000, progress: 50 }, { at: 2000, progress: 50 }, 4000],
		['gives nothing without progress', 0, undefined, { at: 1000, progress: 0 }, undefined],
		['gives nothing for a finished task', 0, undefined, { at: 1000, progress: 100 }, undefined],
		['gives nothing without time since acceptance', 1000, undefined, { at: 1000, progress: 50 }, undefined],
	])('%s', (_rule, acceptedAt, previous, latest, endAt) => expect(estimatedEndAt(acceptedAt, previous, latest)).toBe(endAt));
});
