import type { INode } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { normalizeTask, type Task } from '../../nodes/shared/task/task';
import { taskJson } from '../../nodes/shared/task/taskJson';
import { recordFailure, recordTask, type BatchItem, type ItemFailure } from '../../nodes/ToMoviee/item/batchItem';
import { errorJson, outputItem } from '../../nodes/ToMoviee/item/itemOutput';

const node: INode = {
	id: 'node-1',
	name: 'ToMoviee',
	type: 'n8n-nodes-tomoviee.toMoviee',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

const VENDOR_ID = 'tm_reference_img2mask-0-2025080109295bd73652d4';
const MASK = 'https://out.test/mask.png?Expires=1754809290&Signature=s';
const INPUTS = { controlType: '2', imageUrl: 'https://in.test/p.jpg' };

const succeeded: Task = normalizeTask({
	task_id: VENDOR_ID,
	status: 3,
	reason: 'success',
	progress: 100,
	params: '{"row":7}',
	result: JSON.stringify({ control_type: '2', mask_path: [MASK] }),
});
const failed: Task = { ...normalizeTask({ task_id: 'tm_f-0-1', status: 4, reason: 'insufficient balance' }), errorCode: 680001, errorMessage: 'insufficient balance' };
const queued: Task = normalizeTask({ task_id: 'tm_q-0-1', status: 1, position: 3, wait_time: 40 });

const item = (itemIndex = 3): BatchItem => ({ itemIndex, inputs: INPUTS, fileLabel: 'subject', pollIntervalMs: 0, timeoutMs: 0 });

/** The item after its task was recorded while it waited. */
function recorded(task: Task, { waited = true, itemIndex = 3 } = {}): BatchItem {
	const batchItem = item(itemIndex);
	recordTask(node, batchItem, task, waited);
	return batchItem;
}

const taskFailure = (task: Task, itemIndex: number): ItemFailure => recorded(task, { itemIndex }).failure!;

describe('taskJson', () => {
	it('gives the fields in a fixed order: what a user acts on first', () => {
		expect(Object.keys(taskJson(succeeded, INPUTS))).toEqual([
			'status',
			'resultUrls',
			'resultUrlsExpireAt',
			'taskId',
			'reason',
			'statusCode',
			'progress',
			'controlType',
			'imageUrl',
			'result',
			'params',
		]);
		expect(Object.keys(taskJson(queued, {}))).toEqual(['status', 'resultUrls', 'taskId', 'reason', 'statusCode', 'progress', 'queuePosition', 'waitSeconds', 'result']);
		expect(Object.keys(taskJson(failed, INPUTS))).toEqual([
			'status',
			'resultUrls',
			'taskId',
			'reason',
			'statusCode',
			'progress',
			'errorCode',
			'errorMessage',
			'controlType',
			'imageUrl',
			'result',
		]);
	});

	it('carries the task, the inputs and the decoded pass-through', () => {
		expect(taskJson(succeeded, INPUTS)).toEqual({
			taskId: VENDOR_ID,
			status: 'succeeded',
			statusCode: 3,
			progress: 100,
			reason: 'success',
			controlType: '2',
			imageUrl: 'https://in.test/p.jpg',
			resultUrls: [MASK],
			resultUrlsExpireAt: '2025-08-10T07:01:30.000Z',
			result: { control_type: '2', mask_path: [MASK] },
			params: { row: 7 },
		});
	});

	it('shows the queue place of a queued task', () => {
		expect(taskJson(queued, {})).toMatchObject({ status: 'queued', queuePosition: 3, waitSeconds: 40 });
	});

	it('gives text pass-through back as the same text', () => {
		expect(taskJson({ ...succeeded, params: '9007199254740993' }, {}).params).toBe('9007199254740993');
		expect(taskJson({ ...succeeded, params: 'true' }, {}).params).toBe('true');
	});

	it('leaves out params ToMoviee did not give', () => {
		expect(taskJson(queued, {})).not.toHaveProperty('params');
	});
});

describe('a task that ended without a result while its item waited', () => {
	it('quotes the reason and the code and names the item', () => {
		const { error, errorCode } = taskFailure(failed, 3);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe('ToMoviee task tm_f-0-1 failed: insufficient balance (code 680001) [item 3]');
		expect(errorCode).toBe(680001);
		expect(error.description).toContain('balance');
	});

	it('never quotes "success" as the reason of a failure', () => {
		const odd = normalizeTask({ task_id: 'tm_c-0-1', status: 5, reason: 'success' });
		const { error } = taskFailure(odd, 0);
		expect(error.message).toBe('ToMoviee task tm_c-0-1 cancelled [item 0]');
		expect(error.message).not.toContain('success');
	});

	it('says "timed out at ToMoviee" for a timed-out task', () => {
		const timedOut = normalizeTask({ task_id: 'tm_t-0-1', status: 6, reason: 'took too long' });
		const { error, errorCode } = taskFailure(timedOut, 1);
		expect(error.message).toBe('ToMoviee task tm_t-0-1 timed out at ToMoviee: took too long [item 1]');
		expect(errorCode).toBeUndefined();
	});

	it('gives a balance hint only for balance reasons', () => {
		expect(taskFailure(normalizeTask({ task_id: 't', status: 4, reason: 'bad image' }), 0).error.description ?? '').not.toContain('balance');
		expect(taskFailure(normalizeTask({ task_id: 't', status: 4, reason: '余额不足' }), 0).error.description).toContain('balance');
	});
});

describe('recordTask: the one rule of an outcome', () => {
	it('makes a task that failed while the item waited its error', () => {
		const batchItem = recorded(failed);
		expect(batchItem.failure?.error.message).toContain('failed: insufficient balance (code 680001) [item 3]');
		expect(batchItem.task).toBe(failed);
	});

	it.each([5, 6])('makes status %d an error too', (status) => {
		expect(recorded(normalizeTask({ task_id: 't', status })).failure).toBeDefined();
	});

	it('leaves succeeded and running tasks, and items that did not wait, alone', () => {
		expect(recorded(succeeded).failure).toBeUndefined();
		expect(recorded(queued).failure).toBeUndefined();
		expect(recorded(failed, { waited: false }).failure).toBeUndefined();
	});

	it('keeps a failure that is already there', () => {
		const failure = { error: new NodeOperationError(node, 'could not submit [item 3]', { itemIndex: 3 }) };
		const batchItem = item();
		recordFailure(batchItem, failure);
		recordTask(node, batchItem, failed, true);
		recordFailure(batchItem, { error: new NodeOperationError(node, 'later') });
		expect(batchItem.failure).toBe(failure);
	});

	it('names a looked-up task\'s inputs and file label from the task', () => {
		const lookup: BatchItem = {
			...item(),
			inputs: {},
			request: { kind: 'lookup', taskId: VENDOR_ID, describeTask: () => ({ inputs: { controlType: '2' }, fileLabel: 'subject' }) },
		};
		recordTask(node, lookup, succeeded, false);
		expect(lookup).toMatchObject({ inputs: { controlType: '2' }, fileLabel: 'subject', task: succeeded });
	});
});

/** n8n sends an item to the error output only when its json has no keys but these. */
const ERROR_OUTPUT_KEYS = ['error', 'message', 'details'];

describe('errorJson', () => {
	const failure = taskFailure(failed, 3);
	const MESSAGE = 'ToMoviee task tm_f-0-1 failed: insufficient balance (code 680001) [item 3]';

	it('for the error output (n8n 2.x): only error, message and details, the details carrying the task', () => {
		const json = errorJson(failure, failed, INPUTS, 'errorOutput');
		expect(Object.keys(json)).toEqual(['error', 'message', 'details']);
		expect(json.error).toBe(MESSAGE);
		expect(json.message).toContain('balance');
		expect(json.details).toMatchObject({
			taskId: 'tm_f-0-1',
			status: 'failed',
			reason: 'insufficient balance',
			errorCode: 680001,
			errorMessage: 'insufficient balance',
			controlType: '2',
			imageUrl: 'https://in.test/p.jpg',
		});
	});

	it('for the error output of n8n 1.x: only error and message, the message naming task, reason and code', () => {
		const json = errorJson(failure, failed, INPUTS, 'errorOutputV1');
		expect(Object.keys(json)).toEqual(['error', 'message']);
		expect(json.error).toBe(MESSAGE);
		expect(json.error).toContain('tm_f-0-1');
		expect(json.error).toContain('680001');
	});

	it('on the main output: every field plus error and errorDescription', () => {
		const json = errorJson(failure, failed, INPUTS, 'main');
		expect(json).toMatchObject({
			taskId: 'tm_f-0-1',
			status: 'failed',
			statusCode: 4,
			reason: 'insufficient balance',
			errorCode: 680001,
			controlType: '2',
			imageUrl: 'https://in.test/p.jpg',
			error: MESSAGE,
		});
		expect(json.errorDescription).toContain('balance');
		// the reason in plain words right after the status, then the files and the task id
		expect(Object.keys(json).slice(0, 5)).toEqual(['status', 'error', 'errorDescription', 'resultUrls', 'taskId']);
	});

	it('without a task: the inputs, the error and the failure\'s code', () => {
		const submitFailure = { error: new NodeOperationError(node, 'Image URL is empty [item 0]', { itemIndex: 0 }), errorCode: 680009 };
		expect(errorJson(submitFailure, undefined, { imageUrl: '' }, 'main')).toEqual({ imageUrl: '', errorCode: 680009, error: 'Image URL is empty [item 0]' });
		expect(errorJson(submitFailure, undefined, { imageUrl: '' }, 'errorOutput')).toEqual({
			error: 'Image URL is empty [item 0]',
			details: { imageUrl: '', errorCode: 680009 },
		});
		expect(errorJson(submitFailure, undefined, { imageUrl: '' }, 'errorOutputV1')).toEqual({ error: 'Image URL is empty [item 0]' });
	});

	it('keeps the task\'s own code over the failure\'s', () => {
		expect(errorJson({ ...failure, errorCode: 1 }, failed, {}, 'main').errorCode).toBe(680001);
		expect((errorJson({ ...failure, errorCode: 1 }, failed, {}, 'errorOutput').details as Record<string, unknown>).errorCode).toBe(680001);
	});

	it('adds no description keys when there is none', () => {
		const plain = { error: new NodeOperationError(node, 'boom') };
		expect(errorJson(plain, undefined, {}, 'main')).toEqual({ error: 'boom' });
		expect(errorJson(plain, undefined, {}, 'errorOutput')).toEqual({ error: 'boom', details: {} });
		expect(errorJson(plain, undefined, {}, 'errorOutputV1')).toEqual({ error: 'boom' });
	});

	it('never gives the error output a key n8n would not route there', () => {
		const withTask = [failed, queued, succeeded, undefined];
		for (const task of withTask) {
			expect(ERROR_OUTPUT_KEYS).toEqual(expect.arrayContaining(Object.keys(errorJson(failure, task, INPUTS, 'errorOutput'))));
			expect(['error', 'message']).toEqual(expect.arrayContaining(Object.keys(errorJson(failure, task, INPUTS, 'errorOutputV1'))));
		}
	});
});

describe('outputItem', () => {
	it('gives a succeeded task with its binary and the paired item, whatever the error shape', () => {
		const binary = { data: { data: 'AA==', mimeType: 'image/png', fileName: `${VENDOR_ID}-subject.png` } };
		for (const shape of ['main', 'errorOutput', 'errorOutputV1'] as const) {
			expect(outputItem(recorded(succeeded), binary, shape)).toEqual({ json: taskJson(succeeded, INPUTS), binary, pairedItem: { item: 3 } });
		}
		expect(outputItem(recorded(succeeded), undefined, 'main')).toEqual({ json: taskJson(succeeded, INPUTS), pairedItem: { item: 3 } });
	});

	it('gives a failed item without binary and without item.error, in every mode', () => {
		const outcome = recorded(failed);
		const binary = { data: { data: 'AA==', mimeType: 'image/png' } };
		const forErrorOutput = outputItem(outcome, binary, 'errorOutput');
		expect(forErrorOutput).toEqual({ json: errorJson(outcome.failure!, failed, INPUTS, 'errorOutput'), pairedItem: { item: 3 } });
		expect(Object.keys(forErrorOutput.json)).toEqual(['error', 'message', 'details']);
		expect(forErrorOutput).not.toHaveProperty('error');
		expect(forErrorOutput).not.toHaveProperty('binary');
		const v1 = outputItem(outcome, binary, 'errorOutputV1');
		expect(Object.keys(v1.json)).toEqual(['error', 'message']);
		expect(v1).not.toHaveProperty('error');
		const onMain = outputItem(outcome, undefined, 'main');
		expect(onMain.json).toMatchObject({ taskId: 'tm_f-0-1', error: expect.stringContaining('insufficient balance') });
		expect(onMain).not.toHaveProperty('error');
		expect(onMain.pairedItem).toEqual({ item: 3 });
	});
});
