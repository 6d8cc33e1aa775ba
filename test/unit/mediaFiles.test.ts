import { CONTROL_TYPE_LABELS, CONTROL_TYPES, fileLabelOfTask } from '../../nodes/shared/task/controlTypes';
import { acceptedMediaType, binaryPropertyFor, resultFileName } from '../../nodes/shared/task/resultFileNames';

describe('binary property names', () => {
	it('names binary fields data, data_1, data_2…', () => {
		expect([0, 1, 2].map((i) => binaryPropertyFor('data', i))).toEqual(['data', 'data_1', 'data_2']);
		expect(binaryPropertyFor('mask', 3)).toBe('mask_3');
	});
});

describe('acceptedMediaType', () => {
	it.each([
		['image/png', 'image/png'],
		['image/jpeg', 'image/jpeg'],
		['image/webp', 'image/webp'],
		['video/mp4', 'video/mp4'],
		['audio/mpeg', 'audio/mpeg'],
		['audio/wav', 'audio/wav'],
		['IMAGE/PNG', 'image/png'],
		['image/jpeg; charset=binary', 'image/jpeg'],
	])('accepts the server type %s', (contentType, expected) => {
		expect(acceptedMediaType('https://x.test/file.bin', contentType)).toBe(expected);
	});

	it.each(['text/html', 'text/html; charset=utf-8', 'image/svg+xml', 'application/json', 'image/gif', 'text/plain', 'application/javascript'])(
		'refuses %s, even for a URL ending in .png',
		(contentType) => expect(acceptedMediaType('https://x.test/a.png', contentType)).toBeUndefined(),
	);

	it('lets the URL extension decide for octet-stream or no type', () => {
		expect(acceptedMediaType('https://x.test/a.webp?sig=1', 'application/octet-stream')).toBe('image/webp');
		expect(acceptedMediaType('https://x.test/a.PNG', 'binary/octet-stream')).toBe('image/png');
		expect(acceptedMediaType('https://x.test/a.jpeg', undefined)).toBe('image/jpeg');
		expect(acceptedMediaType('https://x.test/v.mp4?Expires=1', '')).toBe('video/mp4');
		expect(acceptedMediaType('https://x.test/s.wav', 'application/octet-stream')).toBe('audio/wav');
		expect(acceptedMediaType('https://x.test/s.mp3', 'application/octet-stream')).toBe('audio/mpeg');
	});

	it('refuses octet-stream when the extension is not a media one or missing', () => {
		expect(acceptedMediaType('https://x.test/a.html', 'application/octet-stream')).toBeUndefined();
		expect(acceptedMediaType('https://x.test/a.svg', 'application/octet-stream')).toBeUndefined();
		expect(acceptedMediaType('https://x.test/a', 'application/octet-stream')).toBeUndefined();
		expect(acceptedMediaType('https://x.test/a', undefined)).toBeUndefined();
		expect(acceptedMediaType('https://x.test/.png', 'application/octet-stream')).toBeUndefined();
		expect(acceptedMediaType('not a url', 'application/octet-stream')).toBeUndefined();
		expect(acceptedMediaType('not a url', 'text/html')).toBeUndefined();
	});
});

describe('resultFileName', () => {
	it('names files after the task and the label', () => {
		expect(resultFileName('tm_1', 'edge', 0, 'image/png')).toBe('tm_1-edge.png');
		expect(resultFileName('tm_1', 'depth', 1, 'image/jpeg')).toBe('tm_1-depth-2.jpg');
		expect(resultFileName('tm_1', 'result', 2, 'image/webp')).toBe('tm_1-result-3.webp');
	});

	it('keeps vendor task ids as they are', () => {
		expect(resultFileName('tm_text2video_customize-0-2025080109295bd73652d4', 'result', 0, 'video/mp4')).toBe(
			'tm_text2video_customize-0-2025080109295bd73652d4-result.mp4',
		);
		expect(resultFileName('tm_text2music-0-20250801ab', 'result', 0, 'audio/mpeg')).toBe('tm_text2music-0-20250801ab-result.mp3');
	});

	it('never puts a path separator in the name', () => {
		expect(resultFileName('tm/../x', 'mask', 0, 'image/png')).toBe('tm_.._x-mask.png');
		expect(resultFileName('a\\b c', 'mask', 0, 'image/png')).toBe('a_b_c-mask.png');
		expect(resultFileName('', 'mask', 0, 'image/png')).toBe('task-mask.png');
	});

	it('uses .bin for a type it has no extension for', () => {
		expect(resultFileName('t', 'result', 0, 'application/x-unknown')).toBe('t-result.bin');
	});

	it('gives every accepted type its extension', () => {
		expect(['image/png', 'image/jpeg', 'image/webp', 'video/mp4', 'audio/mpeg', 'audio/wav'].map((type) => resultFileName('t', 'r', 0, type))).toEqual([
			't-r.png',
			't-r.jpg',
			't-r.webp',
			't-r.mp4',
			't-r.mp3',
			't-r.wav',
		]);
	});
});

describe('control types', () => {
	it('lists the four recognition control types with their words', () => {
		expect(CONTROL_TYPES).toEqual(['0', '1', '2', '3']);
		expect(CONTROL_TYPE_LABELS).toEqual({ '0': 'edge', '1': 'pose', '2': 'subject', '3': 'depth' });
	});

	it('labels a task by its control type, else by its capability, else "result"', () => {
		const id = 'tm_reference_img2mask-0-2025080109295bd73652d4';
		expect(fileLabelOfTask(id, { control_type: '0' })).toBe('edge');
		expect(fileLabelOfTask(id, { control_type: 3 })).toBe('depth');
		expect(fileLabelOfTask(id, { control_type: '9' })).toBe('result');
		expect(fileLabelOfTask(id, { control_type: 'constructor' })).toBe('result');
		expect(fileLabelOfTask(id, { control_type: 'toString' })).toBe('result');
		expect(fileLabelOfTask('tm_text2video_b-0-2025080109295bd73652d4', { video_path: ['https://x/v.mp4'] })).toBe('video');
		expect(fileLabelOfTask('tm_text2music-0-1', null)).toBe('music');
		expect(fileLabelOfTask('constructor-0-1', null)).toBe('result');
		expect(fileLabelOfTask('tm_1234', null)).toBe('result');
	});
});
