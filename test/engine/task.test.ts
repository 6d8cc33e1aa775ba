import { apiRequests, FAST_WAIT, recognize, runToMoviee, useSimulator } from './fixtures';

const simulator = useSimulator({ taskDurationMs: 400 });

async function submitOne(imageUrl = 'https://x.test/a.png'): Promise<string> {
	const run = await runToMoviee(simulator, { parameters: recognize(imageUrl, { waitForCompletion: false }) });
	return run.items[0].json.taskId as string;
}

describe('Task > Get', () => {
	it('returns the current state when not waiting', async () => {
		// Long enough not to end between the two runs on a loaded machine.
		const taskId = await submitOne('https://x.test/a.png?duration=30000');
		const run = await runToMoviee(simulator, { parameters: { resource: 'task', operation: 'get', taskId, waitForCompletion: false } });
		expect(run.error).toBeUndefined();
		expect(run.items[0].json).toMatchObject({ taskId, status: expect.stringMatching(/queued|processing/) });
		expect(apiRequests(simulator, 'query')).toHaveLength(1);
		expect(apiRequests(simulator, 'query')[0].body).toEqual({ task_id: taskId });
	});

	it('looks once by default (Wait for Completion is off unless turned on)', async () => {
		const taskId = await submitOne('https://x.test/a.png?duration=30000');
		const run = await runToMoviee(simulator, { parameters: { resource: 'task', operation: 'get', taskId } });
		expect(run.error).toBeUndefined();
		expect(run.items[0].json).toMatchObject({ taskId, status: expect.stringMatching(/queued|processing/) });
		expect(apiRequests(simulator, 'query')).toHaveLength(1);
	});

	it('reports a failed task as data when not waiting, as an error when waiting', async () => {
		const taskId = await submitOne('https://x.test/fail.png');
		await new Promise((resolve) => setTimeout(resolve, 600));
		const looked = await runToMoviee(simulator, { parameters: { resource: 'task', operation: 'get', taskId, waitForCompletion: false } });
		expect(looked.items[0].json).toMatchObject({ taskId, status: 'failed', statusCode: 4 });
		const waited = await runToMoviee(simulator, { parameters: { resource: 'task', operation: 'get', taskId, waitForCompletion: true, options: FAST_WAIT } });
		expect(waited.error?.message).toContain(taskId);
		expect(waited.error?.message).toContain('failed');
	});

	it('refuses an empty task id before any request', async () => {
		const run = await runToMoviee(simulator, { parameters: { resource: 'task', operation: 'get', taskId: ' ', waitForCompletion: false } });
		expect(run.error?.message).toMatch(/Task ID is empty.*item 0.*taskId/);
		expect(simulator.requests).toHaveLength(0);
	});
});
