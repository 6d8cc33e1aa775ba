import { Logger } from '@n8n/backend-common';
import { Container } from '@n8n/di';
import { NodeConnectionTypes } from 'n8n-workflow';
import { request } from 'undici';

import { START_NODE_TYPE, runWorkflow, startWebhookServer, type WebhookServer } from '../harness';
import { ledgerOf } from '../../nodes/ToMoviee/waitForCallback/confirmReportedEnds';
import { NODE_TYPE, apiRequests, imagesItems, post, recognize, toMovieeHarness, useSimulator } from './fixtures';

const simulator = useSimulator({}, { resetEachTest: false });
let server: WebhookServer;
beforeAll(async () => (server = await startWebhookServer()));
afterAll(async () => await server.close());

/** Recognize with Wait for Callback over these images; the resume URL points at the webhook server. */
async function parkRecognize(images: string[]) {
	return await runWorkflow({
		...toMovieeHarness(simulator),
		baseUrl: server.url,
		items: imagesItems(images),
		node: { type: NODE_TYPE, parameters: recognize('={{ $json.imageUrl }}', { waitMethod: 'callback' }, { timeout: 300 }) },
	});
}

describe('Wait for Callback: park, callbacks, resume', () => {
	it('a parked batch of 3 resumes once, when the last task has called back, and the next node gets 3 items', async () => {
		// Tasks end one after another, so the first callbacks find others still running.
		const images = [200, 600, 1000].map((ms) => `https://x.test/resume-${ms}.png?duration=${ms}`);
		const run = await runWorkflow({
			...toMovieeHarness(simulator),
			// The resume URL the node sends to ToMoviee points at the server, which resumes the run.
			baseUrl: server.url,
			items: imagesItems(images),
			nodes: [
				{ type: NODE_TYPE, parameters: recognize('={{ $json.imageUrl }}', { waitMethod: 'callback' }, { timeout: 300 }) },
				{ type: START_NODE_TYPE, name: 'Downstream' },
			],
			connections: { ToMoviee: { main: [[{ node: 'Downstream', type: NodeConnectionTypes.Main, index: 0 }]] } },
		});
		expect(run.error).toBeUndefined();
		expect(run.status).toBe('waiting');
		expect(run.runData.Downstream).toBeUndefined();
		expect(apiRequests(simulator, 'submit').map((submit) => submit.body.callback)).toEqual([run.resumeUrl, run.resumeUrl, run.resumeUrl]);

		const done = await run.execution.finished;
		expect(done.status).toBe('success');
		const { deliveries } = run.execution;
		expect(deliveries.length).toBeGreaterThanOrEqual(3);
		expect(deliveries.filter((delivery) => delivery.resumed)).toHaveLength(1);
		expect(deliveries.at(-1)).toEqual({ statusCode: 200, resumed: true });
		expect(run.execution.runs).toHaveLength(2);
		expect(done.runData.ToMoviee).toHaveLength(1);
		expect(done.nodeExecutionOrder).toEqual(['ToMoviee', 'Downstream']);
		expect(done.runData.Downstream).toHaveLength(1);
		expect(done.items.map((item) => [item.json.imageUrl, item.json.status])).toEqual(images.map((url) => [url, 'succeeded']));

		// A late repeat of a callback finds the execution finished: nothing runs again.
		const late = await request(run.resumeUrl, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ task_id: done.items[0].json.taskId, status: 3 }),
		});
		expect(late.statusCode).toBe(409);
		await late.body.dump();
		expect(run.execution.runs).toHaveLength(2);
	});

	it('20 tasks: every callback that leaves tasks open is answered at once, and the batch costs 2 look-ups per task', async () => {
		const images = Array.from({ length: 20 }, (_, i) => `https://x.test/many-${i}.png?duration=${300 + 40 * i}`);
		const queriesBefore = apiRequests(simulator, 'query').length;
		const run = await parkRecognize(images);
		expect(run.status).toBe('waiting');
		const done = await run.execution.finished;
		expect(done.status).toBe('success');
		expect(done.items.map((item) => item.json.status)).toEqual(Array(20).fill('succeeded'));
		expect(run.execution.deliveries.filter((delivery) => delivery.resumed)).toHaveLength(1);
		// one look at each task before parking, one to confirm each reported end
		expect(apiRequests(simulator, 'query').length - queriesBefore).toBeLessThanOrEqual(40);
	});

	it.each([
		// the one callback left the batch open; the check after a quiet period (the last delivery) resumed it
		['a callback lost on the way: the node checks the batch itself after a quiet period', ['https://x.test/told.png?duration=300', 'https://x.test/lost.png?duration=500&nocallback'], 4],
		// the check 2 s after parking found a task running; the next one, 4 s later, resumed
		['no callback ever arrives: the check after parking, repeated with longer pauses', ['https://x.test/quiet-a.png?duration=2500&nocallback', 'https://x.test/quiet-b.png?duration=300&nocallback'], 6],
	])('%s, resumes the batch', async (_case, images, maxQueries) => {
		const queriesBefore = apiRequests(simulator, 'query').length;
		const run = await parkRecognize(images);
		expect(run.status).toBe('waiting');
		const done = await run.execution.finished;
		expect(done.status).toBe('success');
		expect(done.items.map((item) => [item.json.imageUrl, item.json.status])).toEqual(images.map((url) => [url, 'succeeded']));
		expect(run.execution.deliveries.map((delivery) => delivery.resumed)).toEqual([false, true]);
		expect(apiRequests(simulator, 'query').length - queriesBefore).toBeLessThanOrEqual(maxQueries);
	});

	it('a made-up "succeeded" for a running task resumes nothing; the real callback afterwards resumes with what ToMoviee says', async () => {
		const run = await parkRecognize(['https://x.test/real.png?duration=1500']);
		expect(run.status).toBe('waiting');
		const [submit] = apiRequests(simulator, 'submit').slice(-1);
		const task = [...simulator.tasks.values()].find((candidate) => candidate.callback === submit.body.callback);
		const forged = await request(run.resumeUrl, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ task_id: task?.task_id, status: 3, result: JSON.stringify({ images_path: ['https://attacker.example/forged.png'] }) }),
		});
		expect(forged.statusCode).toBe(200);
		await forged.body.dump();
		expect(run.execution.deliveries).toEqual([{ statusCode: 200, resumed: false }]);
		const done = await run.execution.finished;
		expect(done.status).toBe('success');
		expect(done.items[0].json).toMatchObject({ taskId: task?.task_id, status: 'succeeded' });
		expect(done.items[0].json.resultUrls).not.toContain('https://attacker.example/forged.png');
	});

	it('the resume URL refuses a call without its token (401) and an unknown execution (404)', async () => {
		const run = await runWorkflow({
			...toMovieeHarness(simulator),
			baseUrl: server.url,
			node: { type: NODE_TYPE, parameters: recognize('https://x.test/never.png', { waitMethod: 'callback' }, { timeout: 300 }) },
		});
		expect(run.status).toBe('waiting');
		const unsigned = new URL(run.resumeUrl);
		unsigned.searchParams.delete('signature');
		expect(await post(unsigned.toString(), {})).toMatchObject({ status: 401, json: { error: 'Invalid token' } });
		expect((await post(`${server.url}/webhook-waiting/no-such-execution`, {})).status).toBe(404);
		expect(run.execution.deliveries).toEqual([{ statusCode: 401, resumed: false }]);
		expect(run.execution.status).toBe('waiting');
	});
});

