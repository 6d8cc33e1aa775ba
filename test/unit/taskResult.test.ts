import { findResultUrls, normalizeTask, parseResult, unwrapEnvelope } from '../../nodes/ToMoviee/helpers/taskResult';
import { isFinalStatus, parseStatusCode, statusName } from '../../nodes/ToMoviee/helpers/taskStatus';

describe('task status', () => {
	it.each([
		[1, 'queued'],
		[2, 'processing'],
		[3, 'succeeded'],
		[4, 'failed'],
		[5, 'cancelled'],
		[6, 'timedOut'],
	])('maps %d to %s', (code, name) => expect(statusName(code)).toBe(name));

	it('reads numeric strings and rejects other values', () => {
		expect(parseStatusCode('3')).toBe(3);
		expect(parseStatusCode(' 4 ')).toBe(4);
		expect(parseStatusCode('7')).toBeUndefined();
		expect(parseStatusCode('done')).toBeUndefined();
		expect(parseStatusCode(null)).toBeUndefined();
	});

	it('knows which statuses are final', () => {
		expect([1, 2, 3, 4, 5, 6].map((code) => isFinalStatus(code))).toEqual([false, false, true, true, true, true]);
	});
});

describe('result parsing', () => {
	it('parses JSON text and keeps other text', () => {
		expect(parseResult('{"images_path":["https://x/m.png"]}')).toEqual({ images_path: ['https://x/m.png'] });
		expect(parseResult('not json')).toBe('not json');
		expect(parseResult('')).toBeNull();
		expect(parseResult({ a: 1 })).toEqual({ a: 1 });
	});

	it('prefers images_path', () => {
		expect(findResultUrls({ images_path: ['https://x/1.png', 'https://x/2.png'], other: ['https://x/3.png'] })).toEqual([
			'https://x/1.png',
			'https://x/2.png',
		]);
	});

	it('finds URLs under other keys without the input image', () => {
		const result = {
			init_image: 'https://in/photo.jpg',
			outputs: [{ mask_url: 'https://out/mask.png' }, { url: 'https://out/depth.png' }],
			list: ['https://out/extra.png', 'https://out/extra.png'],
			note: 'https://not-an-output/ignored',
		};
		expect(findResultUrls(result).sort()).toEqual(['https://out/depth.png', 'https://out/extra.png', 'https://out/mask.png']);
	});

	it('accepts images_path as a single string and arrays at the top', () => {
		expect(findResultUrls({ images_path: 'https://x/1.png' })).toEqual(['https://x/1.png']);
		expect(findResultUrls(['https://x/a.png'])).toEqual(['https://x/a.png']);
		expect(findResultUrls(null)).toEqual([]);
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

	it('accepts taskId, string status and object result', () => {
		const task = normalizeTask({ taskId: 't2', status: '4', reason: 'insufficient balance', result: { images_path: [] } });
		expect(task).toMatchObject({ taskId: 't2', status: 'failed', statusCode: 4, progress: 0, reason: 'insufficient balance' });
	});

	it('uses the fallback id and reports unknown statuses', () => {
		expect(normalizeTask({ status: 9 }, 'given')).toMatchObject({ taskId: 'given', status: 'unknown', statusCode: null });
	});

	it('unwraps only real envelopes', () => {
		expect(unwrapEnvelope({ code: 0, msg: 'ok', data: { task_id: 'a' } })).toEqual({ task_id: 'a' });
		expect(unwrapEnvelope({ task_id: 'a', data: { x: 1 } })).toEqual({ task_id: 'a', data: { x: 1 } });
	});
});
