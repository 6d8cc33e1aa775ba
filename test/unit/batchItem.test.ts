import type { INode } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { normalizeTask, type Task } from '../../nodes/shared/task/task';
import { taskJson } from '../../nodes/shared/task/taskJson';
import { recordFailure, recordTask, type BatchItem, type ItemFailure } from '../../nodes/ToMoviee/item/batchItem';
import { errorJson, outputItem } from '../../nodes/ToMoviee/item/itemOutput';

const node: INode = { id: 'node-1', name: 'ToMoviee', type: 'n8n-nodes-tomoviee.toMoviee', typeVersion: 1, position: [0, 0], parameters: {} };

const VENDOR_ID = 'tm_reference_img2mask-0-2025080109295bd73652d4';
const MASK = 'https://out.test/mask.png?Expires=1754809290&Signature=s';
const INPUTS = { controlType: '2', imageUrl: 'https://in.test/p.jpg' };

const succeeded: Task = normalizeTask({ task_id: VENDOR_ID, status: 3, reason: 'success', progress: 100, params: '{"row":7}', result: JSON.stringify({ control_type: '2', mask_path: [MASK] }) });
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

describe('taskJson: the fields in a fixed order, what a user acts on first', () => {
	it('carries the task, the inputs and the decoded pass-through', () => {
		expect(Object.entries(taskJson(succeeded, INPUTS))).toEqual(
			Object.entries({
				status: 'succeeded',
				resultUrls: [MASK],
				resultUrlsExpireAt: '2025-08-10T07:01:30.000Z',
				taskId: VENDOR_ID,
				reason: 'success',
				statusCode: 3,
				progress: 100,
				controlType: '2',
				imageUrl: 'https://in.test/p.jpg',
				result: { control_type: '2', mask_path: [MASK] },
				params: { row: 7 },
			}),
		);
	});

	it('shows the queue place of a queued task and leaves out params ToMoviee did not give', () => {
		expect(Object.entries(taskJson(queued, {}))).toEqual(
			Object.entries({ status: 'queued', resultUrls: [], taskId: 'tm_q-0-1', reason: '', statusCode: 1, progress: 0, queuePosition: 3, waitSeconds: 40, result: null }),
		);
	});

	it('puts the error code and message of a failed task before the inputs', () => {
		expect(Object.keys(taskJson(failed, INPUTS))).toEqual(['status', 'resultUrls', 'taskId', 'reason', 'statusCode', 'progress', 'errorCode', 'errorMessage', 'controlType', 'imageUrl', 'result']);
	});

	it('gives text pass-through back as the same text', () => {
		expect(taskJson({ ...succeeded, params: '9007199254740993' }, {}).params).toBe('9007199254740993');
		expect(taskJson({ ...succeeded, params: 'true' }, {}).params).toBe('true');
	});
});

