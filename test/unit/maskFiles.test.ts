import { binaryPropertyFor, maskFileName, maskMimeType } from '../../nodes/ToMoviee/helpers/maskFiles';

describe('mask files', () => {
	it('names binary fields data, data_1, data_2…', () => {
		expect([0, 1, 2].map((i) => binaryPropertyFor('data', i))).toEqual(['data', 'data_1', 'data_2']);
	});

	it('takes the mime type from the server, else the URL, else PNG', () => {
		expect(maskMimeType('https://x/a.bin', 'image/jpeg; charset=binary')).toBe('image/jpeg');
		expect(maskMimeType('https://x/a.webp?sig=1', 'application/octet-stream')).toBe('image/webp');
		expect(maskMimeType('https://x/a', undefined)).toBe('image/png');
		expect(maskMimeType('not a url', 'text/html')).toBe('image/png');
	});

	it('names files after the task and the control type', () => {
		expect(maskFileName('tm_1', '0', 0, 'image/png')).toBe('tm_1-edge.png');
		expect(maskFileName('tm_1', '3', 1, 'image/jpeg')).toBe('tm_1-depth-2.jpg');
		expect(maskFileName('tm/../x', null, 0, 'image/png')).toBe('tm_.._x-mask.png');
	});
});
