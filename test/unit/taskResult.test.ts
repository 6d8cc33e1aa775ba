import { looksLikeTask, normalizeTask, readTaskId, resultControlType, unwrapEnvelope } from '../../nodes/shared/task/task';
import { endedWithoutResult, FINAL_STATUSES, isFinalStatus, parseStatusCode, statusName } from '../../nodes/shared/task/taskStatus';

/** What a task's `result` field becomes, its URLs and their expiry: read through normalizeTask, as the node does. */
const parseResult = (result: unknown) => normalizeTask({ task_id: 't', status: 3, result: result as string }).result;
const findResultUrls = (result: unknown) => normalizeTask({ task_id: 't', status: 3, result: result as string }).resultUrls;
const resultUrlsExpiry = (urls: string[]) => normalizeTask({ task_id: 't', status: 3, result: { images_path: urls } }).resultUrlsExpireAt;

const VENDOR_ID = 'tm_text2video_customize-0-2025080109295bd73652d4';

describe('task status', () => {
	it.each([
		[1, 'queued'],
		[2, 'processing'],
		[3, 'succeeded'],
		[4, 'failed'],
		[5, 'cancelled'],
		[6, 'timedOut'],
	])('maps %d to %s', (code, name) => expect(statusName(code)).toBe(name));

	it('names unknown and missing codes "unknown"', () => {
		expect(statusName(undefined)).toBe('unknown');
		expect(statusName(7)).toBe('unknown');
	});

	it('reads numeric strings and rejects other values', () => {
		expect(parseStatusCode('3')).toBe(3);
		expect(parseStatusCode(' 4 ')).toBe(4);
		expect(parseStatusCode(2)).toBe(2);
		expect(parseStatusCode('7')).toBeUndefined();
		expect(parseStatusCode('2.5')).toBeUndefined();
		expect(parseStatusCode('done')).toBeUndefined();
		expect(parseStatusCode('')).toBeUndefined();
		expect(parseStatusCode(null)).toBeUndefined();
		expect(parseStatusCode(undefined)).toBeUndefined();
	});

	it('does not take inherited keys for status codes', () => {
		expect(parseStatusCode('constructor')).toBeUndefined();
		expect(parseStatusCode('__proto__')).toBeUndefined();
	});

	it('knows which statuses are final', () => {
		expect([1, 2, 3, 4, 5, 6].map((code) => isFinalStatus(code))).toEqual([false, false, true, true, true, true]);
		expect(isFinalStatus(null)).toBe(false);
		expect(isFinalStatus(undefined)).toBe(false);
		expect(isFinalStatus(7)).toBe(false);
		expect(FINAL_STATUSES).toEqual(['succeeded', 'failed', 'cancelled', 'timedOut']);
	});

	it('knows which statuses end without a result', () => {
		expect(['queued', 'processing', 'succeeded', 'failed', 'cancelled', 'timedOut', 'unknown'].filter(endedWithoutResult)).toEqual([
			'failed',
			'cancelled',
			'timedOut',
		]);
	});
});

describe('result parsing', () => {
	it('parses JSON text and keeps other text', () => {
		expect(parseResult('{"images_path":["https://x/m.png"]}')).toEqual({ images_path: ['https://x/m.png'] });
		expect(parseResult('not json')).toBe('not json');
		expect(parseResult('')).toBeNull();
		expect(parseResult(null)).toBeNull();
		expect(parseResult(undefined)).toBeNull();
		expect(parseResult({ a: 1 })).toEqual({ a: 1 });
	});

	it('reads the control type a recognition result names', () => {
		expect(resultControlType({ control_type: '2' })).toBe('2');
		expect(resultControlType({ control_type: 3 })).toBe('3');
		expect(resultControlType({ control_type: { x: 1 } })).toBeNull();
		expect(resultControlType({})).toBeNull();
		expect(resultControlType(null)).toBeNull();
		expect(resultControlType('text')).toBeNull();
	});
});