describe('recordTask: a task that ended without a result while its item waited is its error', () => {
	it.each([
		['quotes the reason and the code and names the item', failed, 3, 'ToMoviee task tm_f-0-1 failed: insufficient balance (code 680001) [item 3]', 680001],
		['never quotes "success" as the reason of a failure', normalizeTask({ task_id: 'tm_c-0-1', status: 5, reason: 'success' }), 0, 'ToMoviee task tm_c-0-1 cancelled [item 0]', undefined],
		['says "timed out at ToMoviee" for a timed-out task', normalizeTask({ task_id: 'tm_t-0-1', status: 6, reason: 'took too long' }), 1, 'ToMoviee task tm_t-0-1 timed out at ToMoviee: took too long [item 1]', undefined],
	])('%s', (_rule, task, itemIndex, message, errorCode) => {
		const batchItem = recorded(task, { itemIndex });
		expect(batchItem.failure!.error).toBeInstanceOf(NodeApiError);
		expect(batchItem.failure).toMatchObject({ error: { message }, errorCode });
		expect(batchItem.task).toBe(task);
	});

	it('gives a balance hint only for balance reasons', () => {
		const description = (reason: string) => taskFailure(normalizeTask({ task_id: 't', status: 4, reason }), 0).error.description ?? '';
		expect(taskFailure(failed, 3).error.description).toContain('balance');
		expect(description('余额不足')).toContain('balance');
		expect(description('bad image')).not.toContain('balance');
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

	it("names a looked-up task's inputs and file label from the task", () => {
		const lookup: BatchItem = {
			...item(),
			inputs: {},
			request: { kind: 'lookup', taskId: VENDOR_ID, describeTask: () => ({ inputs: { controlType: '2' }, fileLabel: 'subject' }) },
		};
		recordTask(node, lookup, succeeded, false);
		expect(lookup).toMatchObject({ inputs: { controlType: '2' }, fileLabel: 'subject', task: succeeded });
	});
});

describe('errorJson', () => {
	const failure = taskFailure(failed, 3);
	const MESSAGE = 'ToMoviee task tm_f-0-1 failed: insufficient balance (code 680001) [item 3]';
	const TASK_FIELDS = { taskId: 'tm_f-0-1', status: 'failed', reason: 'insufficient balance', errorCode: 680001, errorMessage: 'insufficient balance', controlType: '2', imageUrl: 'https://in.test/p.jpg' };

	it('for the error output (n8n 2.x): only error, message and details, the details carrying the task', () => {
		const json = errorJson(failure, failed, INPUTS, 'errorOutput');
		expect(Object.keys(json)).toEqual(['error', 'message', 'details']);
		expect(json).toMatchObject({ error: MESSAGE, message: expect.stringContaining('balance'), details: TASK_FIELDS });
	});

	it('for the error output of n8n 1.x: only error and message, the message naming task, reason and code', () => {
		const json = errorJson(failure, failed, INPUTS, 'errorOutputV1');
		expect(Object.keys(json)).toEqual(['error', 'message']);
		expect(json.error).toBe(MESSAGE);
	});

	it('on the main output: every field plus error and errorDescription, the reason in plain words right after the status', () => {
		const json = errorJson(failure, failed, INPUTS, 'main');
		expect(json).toMatchObject({ ...TASK_FIELDS, statusCode: 4, error: MESSAGE, errorDescription: expect.stringContaining('balance') });
		expect(Object.keys(json).slice(0, 5)).toEqual(['status', 'error', 'errorDescription', 'resultUrls', 'taskId']);
	});

	it("without a task: the inputs, the error and the failure's code; no description keys when there is none", () => {
		const submitFailure = { error: new NodeOperationError(node, 'Image URL is empty [item 0]', { itemIndex: 0 }), errorCode: 680009 };
		expect(errorJson(submitFailure, undefined, { imageUrl: '' }, 'main')).toEqual({ imageUrl: '', errorCode: 680009, error: 'Image URL is empty [item 0]' });
		expect(errorJson(submitFailure, undefined, { imageUrl: '' }, 'errorOutput')).toEqual({ error: 'Image URL is empty [item 0]', details: { imageUrl: '', errorCode: 680009 } });
		expect(errorJson(submitFailure, undefined, { imageUrl: '' }, 'errorOutputV1')).toEqual({ error: 'Image URL is empty [item 0]' });
		const plain = { error: new NodeOperationError(node, 'boom') };
		expect(errorJson(plain, undefined, {}, 'errorOutput')).toEqual({ error: 'boom', details: {} });
	});

	it("keeps the task's own code over the failure's", () => {
		expect(errorJson({ ...failure, errorCode: 1 }, failed, {}, 'main').errorCode).toBe(680001);
		expect(errorJson({ ...failure, errorCode: 1 }, failed, {}, 'errorOutput').details).toMatchObject({ errorCode: 680001 });
	});

	it.each([failed, queued, succeeded, undefined])('never gives the error output a key n8n would not route there (task %#)', (task) => {
		// n8n sends an item to the error output only when its json has no keys but these.
		expect(['error', 'message', 'details']).toEqual(expect.arrayContaining(Object.keys(errorJson(failure, task, INPUTS, 'errorOutput'))));
		expect(['error', 'message']).toEqual(expect.arrayContaining(Object.keys(errorJson(failure, task, INPUTS, 'errorOutputV1'))));
	});
});

describe('outputItem', () => {
	it.each(['main', 'errorOutput', 'errorOutputV1'] as const)('gives a succeeded task with its binary and the paired item (%s)', (shape) => {
		const binary = { data: { data: 'AA==', mimeType: 'image/png', fileName: `${VENDOR_ID}-subject.png` } };
		expect(outputItem(recorded(succeeded), binary, shape)).toEqual({ json: taskJson(succeeded, INPUTS), binary, pairedItem: { item: 3 } });
		expect(outputItem(recorded(succeeded), undefined, shape)).toEqual({ json: taskJson(succeeded, INPUTS), pairedItem: { item: 3 } });
	});

	it.each(['main', 'errorOutput', 'errorOutputV1'] as const)('gives a failed item its error json, without binary and without item.error (%s)', (shape) => {
		const outcome = recorded(failed);
		expect(outputItem(outcome, { data: { data: 'AA==', mimeType: 'image/png' } }, shape)).toEqual({ json: errorJson(outcome.failure!, failed, INPUTS, shape), pairedItem: { item: 3 } });
	});
});
