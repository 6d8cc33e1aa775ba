import { NodeOperationError } from 'n8n-workflow';

import { apiRequests, imagesItems, recognize, runToMoviee, useSimulator } from './fixtures';

/** Failure semantics: nothing lost, nothing billed twice (issue 12). */
const simulator = useSimulator({ taskDurationMs: 100 });

const each = '={{ $json.imageUrl }}';
const urls = (count: number, failing: number[] = []) =>
	Array.from({ length: count }, (_, index) => `https://x.test/${failing.includes(index) ? 'fail' : 'ok'}-${index}.png`);
const created = () => simulator.stats.createdByInput as Record<string, number>;

describe('error output', () => {
	it('Continue (using error output): exactly the failed items go there, with their task fields', async () => {
		const run = await runToMoviee(simulator, { parameters: recognize(each), items: imagesItems(urls(4, [1, 3])), settings: { onError: 'continueErrorOutput' } });
		const [success, failure] = run.outputs;
		expect(success.map((item) => item.json.status)).toEqual(['succeeded', 'succeeded']);
		expect(failure).toHaveLength(2);
		for (const item of failure) {
			expect(item.json.error).toMatch(/failed: image could not be recognized/);
			expect(item.json.details).toMatchObject({ status: 'failed', reason: 'image could not be recognized', errorCode: expect.any(Number) });
			expect((item.json.details as { taskId: string }).taskId).toMatch(/^tm_reference_img2mask-0-/);
			// n8n merges the paired input item in.
			expect(item.json.imageUrl).toMatch(/fail-[13]\.png/);
		}
	});

	it('Continue: failed items stay on the main output with all their fields', async () => {
		const run = await runToMoviee(simulator, { parameters: recognize(each), items: imagesItems(urls(3, [0])), settings: { onError: 'continueRegularOutput' } });
		expect(run.items.map((item) => item.json.status)).toEqual(['failed', 'succeeded', 'succeeded']);
		expect(run.items[0].json).toMatchObject({ status: 'failed', reason: 'image could not be recognized' });
		expect(run.items[0].json.taskId).toEqual(expect.any(String));
		expect(run.items[0].json.error).toEqual(expect.any(String));
	});
});

describe('Retry On Fail never resubmits an accepted task', () => {
	it('10 items, one always failing, 3 tries: 12 submits', async () => {
		const run = await runToMoviee(simulator, { parameters: recognize(each), items: imagesItems(urls(10, [4])), settings: { retryOnFail: true, maxTries: 3, waitBetweenTries: 0 } });
		expect(run.error?.message).toMatch(/\[item 4\]/);
		expect(apiRequests(simulator, 'submit')).toHaveLength(12);
		expect(created()['https://x.test/fail-4.png']).toBe(3);
		expect(created()['https://x.test/ok-0.png']).toBe(1);
	});

	it('with Continue, a failing first item re-runs the node but reuses the other tasks', async () => {
		const run = await runToMoviee(simulator, {
			parameters: recognize(each),
			items: imagesItems(urls(5, [0])),
			continueOnFail: true,
			settings: { retryOnFail: true, maxTries: 2, waitBetweenTries: 0 },
		});
		expect(run.items).toHaveLength(5);
		expect(apiRequests(simulator, 'submit')).toHaveLength(6);
	});
});

describe('Retry On Fail after a look-up that got no answer', () => {
	it("keeps the earlier try's task: a dropped look-up does not mark the item as an unanswered submit", async () => {
		simulator.configure({ wsid: 4242 });
		// The first query of the run is try 2's look-up of item 0's task (try 1 does not wait).
		simulator.injectFaults([{ route: 'query', kind: 'drop' }]);
		const run = await runToMoviee(simulator, {
			parameters: recognize(each, { waitForCompletion: false }, { wsid: '={{ $json.wsid }}', maxTries: 1, maxConcurrency: 1 }),
			items: [{ json: { imageUrl: 'https://x.test/kept-0.png', wsid: 4242 } }, { json: { imageUrl: 'https://x.test/kept-1.png', wsid: 999 } }],
			settings: { retryOnFail: true, maxTries: 3, waitBetweenTries: 0 },
		});
		simulator.configure({ wsid: undefined });
		// try 3 reuses the task of try 1 for item 0; only item 1 (refused every time) fails the node
		expect(run.error!.message).toMatch(/wsid does not belong.*\[item 1\]/);
		expect(created()['https://x.test/kept-0.png']).toBe(1);
		expect(apiRequests(simulator, 'query')).toHaveLength(2);
	});
});