describe('findResultUrls', () => {
	it('lists the documented keys first, then other URLs', () => {
		expect(findResultUrls({ other: ['https://x/3.png'], images_path: ['https://x/1.png', 'https://x/2.png'] })).toEqual([
			'https://x/1.png',
			'https://x/2.png',
			'https://x/3.png',
		]);
	});

	it.each(['images_path', 'mask_path', 'image_path', 'video_path', 'audio_path'])('collects %s (array or single string)', (key) => {
		expect(findResultUrls({ [key]: ['https://out.test/a?x=1', 'https://out.test/b'] })).toEqual(['https://out.test/a?x=1', 'https://out.test/b']);
		expect(findResultUrls({ [key]: 'https://out.test/single' })).toEqual(['https://out.test/single']);
	});

	it('collects every documented key of one result in the documented order', () => {
		const result = {
			audio_path: ['https://out.test/a.mp3'],
			video_path: ['https://out.test/v.mp4'],
			image_path: 'https://out.test/i.png',
			mask_path: ['https://out.test/m.png'],
			images_path: ['https://out.test/is.png'],
		};
		expect(findResultUrls(result)).toEqual([
			'https://out.test/is.png',
			'https://out.test/m.png',
			'https://out.test/i.png',
			'https://out.test/v.mp4',
			'https://out.test/a.mp3',
		]);
	});

	it('finds URL strings and arrays under other keys, nested, without duplicates', () => {
		const result = {
			outputs: [{ url: 'https://out/depth.png' }, { file: { link: 'https://out/deep.png' } }],
			list: ['https://out/extra.png', 'https://out/extra.png'],
			note: 'http://out/note.png',
			images_path: ['https://out/extra.png'],
		};
		expect(findResultUrls(result)).toEqual(['https://out/extra.png', 'https://out/depth.png', 'https://out/deep.png', 'http://out/note.png']);
	});

	it('never takes input URLs (init_image and the like)', () => {
		const result = {
			init_image: 'https://in/photo.jpg',
			Init_Image: ['https://in/photo2.jpg'],
			image_url: 'https://in/a.png',
			callback: 'https://n8n.test/webhook/x/callback',
			reference_image: 'https://in/ref.png',
			nested: { init_image: 'https://in/nested.jpg', out: 'https://out/ok.png' },
			mask_path: ['https://out/mask.png'],
		};
		expect(findResultUrls(result)).toEqual(['https://out/mask.png', 'https://out/ok.png']);
	});

	it('ignores texts that are not http(s) URLs', () => {
		const result = {
			model_version: 'v1',
			translate_prompt: 'a cat, see https://x.test/a.png for style',
			ftp: 'ftp://x.test/a.png',
			data: 'data:image/png;base64,AAAA',
			count: 3,
			flag: true,
			empty: null,
		};
		expect(findResultUrls(result)).toEqual([]);
	});

	it('accepts arrays at the top and nothing', () => {
		expect(findResultUrls(['https://x/a.png'])).toEqual(['https://x/a.png']);
		expect(findResultUrls(null)).toEqual([]);
		expect(findResultUrls('https://x/a.png')).toEqual(['https://x/a.png']);
		expect(findResultUrls(undefined)).toEqual([]);
	});

	it('trims URLs so the same URL with spaces is no duplicate', () => {
		expect(findResultUrls({ images_path: [' https://x/a.png', 'https://x/a.png '] })).toEqual(['https://x/a.png']);
	});
});

describe('resultUrlsExpiry', () => {
	it('gives the earliest Expires (epoch seconds) as an ISO time', () => {
		const urls = [
			'http://tic-ai-storage.wondershare.com/a.mp4?Expires=1754809290&OSSAccessKeyId=k&Signature=s',
			'http://tic-ai-storage.wondershare.com/b.mp4?Expires=1754800000&OSSAccessKeyId=k&Signature=s',
		];
		expect(resultUrlsExpiry(urls)).toBe(new Date(1754800000 * 1000).toISOString());
		expect(resultUrlsExpiry([urls[0]])).toBe('2025-08-10T07:01:30.000Z');
	});

	it('is undefined when no URL carries a usable Expires', () => {
		expect(resultUrlsExpiry([])).toBeUndefined();
		expect(resultUrlsExpiry(['https://x/a.png', 'https://x/b.png?Expires=soon', 'https://x/c.png?Expires=0', 'not a url'])).toBeUndefined();
	});

	it('ignores URLs without Expires among signed ones', () => {
		expect(resultUrlsExpiry(['https://x/a.png', 'https://x/b.png?Expires=1754809290'])).toBe('2025-08-10T07:01:30.000Z');
	});
});

