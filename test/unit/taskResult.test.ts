import type { IDataObject } from 'n8n-workflow';

import { looksLikeTask, normalizeTask, readTaskId, resultControlType, unwrapEnvelope } from '../../nodes/shared/task/task';
import { endedWithoutResult, FINAL_STATUSES, isFinalStatus, parseStatusCode, statusName } from '../../nodes/shared/task/taskStatus';

/** What a task's `result` field becomes, its URLs and their expiry: read through normalizeTask, as the node does. */
const task = (fields: Record<string, unknown>, fallbackId?: string) => normalizeTask({ task_id: 't', status: 3, ...fields } as IDataObject, fallbackId);
const parseResult = (result: unknown) => task({ result }).result;
const findResultUrls = (result: unknown) => task({ result }).resultUrls;
const resultUrlsExpiry = (urls: string[]) => task({ result: { images_path: urls } }).resultUrlsExpireAt;

const VENDOR_ID = 'tm_text2video_customize-0-2025080109295bd73652d4';
const SIGNED_VIDEO = 'http://tic-ai-storage.wondershare.com/a.mp4?Expires=1754809290&OSSAccessKeyId=k&Signature=s';
const SIGNED_VIDEO_EXPIRES_AT = '2025-08-10T07:01:30.000Z';

describe('task status', () => {
	it.each([
		[1, 'queued', false],
		[2, 'processing', false],
		[3, 'succeeded', true],
		[4, 'failed', true],
		[5, 'cancelled', true],
		[6, 'timedOut', true],
		[7, 'unknown', false],
		[undefined, 'unknown', false],
	])('maps %j to %s (final: %s)', (code, name, final) => {
		expect(statusName(code)).toBe(name);
		expect(isFinalStatus(code)).toBe(final);
	});

	it('lists the final statuses and knows which end without a result', () => {
		expect(isFinalStatus(null)).toBe(false);
		expect(FINAL_STATUSES).toEqual(['succeeded', 'failed', 'cancelled', 'timedOut']);
		expect(['queued', 'processing', 'succeeded', 'failed', 'cancelled', 'timedOut', 'unknown'].filter(endedWithoutResult)).toEqual(['failed', 'cancelled', 'timedOut']);
	});

	it.each([
		['3', 3],
		[' 4 ', 4],
		[2, 2],
		['7', undefined],
		['2.5', undefined],
		['done', undefined],
		['', undefined],
		[null, undefined],
		[undefined, undefined],
		['constructor', undefined],
		['__proto__', undefined],
	])('reads the status code %j as %j (numeric strings only, no inherited keys)', (value, code) => expect(parseStatusCode(value)).toBe(code));
});

describe('result parsing', () => {
	it('parses JSON text and keeps other text', () => {
		expect(parseResult('{"images_path":["https://x/m.png"]}')).toEqual({ images_path: ['https://x/m.png'] });
		expect(parseResult('not json')).toBe('not json');
		expect([parseResult(''), parseResult(null), parseResult(undefined)]).toEqual([null, null, null]);
		expect(parseResult({ a: 1 })).toEqual({ a: 1 });
	});

	it.each([
		[{ control_type: '2' }, '2'],
		[{ control_type: 3 }, '3'],
		[{ control_type: { x: 1 } }, null],
		[{}, null],
		[null, null],
		['text', null],
	])('reads the control type of the recognition result %j as %j', (result, controlType) => expect(resultControlType(result)).toBe(controlType));
});

