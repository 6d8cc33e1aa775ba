import type { INodeParameters } from 'n8n-workflow';

import { ToMovieeTrigger } from '../../nodes/ToMovieeTrigger/ToMovieeTrigger.node';
import type { WebhookServer } from '../harness';
import { post, signed, startTrigger } from './fixtures';

/**
 * The trigger's own mechanics (body forms, signature, filters, de-duplication, Include Raw) with
 * Verify With ToMoviee off, so made-up task ids are believed; verification itself is in
 * callbackSecurity.test.ts.
 */
const startUnverified = async (parameters: INodeParameters = {}, server: Parameters<typeof startTrigger>[1] = {}) =>
	await startTrigger({ ...parameters, options: { verifyWithApi: false, ...((parameters.options as INodeParameters | undefined) ?? {}) } }, server);

const RESULT = '{"images_path":["https://cdn.example.com/m/1.png"],"control_type":"2"}';
let counter = 0;
const nextId = () => `tm_trigger_${++counter}`;

let server: WebhookServer;
let hookUrl: string;
beforeEach(async () => {
	server = await startUnverified();
	hookUrl = server.getNodeWebhookUrl('default');
});
afterEach(async () => await server.close());

describe('ToMoviee Trigger over real HTTP', () => {
	it.each([
		['bare task', (id: string) => ({ task_id: id, status: 3, progress: 100, reason: '', result: RESULT, params: '{"row":7}' })],
		['envelope', (id: string) => ({ code: 0, msg: 'success', data: { task_id: id, status: 3, progress: 100, reason: '', result: RESULT, params: '{"row":7}' } })],
		['camelCase, numeric-string status, result object', (id: string) => ({ taskId: id, status: '3', progress: 100, result: JSON.parse(RESULT), params: '{"row":7}' })],
	])('accepts a signed callback as %s: one execution in the action node shape', async (_form, body) => {
		const taskId = nextId();
		const answer = await post(signed(hookUrl), body(taskId));
		expect(answer).toMatchObject({ status: 200, json: { code: 0, msg: 'ok' } });
		expect(server.executions).toHaveLength(1);
		const [[item]] = server.executions[0].workflowData;
		expect(item.json).toMatchObject({
			taskId,
			status: 'succeeded',
			statusCode: 3,
			progress: 100,
			reason: '',
			resultUrls: ['https://cdn.example.com/m/1.png'],
			result: { images_path: ['https://cdn.example.com/m/1.png'], control_type: '2' },
			params: { row: 7 },
			receivedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
		});
	});

	it('keeps a pass-through string that is not JSON as is', async () => {
		await post(signed(hookUrl), { task_id: nextId(), status: 4, reason: 'bad image', params: 'row-12' });
		expect(server.executions[0].workflowData[0][0].json).toMatchObject({ status: 'failed', reason: 'bad image', params: 'row-12' });
	});

	it('keeps the user query and verifies the signature with it present', async () => {
		const answer = await post(signed(`${hookUrl}?sheet=a%20b&row=3`), { task_id: nextId(), status: 3 });
		expect(answer.status).toBe(200);
		expect(server.executions).toHaveLength(1);
	});

	it('refuses a callback without signature: 401, nothing starts', async () => {
		const answer = await post(hookUrl, { task_id: nextId(), status: 3 });
		expect(answer.status).toBe(401);
		expect(answer.json.msg).toMatch(/not signed/);
		expect(server.executions).toHaveLength(0);
	});

	it('refuses a wrong signature (other secret, tampered) with 401', async () => {
		expect((await post(signed(hookUrl, 'another-secret'), { task_id: nextId(), status: 3 })).status).toBe(401);
		const tampered = signed(hookUrl).replace(/tm_signature=(.)/, (_m, c) => `tm_signature=${c === 'A' ? 'B' : 'A'}`);
		expect((await post(tampered, { task_id: nextId(), status: 3 })).status).toBe(401);
		expect(server.executions).toHaveLength(0);
	});

	it('accepts unsigned calls only when Allow Unsigned is on, and still checks a given signature', async () => {
		await server.close();
		server = await startUnverified({ options: { allowUnsigned: true } });
		hookUrl = server.getNodeWebhookUrl('default');
		expect((await post(hookUrl, { task_id: nextId(), status: 3 })).status).toBe(200);
		expect((await post(`${hookUrl}?tm_signature=forged`, { task_id: nextId(), status: 3 })).status).toBe(401);
		expect(server.executions).toHaveLength(1);
	});

	it('malformed JSON is refused before the node (422), nothing starts', async () => {
		const answer = await post(signed(hookUrl), '{"task_id": ');
		expect(answer.status).toBe(422);
		expect(server.executions).toHaveLength(0);
	});

	it('a JSON body without a task id gets 400 JSON, nothing starts', async () => {
		const answer = await post(signed(hookUrl), { status: 3, result: RESULT });
		expect(answer.status).toBe(400);
		expect(answer.json).toMatchObject({ code: 400, msg: expect.stringMatching(/task_id/) });
		expect(server.executions).toHaveLength(0);
	});

	it('an oversized body gets 413, nothing starts', async () => {
		await server.close();
		server = await startUnverified({ options: { maxBodySizeKb: 1 } });
		hookUrl = server.getNodeWebhookUrl('default');
		const answer = await post(signed(hookUrl), { task_id: nextId(), status: 3, result: 'x'.repeat(4096) });
		expect(answer.status).toBe(413);
		expect(server.executions).toHaveLength(0);
	});

	it('a status outside the filter is answered 200 and starts nothing', async () => {
		const answer = await post(signed(hookUrl), { task_id: nextId(), status: 2, progress: 40 });
		expect(answer).toMatchObject({ status: 200, json: { code: 0, msg: 'ok' } });
		expect(server.executions).toHaveLength(0);
	});

	it('a chosen non-final status starts a run', async () => {
		await server.close();
		server = await startUnverified({ statuses: ['processing'] });
		hookUrl = server.getNodeWebhookUrl('default');
		await post(signed(hookUrl), { task_id: nextId(), status: 2, progress: 40 });
		await post(signed(hookUrl), { task_id: nextId(), status: 3 });
		expect(server.executions).toHaveLength(1);
		expect(server.executions[0].workflowData[0][0].json.status).toBe('processing');
	});

	it('a duplicate delivery (sequential) starts one execution', async () => {
		const body = { task_id: nextId(), status: 3, result: RESULT };
		const first = await post(signed(hookUrl), body);
		const second = await post(signed(hookUrl), body);
		expect([first.status, second.status]).toEqual([200, 200]);
		expect(second.json).toEqual({ code: 0, msg: 'ok' });
		expect(server.executions).toHaveLength(1);
	});

	it('duplicate deliveries (10 concurrent) start one execution', async () => {
		const body = { task_id: nextId(), status: 4, reason: 'x' };
		const answers = await Promise.all(Array.from({ length: 10 }, () => post(signed(hookUrl), body)));
		expect(answers.every((answer) => answer.status === 200)).toBe(true);
		expect(server.executions).toHaveLength(1);
	});

	it('the same task with a new status is not a duplicate', async () => {
		await server.close();
		server = await startUnverified({ statuses: ['processing', 'succeeded'] });
		hookUrl = server.getNodeWebhookUrl('default');
		const taskId = nextId();
		await post(signed(hookUrl), { task_id: taskId, status: 2 });
		await post(signed(hookUrl), { task_id: taskId, status: 3 });
		expect(server.executions).toHaveLength(2);
	});

	it('a delivery whose execution n8n failed to start (500) is not remembered: the repeat starts exactly one execution', async () => {
		await server.close();
		server = await startUnverified({}, { failStarts: 1 });
		hookUrl = server.getNodeWebhookUrl('default');
		const body = { task_id: nextId(), status: 3, result: RESULT };
		expect((await post(signed(hookUrl), body)).status).toBe(500);
		expect(server.executions).toHaveLength(0);
		expect(await post(signed(hookUrl), body)).toMatchObject({ status: 200, json: { code: 0, msg: 'ok' } });
		expect(await post(signed(hookUrl), body)).toMatchObject({ status: 200, json: { code: 0, msg: 'ok' } });
		expect(server.executions).toHaveLength(1);
	});

	it('repeats that arrive while the first delivery is being started wait for its outcome: one execution, every repeat answered 200', async () => {
		await server.close();
		server = await startUnverified({}, { failStarts: 1 });
		hookUrl = server.getNodeWebhookUrl('default');
		const body = { task_id: nextId(), status: 4, reason: 'x' };
		const answers = await Promise.all(Array.from({ length: 5 }, () => post(signed(hookUrl), body)));
		// the first start failed; one of the waiting repeats started it
		expect(answers.map((answer) => answer.status).sort()).toEqual([200, 200, 200, 200, 500]);
		expect(server.executions).toHaveLength(1);
	});

	it('deliveryKey: the same task and final status give the same key on every process; another status another key', async () => {
		await server.close();
		// A second copy of the module: its own memory, like another n8n process.
		let OtherProcessTrigger: typeof ToMovieeTrigger = ToMovieeTrigger;
		jest.isolateModules(() => {
			OtherProcessTrigger = (require('../../nodes/ToMovieeTrigger/ToMovieeTrigger.node') as { ToMovieeTrigger: typeof ToMovieeTrigger }).ToMovieeTrigger;
		});
		const processes = await Promise.all(
			[new ToMovieeTrigger(), new OtherProcessTrigger()].map(
				async (nodeType) => await startUnverified({ statuses: ['processing', 'succeeded'] }, { nodeId: 'trigger-node', webhookId: 'shared-hook', nodeType }),
			),
		);
		try {
			const taskId = nextId();
			for (const process of processes) await post(signed(process.getNodeWebhookUrl('default')), { task_id: taskId, status: 3 });
			await post(signed(processes[0].getNodeWebhookUrl('default')), { task_id: taskId, status: 2 });
			const [first, second, processing] = [processes[0].executions[0], processes[1].executions[0], processes[0].executions[1]].map(
				(execution) => execution.workflowData[0][0].json.deliveryKey,
			);
			expect(first).toMatch(/^[\w-]{43}$/);
			expect(second).toBe(first);
			expect(processing).not.toBe(first);
		} finally {
			await Promise.all(processes.map(async (process) => await process.close()));
		}
		server = await startUnverified();
	});
});