describe('task ids', () => {
	it('reads task_id, taskId and taskID, trimmed, numbers as text', () => {
		expect(readTaskId({ task_id: VENDOR_ID })).toBe(VENDOR_ID);
		expect(readTaskId({ taskId: ' t2 ' })).toBe('t2');
		expect(readTaskId({ taskID: 't3' })).toBe('t3');
		expect(readTaskId({ task_id: 42 })).toBe('42');
		expect(readTaskId({ task_id: '   ' })).toBeUndefined();
		expect(readTaskId({})).toBeUndefined();
	});

	it('recognises objects that look like tasks', () => {
		expect(looksLikeTask({ task_id: 'a' })).toBe(true);
		expect(looksLikeTask({ status: 3 })).toBe(true);
		expect(looksLikeTask({ foo: 1 })).toBe(false);
		expect(looksLikeTask([{ task_id: 'a' }])).toBe(false);
		expect(looksLikeTask(null)).toBe(false);
		expect(looksLikeTask('t1')).toBe(false);
	});
});

describe('normalizeTask', () => {
	it('normalizes a query answer', () => {
		const task = normalizeTask({
			task_id: 't1',
			status: 3,
			progress: 100,
			reason: '',
			result: '{"images_path":["https://x/m.png"]}',
		});
		expect(task).toEqual({
			taskId: 't1',
			status: 'succeeded',
			statusCode: 3,
			progress: 100,
			reason: '',
			resultUrls: ['https://x/m.png'],
			result: { images_path: ['https://x/m.png'] },
		});
	});

	it('reads the vendor sample: reason "success", position and wait_time of a finished task dropped, params kept', () => {
		const task = normalizeTask({
			task_id: VENDOR_ID,
			wsid: 578691780,
			priority: 0,
			status: 3,
			reason: 'success',
			progress: 100,
			position: -1,
			wait_time: 96,
			delay: false,
			params: '{"row":7}',
			result: JSON.stringify({
				model_version: 'v2',
				translate_prompt: 'a cat',
				video_path: ['http://tic-ai-storage.wondershare.com/a.mp4?Expires=1754809290&OSSAccessKeyId=k&Signature=s'],
			}),
		});
		expect(task).toEqual({
			taskId: VENDOR_ID,
			status: 'succeeded',
			statusCode: 3,
			progress: 100,
			reason: 'success',
			resultUrls: ['http://tic-ai-storage.wondershare.com/a.mp4?Expires=1754809290&OSSAccessKeyId=k&Signature=s'],
			resultUrlsExpireAt: '2025-08-10T07:01:30.000Z',
			result: {
				model_version: 'v2',
				translate_prompt: 'a cat',
				video_path: ['http://tic-ai-storage.wondershare.com/a.mp4?Expires=1754809290&OSSAccessKeyId=k&Signature=s'],
			},
			params: '{"row":7}',
		});
	});

	it('reads process as an alias of progress', () => {
		expect(normalizeTask({ task_id: 't', status: 2, process: 40 }).progress).toBe(40);
		expect(normalizeTask({ task_id: 't', status: 2, process: '55' }).progress).toBe(55);
		expect(normalizeTask({ task_id: 't', status: 2, progress: 10, process: 90 }).progress).toBe(10);
	});

	it('defaults progress to 100 for a succeeded task and 0 otherwise', () => {
		expect(normalizeTask({ task_id: 't', status: 3 }).progress).toBe(100);
		expect(normalizeTask({ task_id: 't', status: 2 }).progress).toBe(0);
		expect(normalizeTask({ task_id: 't', status: 4, progress: 'n/a' }).progress).toBe(0);
	});

	it('shows queuePosition and waitSeconds for a queued task only', () => {
		const queued = normalizeTask({ task_id: 't', status: 1, position: 5, wait_time: 96 });
		expect(queued).toMatchObject({ status: 'queued', queuePosition: 5, waitSeconds: 96 });
		expect(normalizeTask({ task_id: 't', status: '1', position: '0', wait_time: '12' })).toMatchObject({ queuePosition: 0, waitSeconds: 12 });

		const processing = normalizeTask({ task_id: 't', status: 2, position: 5, wait_time: 96 });
		expect(processing).not.toHaveProperty('queuePosition');
		expect(processing).not.toHaveProperty('waitSeconds');
		const done = normalizeTask({ task_id: 't', status: 3, position: -1, wait_time: 96 });
		expect(done).not.toHaveProperty('queuePosition');
		expect(done).not.toHaveProperty('waitSeconds');
	});

	it('drops a negative or missing queue position of a queued task', () => {
		const task = normalizeTask({ task_id: 't', status: 1, position: -1 });
		expect(task).not.toHaveProperty('queuePosition');
		expect(task).not.toHaveProperty('waitSeconds');
	});

	it('keeps params as text, an object as JSON text, and leaves out empty params', () => {
		expect(normalizeTask({ task_id: 't', status: 3, params: 'row-7' }).params).toBe('row-7');
		expect(normalizeTask({ task_id: 't', status: 3, params: '12' }).params).toBe('12');
		expect(normalizeTask({ task_id: 't', status: 3, params: { row: 7 } }).params).toBe('{"row":7}');
		expect(normalizeTask({ task_id: 't', status: 3, params: '' })).not.toHaveProperty('params');
		expect(normalizeTask({ task_id: 't', status: 3 })).not.toHaveProperty('params');
	});

	it('collects mask_path of a recognition result', () => {
		const task = normalizeTask({
			task_id: 'tm_reference_img2mask-0-20250801abc',
			status: 3,
			reason: 'success',
			result: '{"control_type":"2","init_image":"https://in.test/p.jpg","mask_path":["https://out.test/m.png?Expires=1754809290"]}',
		});
		expect(task.resultUrls).toEqual(['https://out.test/m.png?Expires=1754809290']);
		expect(task.resultUrlsExpireAt).toBe('2025-08-10T07:01:30.000Z');
	});

	it('has no resultUrlsExpireAt for unsigned URLs', () => {
		expect(normalizeTask({ task_id: 't', status: 3, result: { images_path: ['https://x/a.png'] } })).not.toHaveProperty('resultUrlsExpireAt');
	});

	it('accepts taskId, string status and object result', () => {
		const task = normalizeTask({ taskId: 't2', status: '4', reason: 'insufficient balance', result: { images_path: [] } });
		expect(task).toMatchObject({ taskId: 't2', status: 'failed', statusCode: 4, progress: 0, reason: 'insufficient balance', resultUrls: [] });
	});

	it('keeps a non-text reason as JSON text', () => {
		expect(normalizeTask({ task_id: 't', status: 4, reason: { why: 'x' } }).reason).toBe('{"why":"x"}');
		expect(normalizeTask({ task_id: 't', status: 4, reason: null }).reason).toBe('');
	});

	it('uses the fallback id and reports unknown statuses', () => {
		expect(normalizeTask({ status: 9 }, 'given')).toMatchObject({ taskId: 'given', status: 'unknown', statusCode: null });
		expect(normalizeTask({ task_id: VENDOR_ID }, 'given').taskId).toBe(VENDOR_ID);
	});

	it('unwraps only real envelopes', () => {
		expect(unwrapEnvelope({ code: 0, msg: 'ok', data: { task_id: 'a' } })).toEqual({ task_id: 'a' });
		expect(unwrapEnvelope({ code: 680001, msg: 'insufficient balance', data: { task_id: 'a', status: 4 } })).toEqual({ task_id: 'a', status: 4 });
		expect(unwrapEnvelope({ task_id: 'a', data: { x: 1 } })).toEqual({ task_id: 'a', data: { x: 1 } });
		expect(unwrapEnvelope({ code: 0, data: [1] })).toEqual({ code: 0, data: [1] });
		expect(unwrapEnvelope({ code: 680002, msg: 'no such task', data: null })).toEqual({ code: 680002, msg: 'no such task', data: null });
	});
});