describe('submits are retried only when no task can exist', () => {
	it('504 after the task was created: not retried, the item says it may be billed', async () => {
		simulator.injectFaults([{ route: 'submit', kind: '504-after-create' }]);
		const run = await runToMoviee(simulator, { parameters: recognize('https://x.test/ambiguous.png', {}, { callbackUrl: 'https://hooks.test/cb' }), continueOnFail: true });
		expect(apiRequests(simulator, 'submit')).toHaveLength(1);
		expect(created()['https://x.test/ambiguous.png']).toBe(1);
		expect(run.items[0].json.error).toMatch(/may have created \(and billed\) a task for image https:\/\/x\.test\/ambiguous\.png/);
		expect(run.items[0].json.errorDescription).toMatch(/Callback URL will still receive the outcome/);
	});

	it('a dropped answer after create is not retried either; Retry Ambiguous Submits restores the retry', async () => {
		simulator.injectFaults([{ route: 'submit', kind: 'drop-after-create' }]);
		await runToMoviee(simulator, { parameters: recognize('https://x.test/drop.png'), continueOnFail: true });
		expect(created()['https://x.test/drop.png']).toBe(1);
		simulator.injectFaults([{ route: 'submit', kind: 'drop-after-create' }]);
		const run = await runToMoviee(simulator, { parameters: recognize('https://x.test/drop2.png', {}, { retryAmbiguousSubmits: true }) });
		expect(run.error).toBeUndefined();
		expect(created()['https://x.test/drop2.png']).toBe(2);
	});

	it('429 and 503 are retried: one task, the item succeeds', async () => {
		simulator.injectFaults([
			{ route: 'submit', kind: '429', retryAfter: 0 },
			{ route: 'submit', kind: '503' },
		]);
		const run = await runToMoviee(simulator, { parameters: recognize('https://x.test/busy.png') });
		expect(run.error).toBeUndefined();
		expect(apiRequests(simulator, 'submit')).toHaveLength(3);
		expect(created()['https://x.test/busy.png']).toBe(1);
	});

	it('a refused connection is retried (nothing was sent) and then names the Base URL', async () => {
		const run = await runToMoviee(simulator, { parameters: recognize('https://x.test/a.png', {}, { maxTries: 2 }), credentials: { baseUrl: 'http://127.0.0.1:9' } });
		expect(run.error!.message).toMatch(/Could not reach ToMoviee at http:\/\/127\.0\.0\.1:9 \(connection refused\).*after 2 tries/);
	});
});

describe('waiting', () => {
	it('a status look-up that keeps failing does not end the wait: the item succeeds after the outage', async () => {
		simulator.injectFaults(Array.from({ length: 8 }, () => ({ route: 'query', kind: '503' })));
		const run = await runToMoviee(simulator, { parameters: recognize('https://x.test/outage.png', {}, { maxTries: 1 }) });
		expect(run.error).toBeUndefined();
		expect(run.items[0].json.status).toBe('succeeded');
	});

	it('without Continue On Fail the error lists the tasks ToMoviee had accepted', async () => {
		const run = await runToMoviee(simulator, { parameters: recognize(each), items: imagesItems(urls(4, [2])) });
		expect(run.error!.message).toMatch(/\[item 2\]/);
		const ids = simulator.requests.length > 0 ? [...simulator.tasks.keys()] : [];
		expect(ids).toHaveLength(4);
		for (const id of ids) expect((run.error as NodeOperationError).description).toContain(id);
	});

});

describe('Wait for Callback', () => {
	it('tasks that all ended during the submit phase are output without parking', async () => {
		const run = await runToMoviee(simulator, { parameters: recognize('https://x.test/quick.png?duration=0', { waitMethod: 'callback' }) });
		expect(run.status).not.toBe('waiting');
		expect(run.items[0].json.status).toBe('succeeded');
	});

	it('items that disagree on Wait for Completion fail before any request', async () => {
		const run = await runToMoviee(simulator, {
			parameters: recognize(each, { waitForCompletion: '={{ $json.wait }}' }),
			items: [{ json: { imageUrl: 'https://x.test/a.png', wait: true } }, { json: { imageUrl: 'https://x.test/b.png', wait: false } }],
		});
		expect(run.error!.message).toMatch(/Wait for Completion must be the same for every item.*\[item 1, field "waitForCompletion"\]/);
		expect(simulator.requests).toHaveLength(0);
	});
});

describe('input checks', () => {
	it('Wait for Completion "false" from an expression does not wait', async () => {
		const run = await runToMoviee(simulator, { parameters: recognize('https://x.test/a.png', { waitForCompletion: '={{ "false" }}' }) });
		expect(run.items[0].json.status).toBe('queued');
		expect(apiRequests(simulator, 'query')).toHaveLength(0);
	});

	it('sends the parsed, normalised image URL', async () => {
		await runToMoviee(simulator, { parameters: recognize('https://X.test/a b.png', { waitForCompletion: false }) });
		expect(apiRequests(simulator, 'submit')[0].body.template_info[0].input_params.init_image).toBe('https://x.test/a%20b.png');
	});
});

describe('pass-through and big batches', () => {
	it.each([['12'], ['true'], ['9007199254740993']])('the string %s comes back as the same string', async (value) => {
		const run = await runToMoviee(simulator, { parameters: recognize('https://x.test/p.png', {}, { passThrough: value }) });
		expect(run.items[0].json.params).toBe(value);
	});

	it('an object from an expression comes back as that object', async () => {
		const run = await runToMoviee(simulator, { parameters: recognize('https://x.test/p.png', {}, { passThrough: '={{ { row: 7, sheet: "a" } }}' }) });
		expect(run.items[0].json.params).toEqual({ row: 7, sheet: 'a' });
	});

	it('100 000 items do not crash the node', async () => {
		const items = Array.from({ length: 100_000 }, () => ({ json: {} }));
		const run = await runToMoviee(simulator, { parameters: recognize('ftp://x.test/a.png'), items, continueOnFail: true });
		expect(run.items).toHaveLength(100_000);
		expect(run.items[99_999].json.error).toMatch(/\[item 99999, field "imageUrl"\]/);
		expect(simulator.requests).toHaveLength(0);
	}, 120_000);
});
