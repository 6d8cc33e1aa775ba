import { parseCallbackBody } from '../../nodes/shared/task/callbackBody';

const VENDOR_ID = 'tm_text2video_customize-0-2025080109295bd73652d4';

describe('callback body forms', () => {
	const task = { task_id: 't1', status: 3, progress: 100, reason: 'success', result: '{"images_path":["https://x/m.png"]}', params: '{"row":7}' };

	it('reads the bare task (the vendor\'s depiction)', () => {
		const parsed = parseCallbackBody(task);
		expect(parsed).toMatchObject({
			ok: true,
			task: { taskId: 't1', status: 'succeeded', reason: 'success', resultUrls: ['https://x/m.png'], params: '{"row":7}' },
			reportedStatus: 3,
		});
	});

	it('reads the {code,msg,data} envelope', () => {
		expect(parseCallbackBody({ code: 0, msg: 'success', data: task })).toMatchObject({ ok: true, task: { taskId: 't1', statusCode: 3 } });
	});

	it('keeps params given beside the envelope', () => {
		const parsed = parseCallbackBody({ code: 0, data: { task_id: 't1', status: 3 }, params: 'row-7' });
		expect(parsed).toMatchObject({ ok: true, task: { params: 'row-7' } });
	});

	it('reads taskId, a numeric-string status and an object result', () => {
		const parsed = parseCallbackBody({ taskId: 't9', status: '4', reason: 'insufficient balance', result: { images_path: [] }, params: 'plain' });
		expect(parsed).toMatchObject({ ok: true, task: { taskId: 't9', status: 'failed', reason: 'insufficient balance', params: 'plain' }, reportedStatus: '4' });
	});

	it('reads a vendor task id and a body without status', () => {
		const parsed = parseCallbackBody({ task_id: VENDOR_ID });
		expect(parsed).toMatchObject({ ok: true, task: { taskId: VENDOR_ID, status: 'unknown', statusCode: null } });
		expect(parsed.ok && parsed.reportedStatus).toBeUndefined();
	});

	it('reads a JSON string body', () => {
		expect(parseCallbackBody(JSON.stringify(task))).toMatchObject({ ok: true, task: { taskId: 't1' } });
	});

	it('refuses bodies without a task id or that are not objects', () => {
		expect(parseCallbackBody({ status: 3 })).toEqual({ ok: false, reason: 'The callback body has no task_id' });
		expect(parseCallbackBody({ code: 0, data: { status: 3 } })).toMatchObject({ ok: false });
		expect(parseCallbackBody([task])).toEqual({ ok: false, reason: 'The callback body must be a JSON object' });
		expect(parseCallbackBody('nope')).toEqual({ ok: false, reason: 'The callback body is not JSON' });
		expect(parseCallbackBody('"text"')).toMatchObject({ ok: false });
		expect(parseCallbackBody(null)).toMatchObject({ ok: false });
		expect(parseCallbackBody(undefined)).toMatchObject({ ok: false });
	});
});