describe('Wait for Callback: the resume URL cannot be turned into cost or loss', () => {
	const postJson = async (url: string, body: unknown) => (await post(url, body)).status;
	const queries = () => apiRequests(simulator, 'query').length;

	it('token-less checks, claims, status-less posts and huge bodies cost at most a look-up per few seconds; the real callback still resumes', async () => {
		const run = await parkRecognize(['https://x.test/flooded.png?duration=2500']);
		expect(run.status).toBe('waiting');
		const taskId = run.items[0].json.taskId as string;
		const before = queries();
		const checks = await Promise.all(Array.from({ length: 30 }, async () => await postJson(run.resumeUrl, { tomovieeLedgerCheck: true })));
		// concurrent claims join one look-up; later ones, and status-less posts, are asked to try again
		const claims = await Promise.all(Array.from({ length: 30 }, async () => await postJson(run.resumeUrl, { task_id: taskId, status: 3 })));
		const later: number[] = [];
		for (const body of [...Array(10).fill({ task_id: taskId, status: 3 }), ...Array(10).fill({ task_id: taskId })]) later.push(await postJson(run.resumeUrl, body));
		const huge = await postJson(run.resumeUrl, { task_id: taskId, status: 3, result: 'x'.repeat(1024 * 1024) });
		const badId = await postJson(run.resumeUrl, { task_id: `${taskId}\nforged log line`, status: 3 });
		expect(new Set(checks)).toEqual(new Set([403]));
		expect(claims.every((status) => [200, 409, 503].includes(status))).toBe(true);
		expect(new Set(later)).toEqual(new Set([503]));
		expect([huge, badId]).toEqual([413, 400]);
		expect(queries() - before).toBeLessThanOrEqual(1);
		const done = await run.execution.finished;
		expect(done.status).toBe('success');
		expect(done.items[0].json).toMatchObject({ taskId, status: 'succeeded' });
		expect(queries() - before).toBeLessThanOrEqual(3);
	});

	it('the first check meets n8n\'s 409 "running already" until the parked run is saved: it tries again and resumes the batch', async () => {
		const run = await runWorkflow({
			...toMovieeHarness(simulator),
			baseUrl: server.url,
			saveDelayMs: 4500,
			items: imagesItems(['https://x.test/unsaved.png?duration=300&nocallback']),
			node: { type: NODE_TYPE, parameters: recognize('={{ $json.imageUrl }}', { waitMethod: 'callback' }, { timeout: 300 }) },
		});
		expect(run.status).toBe('waiting');
		const done = await run.execution.finished;
		expect(done.status).toBe('success');
		const { deliveries } = run.execution;
		expect(deliveries.slice(0, 2)).toEqual([
			{ statusCode: 409, resumed: false },
			{ statusCode: 409, resumed: false },
		]);
		expect(deliveries.at(-1)).toEqual({ statusCode: 200, resumed: true });
	});

	it('a batch parked by the previous release (record version 2, no token) still resumes, and its token-less check is still taken', async () => {
		const run = await parkRecognize(['https://x.test/v2-record.png?duration=800&nocallback']);
		expect(run.status).toBe('waiting');
		const saved = JSON.parse(run.execution.saved!);
		const record = saved.executionData.contextData['node:ToMoviee'].parkedBatch;
		expect(record).toMatchObject({ version: 3, checkToken: expect.any(String) });
		record.version = 2;
		delete record.checkToken;
		run.execution.saved = JSON.stringify(saved);
		await new Promise((resolve) => setTimeout(resolve, 900));
		expect(await postJson(run.resumeUrl, { tomovieeLedgerCheck: true })).toBe(200);
		const done = await run.execution.finished;
		expect(done.status).toBe('success');
	});

	it('a batch parked by 0.1.0 (record version 1: each item with its plan, no resume URL) still resumes', async () => {
		const run = await parkRecognize(['https://x.test/v1-record.png?duration=800&nocallback']);
		expect(run.status).toBe('waiting');
		const saved = JSON.parse(run.execution.saved!);
		const context = saved.executionData.contextData['node:ToMoviee'];
		const { errorShape, maxConcurrency, maxTries, requestTimeoutMs, common, items } = context.parkedBatch;
		context.parkedBatch = {
			version: 1,
			errorShape,
			maxConcurrency,
			maxTries,
			requestTimeoutMs,
			items: items.map(({ inputs, ...item }: { inputs: object }, itemIndex: number) => ({ ...item, plan: { itemIndex, inputs, ...common, waited: true } })),
		};
		run.execution.saved = JSON.stringify(saved);
		await new Promise((resolve) => setTimeout(resolve, 900));
		expect(await postJson(run.resumeUrl, { tomovieeLedgerCheck: true })).toBe(200);
		const done = await run.execution.finished;
		expect(done.status).toBe('success');
		expect(done.runData.ToMoviee[0].data!.main[0]![0].json).toMatchObject({ status: 'succeeded', imageUrl: 'https://x.test/v1-record.png?duration=800&nocallback' });
	});

	it('a ledger is forgotten once its grace period after the resume has passed', async () => {
		const run = await parkRecognize(['https://x.test/forgotten.png?duration=200']);
		const done = await run.execution.finished;
		expect(done.status).toBe('success');
		// the ledger of the resume, held while n8n takes the resume, then replaced by a fresh one
		const batch = { errorShape: 'main' as const, maxConcurrency: 1, maxTries: 1, requestTimeoutMs: 1000, items: [] };
		const resumed = ledgerOf(run.executionId, batch);
		expect(resumed.isResuming).toBe(true);
		while (ledgerOf(run.executionId, batch) === resumed) await new Promise((resolve) => setTimeout(resolve, 250));
		expect(ledgerOf(run.executionId, batch).isResuming).toBe(false);
	}, 30_000);
});

