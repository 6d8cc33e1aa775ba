import { NodeApiError } from 'n8n-workflow';

import { apiRequests, FAST_WAIT, recognize, runToMoviee, useSimulator } from './fixtures';

/** The API as ToMoviee's own pages show it: task codes with data, vendor ids, signed URLs. */
const simulator = useSimulator({ taskDurationMs: 120 }, { eachTest: { progressField: 'progress', maskResultKey: 'images_path', requireWsid: false } });

const getTask = (taskId: string, waitForCompletion = false, options = {}) => ({ resource: 'task', operation: 'get', taskId, waitForCompletion, options: { ...FAST_WAIT, ...options } });

async function submitted(imageUrl: string): Promise<string> {
	const run = await runToMoviee(simulator, { parameters: recognize(imageUrl, { waitForCompletion: false }) });
	expect(run.error).toBeUndefined();
	return run.items[0].json.taskId as string;
}

async function untilEnded(taskId: string): Promise<void> {
	await runToMoviee(simulator, { parameters: getTask(taskId, true), continueOnFail: true });
}

describe('task answers carry the task whatever the code says', () => {
	it('Task > Get shows a failed task with its reason, code and message', async () => {
		const taskId = await submitted('https://x.test/insufficient.png');
		await untilEnded(taskId);
		const run = await runToMoviee(simulator, { parameters: getTask(taskId) });
		expect(run.error).toBeUndefined();
		expect(run.items[0].json).toMatchObject({ taskId, status: 'failed', statusCode: 4, reason: 'insufficient balance', errorCode: 680001 });
		expect(run.items[0].json.errorMessage).toEqual(expect.any(String));
	});

	it('Poll with Continue: the failed item keeps task id, status, reason and code', async () => {
		const run = await runToMoviee(simulator, { parameters: recognize('https://x.test/insufficient.png'), continueOnFail: true });
		expect(run.items[0].json).toMatchObject({ status: 'failed', reason: 'insufficient balance', errorCode: 680001 });
		expect(run.items[0].json.error).toMatch(/insufficient balance \(code 680001\)/);
		expect(run.items[0].json.taskId).toMatch(/^tm_reference_img2mask-0-/);
	});

	it('a task id ToMoviee does not know stays an API error naming its code', async () => {
		const run = await runToMoviee(simulator, { parameters: getTask('tm_reference_img2mask-0-000000000000nope') });
		expect(run.error).toBeInstanceOf(NodeApiError);
		expect(run.error!.message).toMatch(/ToMoviee error 680002: task not found while looking up task tm_reference_img2mask-0-000000000000nope/);
	});

});

describe('task fields', () => {
	it('reads progress from "process" when the answer names it so', async () => {
		simulator.configure({ progressField: 'process' });
		const taskId = await submitted('https://x.test/slow.png?duration=2000');
		await new Promise((resolve) => setTimeout(resolve, 1000));
		const run = await runToMoviee(simulator, { parameters: getTask(taskId) });
		expect(run.items[0].json.status).toBe('processing');
		expect(run.items[0].json.progress).toBeGreaterThan(0);
		expect(run.items[0].json.progress).toBeLessThan(100);
	});

	it('shows queue position and wait time for a queued task', async () => {
		const taskId = await submitted('https://x.test/queued.png?duration=600000');
		const run = await runToMoviee(simulator, { parameters: getTask(taskId) });
		expect(run.items[0].json.status).toBe('queued');
		expect(run.items[0].json.queuePosition).toEqual(expect.any(Number));
		expect(run.items[0].json.waitSeconds).toEqual(expect.any(Number));
	});

	it('collects mask_path URLs and tells when the signed URLs expire', async () => {
		simulator.configure({ maskResultKey: 'mask_path' });
		const run = await runToMoviee(simulator, { parameters: recognize('https://x.test/mask.png') });
		const json = run.items[0].json;
		expect((json.resultUrls as string[]).length).toBe(1);
		const expires = Number(new URL((json.resultUrls as string[])[0]).searchParams.get('Expires'));
		expect(json.resultUrlsExpireAt).toBe(new Date(expires * 1000).toISOString());
		expect(Date.parse(json.resultUrlsExpireAt as string) - Date.now()).toBeGreaterThan(47 * 3600 * 1000);
	});

	it('vendor task ids work in Task > Get and in binary file names', async () => {
		const taskId = await submitted('https://x.test/id.png');
		expect(taskId).toMatch(/^tm_reference_img2mask-0-[0-9a-f]+$/);
		await untilEnded(taskId);
		const run = await runToMoviee(simulator, { parameters: getTask(taskId, true, { download: true }) });
		expect(run.error).toBeUndefined();
		expect(run.items[0].binary?.data.fileName).toBe(`${taskId}-edge.png`);
		expect(run.items[0].binary?.data.mimeType).toBe('image/png');
	});
});

describe('wsid and storage_info', () => {
	it('an error about the wsid hints at the credential when none was sent', async () => {
		simulator.configure({ requireWsid: true });
		const run = await runToMoviee(simulator, { parameters: recognize('https://x.test/a.png', { waitForCompletion: false }), credentials: { wsid: 0 } });
		expect(run.error).toBeInstanceOf(NodeApiError);
		expect((run.error as NodeApiError).description).toMatch(/Set the Workspace User ID in the credential/);
	});

	it('Storage Info "omit" sends no storage_info; empty sends the documented form', async () => {
		await runToMoviee(simulator, { parameters: recognize('https://x.test/a.png', { waitForCompletion: false }, { storageInfo: 'omit' }) });
		await runToMoviee(simulator, { parameters: recognize('https://x.test/b.png', { waitForCompletion: false }) });
		const [omitted, documented] = apiRequests(simulator, 'submit');
		expect(omitted.body).not.toHaveProperty('storage_info');
		expect(documented.body.storage_info).toEqual({ input: { is_url: true }, output: { url: { expire_time: 1 } } });
	});
});
