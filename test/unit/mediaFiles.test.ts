import { CONTROL_TYPE_LABELS, CONTROL_TYPES, fileLabelOfTask } from '../../nodes/shared/task/controlTypes';
import { acceptedMediaType, binaryPropertyFor, resultFileName } from '../../nodes/shared/task/resultFileNames';

const MEDIA_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'video/mp4', 'audio/mpeg', 'audio/wav'];

describe('binary property names', () => {
	it('names binary fields data, data_1, data_2…', () => {
		expect([0, 1, 2].map((i) => binaryPropertyFor('data', i))).toEqual(['data', 'data_1', 'data_2']);
		expect(binaryPropertyFor('mask', 3)).toBe('mask_3');
	});
});

describe('acceptedMediaType', () => {
	it.each([...MEDIA_TYPES.map((type) => [type, type]), ['IMAGE/PNG', 'image/png'], ['image/jpeg; charset=binary', 'image/jpeg']])('accepts the server type %s', (contentType, expected) => {
		expect(acceptedMediaType('https://x.test/file.bin', contentType)).toBe(expected);
	});

	it.each(['text/html', 'text/html; charset=utf-8', 'image/svg+xml', 'application/json', 'image/gif', 'text/plain', 'application/javascript'])(
		'refuses %s, even for a URL ending in .png',
		(contentType) => expect(acceptedMediaType('https://x.test/a.png', contentType)).toBeUndefined(),
	);

	it.each([
		['https://x.test/a.webp?sig=1', 'application/octet-stream', 'image/webp'],
		['https://x.test/a.PNG', 'binary/octet-stream', 'image/png'],
		['https://x.test/a.jpeg', undefined, 'image/jpeg'],
		['https://x.test/v.mp4?Expires=1', '', 'video/mp4'],
		['https://x.test/s.wav', 'application/octet-stream', 'audio/wav'],
		['https://x.test/s.mp3', 'application/octet-stream', 'audio/mpeg'],
		['https://x.test/a.html', 'application/octet-stream', undefined],
		['https://x.test/a.svg', 'application/octet-stream', undefined],
		['https://x.test/a', 'application/octet-stream', undefined],
		['https://x.test/a', undefined, undefined],
		['https://x.test/.png', 'application/octet-stream', undefined],
		['not a url', 'application/octet-stream', undefined],
		['not a url', 'text/html', undefined],
	])('lets the extension of %s decide for type %j (octet-stream or none): %j', (url, contentType, expected) => {
		expect(acceptedMediaType(url, contentType)).toBe(expected);
	});
});

describe('resultFileName', () => {
	it.each([
		['tm_1', 'edge', 0, 'image/png', 'tm_1-edge.png'],
		['tm_1', 'depth', 1, 'image/jpeg', 'tm_1-depth-2.jpg'],
		['tm_1', 'result', 2, 'image/webp', 'tm_1-result-3.webp'],
		['tm_text2video_customize-0-2025080109295bd73652d4', 'result', 0, 'video/mp4', 'tm_text2video_customize-0-2025080109295bd73652d4-result.mp4'],
		['tm_text2music-0-20250801ab', 'result', 0, 'audio/mpeg', 'tm_text2music-0-20250801ab-result.mp3'],
		['tm/../x', 'mask', 0, 'image/png', 'tm_.._x-mask.png'],
		['a\\b c', 'mask', 0, 'image/png', 'a_b_c-mask.png'],
		['', 'mask', 0, 'image/png', 'task-mask.png'],
		['t', 'result', 0, 'application/x-unknown', 't-result.bin'],
	])('names the file of task %j, label %s, index %d, type %s: %s (vendor ids kept, no path separators, .bin when unknown)', (taskId, label, index, type, name) => {
		expect(resultFileName(taskId, label, index, type)).toBe(name);
	});

	it('gives every accepted type its extension', () => {
		expect(MEDIA_TYPES.map((type) => resultFileName('t', 'r', 0, type))).toEqual(['t-r.png', 't-r.jpg', 't-r.webp', 't-r.mp4', 't-r.mp3', 't-r.wav']);
	});
});

describe('control types', () => {
	it('lists the four recognition control types with their words', () => {
		expect(CONTROL_TYPES).toEqual(['0', '1', '2', '3']);
		expect(CONTROL_TYPE_LABELS).toEqual({ '0': 'edge', '1': 'pose', '2': 'subject', '3': 'depth' });
	});

	it.each([
		['tm_reference_img2mask-0-2025080109295bd73652d4', { control_type: '0' }, 'edge'],
		['tm_reference_img2mask-0-2025080109295bd73652d4', { control_type: 3 }, 'depth'],
		['tm_reference_img2mask-0-2025080109295bd73652d4', { control_type: '9' }, 'result'],
		['tm_reference_img2mask-0-2025080109295bd73652d4', { control_type: 'constructor' }, 'result'],
		['tm_reference_img2mask-0-2025080109295bd73652d4', { control_type: 'toString' }, 'result'],
		['tm_text2video_b-0-2025080109295bd73652d4', { video_path: ['https://x/v.mp4'] }, 'video'],
		['tm_text2music-0-1', null, 'music'],
		['constructor-0-1', null, 'result'],
		['tm_1234', null, 'result'],
	])('labels task %s with result %j by its control type, else by its capability, else "result": %s', (taskId, result, label) => {
		expect(fileLabelOfTask(taskId, result)).toBe(label);
	});
});