describe('findResultUrls', () => {
	it.each(['images_path', 'mask_path', 'image_path', 'video_path', 'audio_path'])('collects %s (array or single string)', (key) => {
		expect(findResultUrls({ [key]: ['https://out.test/a?x=1', 'https://out.test/b'] })).toEqual(['https://out.test/a?x=1', 'https://out.test/b']);
		expect(findResultUrls({ [key]: 'https://out.test/single' })).toEqual(['https://out.test/single']);
	});

	it.each([
		[
			'lists the documented keys first, in the documented order, then other URLs',
			{ other: ['https://x/o.png'], audio_path: ['https://x/a.mp3'], video_path: ['https://x/v.mp4'], image_path: 'https://x/i.png', mask_path: ['https://x/m.png'], images_path: ['https://x/1.png', 'https://x/2.png'] },
			['https://x/1.png', 'https://x/2.png', 'https://x/m.png', 'https://x/i.png', 'https://x/v.mp4', 'https://x/a.mp3', 'https://x/o.png'],
		],
		[
			'finds URL strings and arrays under other keys, nested, without duplicates',
			{ outputs: [{ url: 'https://out/depth.png' }, { file: { link: 'https://out/deep.png' } }], list: ['https://out/extra.png', 'https://out/extra.png'], note: 'http://out/note.png', images_path: ['https://out/extra.png'] },
			['https://out/extra.png', 'https://out/depth.png', 'https://out/deep.png', 'http://out/note.png'],
		],
		[
			'never takes input URLs (init_image and the like)',
			{ init_image: 'https://in/photo.jpg', Init_Image: ['https://in/photo2.jpg'], image_url: 'https://in/a.png', callback: 'https://n8n.test/webhook/x/callback', reference_image: 'https://in/ref.png', nested: { init_image: 'https://in/nested.jpg', out: 'https://out/ok.png' }, mask_path: ['https://out/mask.png'] },
			['https://out/mask.png', 'https://out/ok.png'],
		],
		[
			'ignores texts that are not http(s) URLs',
			{ model_version: 'v1', translate_prompt: 'a cat, see https://x.test/a.png for style', ftp: 'ftp://x.test/a.png', data: 'data:image/png;base64,AAAA', count: 3, flag: true, empty: null },
			[],
		],
		['trims URLs so the same URL with spaces is no duplicate', { images_path: [' https://x/a.png', 'https://x/a.png '] }, ['https://x/a.png']],
		['accepts an array at the top', ['https://x/a.png'], ['https://x/a.png']],
		['accepts a URL at the top', 'https://x/a.png', ['https://x/a.png']],
		['gives none for null', null, []],
		['gives none for nothing', undefined, []],
	])('%s', (_rule, result, urls) => expect(findResultUrls(result)).toEqual(urls));
});

describe('resultUrlsExpiry', () => {
	it.each([
		['gives the earliest Expires (epoch seconds) as an ISO time', [SIGNED_VIDEO, 'http://x/b.mp4?Expires=1754800000&Signature=s'], new Date(1754800000 * 1000).toISOString()],
		['reads one signed URL', [SIGNED_VIDEO], SIGNED_VIDEO_EXPIRES_AT],
		['ignores URLs without Expires among signed ones', ['https://x/a.png', 'https://x/b.png?Expires=1754809290'], SIGNED_VIDEO_EXPIRES_AT],
		['is undefined without URLs', [], undefined],
		['is undefined when no URL carries a usable Expires', ['https://x/a.png', 'https://x/b.png?Expires=soon', 'https://x/c.png?Expires=0', 'not a url'], undefined],
	])('%s', (_rule, urls, expiry) => expect(resultUrlsExpiry(urls)).toBe(expiry));

	it('leaves resultUrlsExpireAt out for unsigned URLs', () => {
		expect(task({ result: { images_path: ['https://x/a.png'] } })).not.toHaveProperty('resultUrlsExpireAt');
	});
});

describe('task ids', () => {
	it('reads task_id, taskId and taskID, trimmed, numbers as text', () => {
		expect([{ task_id: VENDOR_ID }, { taskId: ' t2 ' }, { taskID: 't3' }, { task_id: 42 }, { task_id: '   ' }, {}].map(readTaskId)).toEqual([VENDOR_ID, 't2', 't3', '42', undefined, undefined]);
	});

	it('recognises objects that look like tasks', () => {
		expect([{ task_id: 'a' }, { status: 3 }, { foo: 1 }, [{ task_id: 'a' }], null, 't1'].map(looksLikeTask)).toEqual([true, true, false, false, false, false]);
	});
});

