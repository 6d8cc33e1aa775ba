import { apiRequests, imagesItems, recognize, runToMoviee, useSimulator } from './fixtures';

const simulator = useSimulator({ taskDurationMs: 100 });

describe('Wait Method: Wait for Callback (execute side)', () => {
	it('submits every task with the execution resume URL and parks the execution', async () => {
		const run = await runToMoviee(simulator, {
			parameters: recognize('={{ $json.imageUrl }}', { waitMethod: 'callback' }, { timeout: 300 }),
			items: imagesItems(['https://x.test/a.png?duration=5000', 'https://x.test/b.png?duration=5000']),
		});
		expect(run.error).toBeUndefined();
		expect(run.status).toBe('waiting');
		const submits = apiRequests(simulator, 'submit');
		expect(submits).toHaveLength(2);
		for (const submit of submits) expect(submit.body.callback).toMatch(/\/webhook-waiting\/[^?]+\?signature=[0-9a-f]{64}$/);
		// One look at each task before parking, no polling after.
		expect(apiRequests(simulator, 'query')).toHaveLength(2);
		expect(run.items.map((item) => item.json.status)).toEqual(['queued', 'queued']);
	});

	it('refuses a Callback URL option together with Wait for Callback, before any request', async () => {
		const run = await runToMoviee(simulator, { parameters: recognize('https://x.test/a.png', { waitMethod: 'callback' }, { callbackUrl: 'https://example.com/hook' }) });
		expect(run.error!.message).toContain('[item 0, field "callbackUrl"]');
		expect(simulator.requests).toHaveLength(0);
	});
});
