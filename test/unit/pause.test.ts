import { pause } from '../../nodes/shared/transport/pause';

/** Whether `promise` has settled once the pending callbacks have run (the clock stays where it is). */
async function settled(promise: Promise<unknown>): Promise<boolean> {
	let done = false;
	void promise.then(() => (done = true));
	for (let turn = 0; turn < 5; turn++) await Promise.resolve();
	return done;
}

describe('pause', () => {
	beforeEach(() => jest.useFakeTimers());
	afterEach(() => jest.useRealTimers());

	it.each([
		['without a signal', undefined],
		['with a signal that is not stopped', new AbortController().signal],
	])('waits the whole time and reports that it was not stopped (%s)', async (_case, signal) => {
		const paused = pause(30_000, signal);
		jest.advanceTimersByTime(29_999);
		expect(await settled(paused)).toBe(false);
		jest.advanceTimersByTime(1);
		await expect(paused).resolves.toBe(false);
	});

	it('returns at once when already stopped', async () => {
		const controller = new AbortController();
		controller.abort();
		const paused = pause(60_000, controller.signal);
		expect(await settled(paused)).toBe(true);
		await expect(paused).resolves.toBe(true);
	});

	it('ends early when stopped while waiting', async () => {
		const controller = new AbortController();
		const paused = pause(60_000, controller.signal);
		jest.advanceTimersByTime(20);
		expect(await settled(paused)).toBe(false);
		controller.abort();
		expect(await settled(paused)).toBe(true);
		await expect(paused).resolves.toBe(true);
	});
});
