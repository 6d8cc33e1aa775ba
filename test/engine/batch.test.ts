import { NodeOperationError } from 'n8n-workflow';

import { apiRequests, imagesItems, recognize, runToMoviee, useSimulator } from './fixtures';

const simulator = useSimulator({}, { eachTest: { maxInFlight: Infinity, faultRate: 0, taskDurationMs: 150 } });

const urls = (count: number, suffix = '') =>
	Array.from({ length: count }, (_, i) => `https://x.test/img-${i}.png${suffix ? `?${suffix}` : ''}`);

describe('batches', () => {
	it('50 items in one run: 50 outputs, in input order, each paired, each task once', async () => {
		simulator.configure({ taskDurationMs: [50, 600] });
		const images = urls(50);
		const run = await runToMoviee(simulator, { parameters: recognize('={{ $json.imageUrl }}', { controlType: '={{ String($itemIndex % 4) }}' }), items: imagesItems(images) });
		expect(run.error).toBeUndefined();
		expect(run.items).toHaveLength(50);
		run.items.forEach((item, i) => {
			expect(item.pairedItem).toEqual({ item: i });
			expect(item.json).toMatchObject({ imageUrl: images[i], controlType: String(i % 4), status: 'succeeded' });
		});
		const submits = apiRequests(simulator, 'submit');
		expect(submits).toHaveLength(50);
		expect(new Set(run.items.map((item) => item.json.taskId)).size).toBe(50);
		// One polling loop with backoff: a few queries per task, not one per poll tick per item.
		expect(apiRequests(simulator, 'query').length).toBeLessThanOrEqual(50 * 6);
	});

	it('Poll over 60 tasks of 1-2 s: the first tasks tell how long tasks take, so most others need one look', async () => {
		simulator.configure({ taskDurationMs: [1000, 2000] });
		const images = urls(60);
		const run = await runToMoviee(simulator, { parameters: recognize('={{ $json.imageUrl }}', {}, { pollInterval: 1, timeout: 60 }), items: imagesItems(images) });
		expect(run.error).toBeUndefined();
		expect(run.items.map((item) => item.json.status)).toEqual(Array(60).fill('succeeded'));
		const queries = apiRequests(simulator, 'query');
		// every task was looked at
		for (const item of run.items) expect(queries.filter((query) => query.body.task_id === item.json.taskId).length).toBeGreaterThanOrEqual(1);
		// per-task polling from a 1 s first look would need at least 2 looks for every task
		expect(queries.length).toBeLessThanOrEqual(60 * 1.5);
	});

	it('keeps at most maxConcurrency requests in flight', async () => {
		simulator.configure({ latencyMs: 40 });
		const run = await runToMoviee(simulator, { parameters: recognize('={{ $json.imageUrl }}', { waitForCompletion: false }, { maxConcurrency: 3 }), items: imagesItems(urls(30)) });
		simulator.configure({ latencyMs: 0 });
		expect(run.error).toBeUndefined();
		expect(simulator.stats.maxInFlight).toBeLessThanOrEqual(3);
		expect(simulator.stats.maxInFlight).toBeGreaterThanOrEqual(2);
	});

	it('retries 429 (honouring Retry-After) and 503 submits and a 502 look-up, then succeeds with no duplicates', async () => {
		simulator.injectFaults([
			{ route: 'submit', kind: '429', count: 2, retryAfter: 0 },
			{ route: 'submit', kind: '503', count: 2 },
			{ route: 'query', kind: '502', count: 1 },
		]);
		const run = await runToMoviee(simulator, { parameters: recognize('={{ $json.imageUrl }}', {}, { pollInterval: 0.1, timeout: 30 }), items: imagesItems(urls(3)) });
		expect(run.error).toBeUndefined();
		expect(run.items.map((item) => item.json.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
		expect(apiRequests(simulator, 'submit')).toHaveLength(3 + 4);
		expect(run.items).toHaveLength(3);
		expect(simulator.tasks.size).toBe(3);
	});

	it('a rate-limited gateway still gets every item through', async () => {
		simulator.configure({ maxInFlight: 4, retryAfterSeconds: 0, latencyMs: 20 });
		const run = await runToMoviee(simulator, {
			parameters: recognize('={{ $json.imageUrl }}', { waitForCompletion: false }, { maxConcurrency: 20, maxTries: 10 }),
			items: imagesItems(urls(40)),
		});
		simulator.configure({ maxInFlight: Infinity, latencyMs: 0 });
		expect(run.error).toBeUndefined();
		expect(run.items.every((item) => item.json.status === 'queued')).toBe(true);
		expect(simulator.tasks.size).toBe(40);
	});

	it('10 % transient faults on 100 items: 100 succeed, none lost or duplicated', async () => {
		// Faults after which no task can exist, so a retry is safe (ambiguous ones: failures.test.ts).
		simulator.configure({ faultRate: 0.1, faultKinds: ['429', '503'], retryAfterSeconds: 0, seed: 7 });
		const run = await runToMoviee(simulator, {
			parameters: recognize('={{ $json.imageUrl }}', {}, { pollInterval: 0.1, timeout: 60, maxTries: 8 }),
			items: imagesItems(urls(100)),
			continueOnFail: true,
		});
		simulator.configure({ faultRate: 0 });
		expect(run.items).toHaveLength(100);
		expect(run.items.filter((item) => item.json.status === 'succeeded')).toHaveLength(100);
		expect(new Set(run.items.map((item) => item.json.taskId)).size).toBe(100);
	});

	it('Stop (execution cancel) ends the wait with an error, not a hang', async () => {
		const run = await runToMoviee(simulator, {
			parameters: recognize('={{ $json.imageUrl }}', {}, { pollInterval: 0.2, timeout: 600 }),
			items: imagesItems(['https://x.test/never-1.png', 'https://x.test/never-2.png']),
			abortAfterMs: 700,
		});
		expect(run.error).toBeDefined();
		expect(run.cancelled).toBe(true);
		// nothing is sent afterwards
		const sent = simulator.requests.length;
		await new Promise((resolve) => setTimeout(resolve, 600));
		expect(simulator.requests.length).toBe(sent);
	});

	it('Task > Get waits until the tasks end, many with one loop', async () => {
		const submitted = await runToMoviee(simulator, { parameters: recognize('={{ $json.imageUrl }}', { waitForCompletion: false }), items: imagesItems(urls(5)) });
		const ids = submitted.items.map((item) => item.json.taskId as string);
		const run = await runToMoviee(simulator, {
			parameters: { resource: 'task', operation: 'get', taskId: '={{ $json.taskId }}', waitForCompletion: true, options: { pollInterval: 0.1 } },
			items: ids.map((taskId) => ({ json: { taskId } })),
		});
		expect(run.error).toBeUndefined();
		expect(run.items.map((item) => [item.json.taskId, item.json.status])).toEqual(ids.map((id) => [id, 'succeeded']));
		for (const { json } of run.items) expect(json).toMatchObject({ statusCode: 3, progress: 100, resultUrls: [expect.stringContaining(`/files/${json.taskId}/0.png`)] });
	});

	it('a bad Max Concurrency is refused before any request', async () => {
		const run = await runToMoviee(simulator, { parameters: recognize('https://x.test/a.png', {}, { maxConcurrency: 0 }) });
		expect(run.error).toBeInstanceOf(NodeOperationError);
		expect(run.error!.message).toContain('field "maxConcurrency"');
		expect(simulator.requests).toHaveLength(0);
	});
});