describe('Wait for Callback: a check that cannot get through is reported', () => {
	it('n8n cannot reach its own resume URL: one warning for the batch, saying what to do', async () => {
		// n8n-core's contexts log through the Logger service of n8n's container.
		const logger = Container.get(Logger);
		const warn = jest.spyOn(logger, 'warn').mockImplementation(() => {});
		try {
			const run = await runWorkflow({
				...toMovieeHarness(simulator),
				// nothing listens there: the check after parking fails
				baseUrl: 'http://127.0.0.1:9',
				items: imagesItems(['https://x.test/unreachable.png?duration=60000&nocallback']),
				node: { type: NODE_TYPE, parameters: recognize('={{ $json.imageUrl }}', { waitMethod: 'callback' }, { timeout: 300 }) },
			});
			expect(run.status).toBe('waiting');
			const reported = () => warn.mock.calls.filter(([message]) => String(message).includes('the check of a parked batch through its resume URL'));
			while (reported().length === 0) await new Promise((resolve) => setTimeout(resolve, 100));
			expect(reported()).toHaveLength(1);
			expect(String(reported()[0][0])).toMatch(/WEBHOOK_URL/);
			expect(String(reported()[0][0])).not.toContain('signature=');
		} finally {
			warn.mockRestore();
		}
	});
});