describe('normalizeTask', () => {
	it('normalizes a query answer', () => {
		const answer = normalizeTask({ task_id: 't1', status: 3, progress: 100, reason: '', result: '{"images_path":["https://x/m.png"]}' });
		expect(answer).toEqual({ taskId: 't1', status: 'succeeded', statusCode: 3, progress: 100, reason: '', resultUrls: ['https://x/m.png'], result: { images_path: ['https://x/m.png'] } });
	});

	it('reads the vendor sample: reason "success", position and wait_time of a finished task dropped, params kept', () => {
		const result = { model_version: 'v2', translate_prompt: 'a cat', video_path: [SIGNED_VIDEO] };
		const raw = { task_id: VENDOR_ID, wsid: 578691780, priority: 0, status: 3, reason: 'success', progress: 100, position: -1, wait_time: 96, delay: false, params: '{"row":7}' };
		expect(normalizeTask({ ...raw, result: JSON.stringify(result) })).toEqual({
			taskId: VENDOR_ID,
			status: 'succeeded',
			statusCode: 3,
			progress: 100,
			reason: 'success',
			resultUrls: [SIGNED_VIDEO],
			resultUrlsExpireAt: SIGNED_VIDEO_EXPIRES_AT,
			result,
			params: '{"row":7}',
		});
	});

	it('collects the signed mask_path of a recognition result, not its init_image', () => {
		const mask = task({ result: '{"control_type":"2","init_image":"https://in.test/p.jpg","mask_path":["https://out.test/m.png?Expires=1754809290"]}' });
		expect(mask).toMatchObject({ resultUrls: ['https://out.test/m.png?Expires=1754809290'], resultUrlsExpireAt: SIGNED_VIDEO_EXPIRES_AT });
	});

	it.each([
		['reads process as an alias of progress', { status: 2, process: 40 }, 40],
		['reads a process given as text', { status: 2, process: '55' }, 55],
		['prefers progress over process', { status: 2, progress: 10, process: 90 }, 10],
		['defaults progress to 100 for a succeeded task', { status: 3 }, 100],
		['defaults progress to 0 for a running task', { status: 2 }, 0],
		['defaults progress to 0 when it is not a number', { status: 4, progress: 'n/a' }, 0],
	])('%s', (_rule, fields, progress) => expect(task(fields).progress).toBe(progress));

	it('shows queuePosition and waitSeconds for a queued task only, dropping a negative position', () => {
		expect(task({ status: 1, position: 5, wait_time: 96 })).toMatchObject({ status: 'queued', queuePosition: 5, waitSeconds: 96 });
		expect(task({ status: '1', position: '0', wait_time: '12' })).toMatchObject({ queuePosition: 0, waitSeconds: 12 });
		for (const notShown of [task({ status: 2, position: 5, wait_time: 96 }), task({ status: 3, position: -1, wait_time: 96 }), task({ status: 1, position: -1 })]) {
			expect(notShown).not.toHaveProperty('queuePosition');
			expect(notShown).not.toHaveProperty('waitSeconds');
		}
	});

	it('keeps params as text, an object as JSON text, and leaves out empty params', () => {
		expect([task({ params: 'row-7' }), task({ params: '12' }), task({ params: { row: 7 } })].map((t) => t.params)).toEqual(['row-7', '12', '{"row":7}']);
		expect(task({ params: '' })).not.toHaveProperty('params');
		expect(task({})).not.toHaveProperty('params');
	});

	it('accepts taskId, string status and object result; keeps a non-text reason as JSON text', () => {
		expect(normalizeTask({ taskId: 't2', status: '4', reason: 'insufficient balance', result: { images_path: [] } })).toMatchObject({
			taskId: 't2',
			status: 'failed',
			statusCode: 4,
			progress: 0,
			reason: 'insufficient balance',
			resultUrls: [],
		});
		expect(task({ status: 4, reason: { why: 'x' } }).reason).toBe('{"why":"x"}');
		expect(task({ status: 4, reason: null }).reason).toBe('');
	});

	it('uses the fallback id only without an id of its own, and reports unknown statuses', () => {
		expect(normalizeTask({ status: 9 }, 'given')).toMatchObject({ taskId: 'given', status: 'unknown', statusCode: null });
		expect(normalizeTask({ task_id: VENDOR_ID }, 'given').taskId).toBe(VENDOR_ID);
	});

	it.each([
		[{ code: 0, msg: 'ok', data: { task_id: 'a' } }, { task_id: 'a' }],
		[{ code: 680001, msg: 'insufficient balance', data: { task_id: 'a', status: 4 } }, { task_id: 'a', status: 4 }],
		[{ task_id: 'a', data: { x: 1 } }, 'itself'],
		[{ code: 0, data: [1] }, 'itself'],
		[{ code: 680002, msg: 'no such task', data: null }, 'itself'],
	])('unwraps only real envelopes: %j gives %j', (body, unwrapped) => expect(unwrapEnvelope(body)).toEqual(unwrapped === 'itself' ? body : unwrapped));
});
