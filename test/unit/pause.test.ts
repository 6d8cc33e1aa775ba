import { pause } from '../../nodes/shared/transport/pause';

describe('pause', () => {
	it('waits and reports that it was not stopped', async () => {
		const started = Date.now();
		await expect(pause(30)).resolves.toBe(false);
		expect(Date.now() - started).toBeGreaterThanOrEqual(25);
		await expect(pause(5, new AbortController().signal)).resolves.toBe(false);
	});

	it('returns at once when already stopped', async () => {
		const controller = new AbortController();
		controller.abort();
		const started = Date.now();
		await expect(pause(60_000, controller.signal)).resolves.toBe(true);
		expect(Date.now() - started).toBeLessThan(1000);
	});

	it('ends early when stopped while waiting', async () => {
		const controller = new AbortController();
		const started = Date.now();
		setTimeout(() => controller.abort(), 20);
		await expect(pause(60_000, controller.signal)).resolves.toBe(true);
		expect(Date.now() - started).toBeLessThan(5000);
	});
});
