import { parseCallbackBody } from '../../nodes/shared/task/callbackBody';

const VENDOR_ID = 'tm_text2video_customize-0-2025080109295bd73652d4';
const TASK = { task_id: 't1', status: 3, progress: 100, reason: 'success', result: '{"images_path":["https://x/m.png"]}', params: '{"row":7}' };

describe('callback body forms', () => {
	it.each([
		[
			"the bare task (the vendor's depiction)",
			TASK,
			{ task: { taskId: 't1', status: 'succeeded', reason: 'success', resultUrls: ['https://x/m.png'], params: '{"row":7}' }, reportedStatus: 3 },
		],
		['the {code,msg,data} envelope', { code: 0, msg: 'success', data: TASK }, { task: { taskId: 't1', statusCode: 3 } }],
		['params given beside the envelope', { code: 0, data: { task_id: 't1', status: 3 }, params: 'row-7' }, { task: { params: 'row-7' } }],
		[
			'taskId, a numeric-string status and an object result',
			{ taskId: 't9', status: '4', reason: 'insufficient balance', result: { images_path: [] }, params: 'plain' },
			{ task: { taskId: 't9', status: 'failed', reason: 'insufficient balance', params: 'plain' }, reportedStatus: '4' },
		],
		['a vendor task id and a body without status', { task_id: VENDOR_ID }, { task: { taskId: VENDOR_ID, status: 'unknown', statusCode: null }, reportedStatus: undefined }],
		['a JSON string body', JSON.stringify(TASK), { task: { taskId: 't1' } }],
	])('reads %s', (_form, body, parsed) => expect(parseCallbackBody(body)).toMatchObject({ ok: true, ...parsed }));

	it.each([
		[{ status: 3 }, 'The callback body has no task_id'],
		[{ code: 0, data: { status: 3 } }, undefined],
		[[TASK], 'The callback body must be a JSON object'],
		['nope', 'The callback body is not JSON'],
		['"text"', undefined],
		[null, undefined],
		[undefined, undefined],
	])('refuses %j: without a task id or not an object', (body, reason) => {
		expect(parseCallbackBody(body)).toEqual({ ok: false, reason: reason ?? expect.any(String) });
	});
});
