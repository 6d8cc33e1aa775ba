import { CONTROL_TYPES } from '../../nodes/shared/task/controlTypes';
import { readWord } from '../../nodes/shared/parameters/options';
import {
	InputError,
	parseBoolean,
	parseHttpUrl,
	parseJsonObject,
	parseStorageInfo,
	resolveWsid,
	validateBinaryPropertyName,
	validateChoice,
	validateMediaUrl,
	validateNumberInRange,
	validateTaskId,
	validateText,
} from '../../nodes/shared/parameters/validation';

const IMAGE_EXTENSIONS = ['jpg', 'jpeg', 'png'];
const DEFAULT_STORAGE = { input: { is_url: true }, output: { url: { expire_time: 1 } } };

/** Runs `action`, expects an InputError, and returns it. */
function inputErrorOf(action: () => unknown): InputError {
	try {
		action();
	} catch (error) {
		expect(error).toBeInstanceOf(InputError);
		return error as InputError;
	}
	throw new Error('expected an InputError');
}

const fieldOf = (action: () => unknown): string => inputErrorOf(action).field;

const imageUrl = (value: unknown): string => validateMediaUrl('imageUrl', 'Image URL', value, IMAGE_EXTENSIONS);

describe('validateMediaUrl (Image URL)', () => {
	it.each(['https://cdn.example.com/a.jpg', 'http://x.test/b.JPEG', 'https://x.test/c.png?sig=1', 'https://x.test/image/123'])(
		'accepts %s',
		(url) => expect(imageUrl(url)).toBe(url),
	);

	it.each(['', '   ', 'ftp://x.test/a.png', 'not a url', 'https://x.test/a.gif', 'https://x.test/a.webp?x=1', 'file:///tmp/a.png', undefined, null, {}])(
		'rejects %j naming the imageUrl field',
		(url) => expect(fieldOf(() => imageUrl(url))).toBe('imageUrl'),
	);

	it('trims surrounding whitespace', () => {
		expect(imageUrl('  https://x.test/a.png ')).toBe('https://x.test/a.png');
	});

	it('returns the normalised URL', () => {
		expect(imageUrl('HTTPS://X.Test:443/dir/../a b.png')).toBe('https://x.test/a%20b.png');
		expect(imageUrl('http://x.test:80/a.png')).toBe('http://x.test/a.png');
		expect(imageUrl('https://x.test')).toBe('https://x.test/');
	});

	it('reads the extension of a percent-encoded file name', () => {
		expect(imageUrl('https://x.test/photo%2Ejpg')).toBe('https://x.test/photo%2Ejpg');
		expect(fieldOf(() => imageUrl('https://x.test/photo%2Egif'))).toBe('imageUrl');
	});

	it.each(['https://x.test/100%.jpg', 'https://x.test/a%zz.png', 'https://x.test/a.png?q=%E0%A4%A'])(
		'refuses malformed percent-encoding in %s with an error naming the field',
		(url) => {
			const error = inputErrorOf(() => imageUrl(url));
			expect(error.field).toBe('imageUrl');
			expect(error.message).toContain('Image URL');
			expect(error.message).toContain('percent-encoding');
			expect(error.message).not.toMatch(/URI malformed/);
			expect(error.hint).toContain('%25');
		},
	);

	it('accepts a literal percent written as %25', () => {
		expect(imageUrl('https://x.test/100%25.jpg')).toBe('https://x.test/100%25.jpg');
	});
});

describe('parseHttpUrl', () => {
	it('returns a parsed URL object', () => {
		const url = parseHttpUrl('callbackUrl', 'Callback URL', ' https://N8N.test/webhook/x/callback?row=1 ');
		expect(url).toBeInstanceOf(URL);
		expect(url.toString()).toBe('https://n8n.test/webhook/x/callback?row=1');
	});

	it('names the given field and label', () => {
		const error = inputErrorOf(() => parseHttpUrl('callbackUrl', 'Callback URL', 'https://x.test/100%.jpg'));
		expect(error.field).toBe('callbackUrl');
		expect(error.message).toContain('Callback URL');
		expect(fieldOf(() => parseHttpUrl('callbackUrl', 'Callback URL', 'javascript:alert(1)'))).toBe('callbackUrl');
		expect(inputErrorOf(() => parseHttpUrl('callbackUrl', 'Callback URL', '')).message).toBe('Callback URL is empty');
	});
});

describe('validateChoice (Control Type)', () => {
	const controlType = (value: unknown) => validateChoice('controlType', 'Control Type', value, CONTROL_TYPES);

	it.each(['0', '1', '2', '3'])('accepts %s', (value) => expect(controlType(value)).toBe(value));
	it('accepts a number from an expression', () => expect(controlType(2)).toBe('2'));
	it('trims the value', () => expect(controlType(' 3 ')).toBe('3'));

	it.each(['4', '-1', 'edge', '', undefined, null, 1.5, '0.0'])('rejects %j', (value) => {
		expect(fieldOf(() => controlType(value))).toBe('controlType');
	});

	it.each(['constructor', 'toString', '__proto__', 'valueOf', 'hasOwnProperty', 'prototype'])('refuses the inherited name %s', (value) => {
		const error = inputErrorOf(() => controlType(value));
		expect(error.field).toBe('controlType');
		expect(error.message).toContain(`"${value}"`);
	});
});

describe('resolveWsid', () => {
	it('prefers the node option', () => expect(resolveWsid(42, 7)).toBe(42));
	it('falls back to the credential', () => expect(resolveWsid(0, 7)).toBe(7));
	it('accepts numeric strings', () => expect(resolveWsid('', '578691780')).toBe(578691780));
	it('accepts "123" and 123', () => {
		expect(resolveWsid('123', undefined)).toBe(123);
		expect(resolveWsid(123, undefined)).toBe(123);
		expect(resolveWsid(undefined, '123')).toBe(123);
		expect(resolveWsid(undefined, 123)).toBe(123);
		expect(resolveWsid(' 123 ', undefined)).toBe(123);
	});

	it.each([
		[undefined, undefined],
		['', ''],
		[null, null],
		[0, 0],
		['', undefined],
	])('gives no wsid for option %j and credential %j', (option, credential) => {
		expect(resolveWsid(option, credential)).toBeUndefined();
	});

	it.each(['0x10', '1e3', '0b11', '0o7', '-1', '1.5', 'abc', '12abc', '99999999999999999999'])('refuses option %j', (value) => {
		const error = inputErrorOf(() => resolveWsid(value, 7));
		expect(error.field).toBe('wsid');
		expect(error.message).toContain('"Workspace User ID" option');
	});

	it.each(['0x10', '1e3', '0b11', '-1', '1.5'])('refuses credential %j when the option is unset', (value) => {
		const error = inputErrorOf(() => resolveWsid(undefined, value));
		expect(error.field).toBe('wsid');
		expect(error.message).toContain('credential');
	});

	it.each([
		[-3, 7],
		[1.5, 7],
		[Number.NaN, 7],
		[0, -1],
		[true, 7],
	])('rejects option %j with credential %j', (option, credential) => {
		expect(fieldOf(() => resolveWsid(option, credential))).toBe('wsid');
	});
});

describe('parseBoolean (e.g. Wait for Completion)', () => {
	const parse = (value: unknown) => parseBoolean('waitForCompletion', 'Wait for Completion', value);

	it('keeps booleans', () => {
		expect(parse(true)).toBe(true);
		expect(parse(false)).toBe(false);
	});

	it('reads "true" and "false" from an expression', () => {
		expect(parse('false')).toBe(false);
		expect(parse('true')).toBe(true);
		expect(parse(' FALSE ')).toBe(false);
		expect(parse('True')).toBe(true);
	});

	it.each(['yes', 'no', '', '0', '1', 0, 1, null, undefined, {}])('refuses %j', (value) => {
		const error = inputErrorOf(() => parse(value));
		expect(error.field).toBe('waitForCompletion');
		expect(error.message).toContain('Wait for Completion');
	});
});

describe('readWord (Wait Method)', () => {
	const waitMethod = (value: unknown) => readWord('waitMethod', 'Wait Method', value, ['poll', 'callback'], 'poll');

	it('accepts the listed words', () => {
		expect(waitMethod('poll')).toBe('poll');
		expect(waitMethod('callback')).toBe('callback');
	});

	it('falls back when unset', () => {
		expect(waitMethod(undefined)).toBe('poll');
		expect(waitMethod(null)).toBe('poll');
		expect(waitMethod('')).toBe('poll');
	});

	it.each(['webhook', 'Poll', 'constructor', '__proto__', 1, true])('refuses %j', (value) => {
		const error = inputErrorOf(() => waitMethod(value));
		expect(error.field).toBe('waitMethod');
		expect(error.message).toContain('"poll" or "callback"');
	});
});

describe('parseStorageInfo', () => {
	it('gives the default when unset', () => {
		expect(parseStorageInfo('', DEFAULT_STORAGE)).toBe(DEFAULT_STORAGE);
		expect(parseStorageInfo(undefined, DEFAULT_STORAGE)).toBe(DEFAULT_STORAGE);
		expect(parseStorageInfo(null, DEFAULT_STORAGE)).toBe(DEFAULT_STORAGE);
	});

	it('sends none for the word omit', () => {
		expect(parseStorageInfo('omit', DEFAULT_STORAGE)).toBeUndefined();
		expect(parseStorageInfo(' OMIT ', DEFAULT_STORAGE)).toBeUndefined();
	});

	it('parses a JSON object string', () => {
		expect(parseStorageInfo('{"input":{"oss":{"type":0}}}', DEFAULT_STORAGE)).toEqual({ input: { oss: { type: 0 } } });
	});

	it('accepts an object', () => expect(parseStorageInfo({ a: 1 }, DEFAULT_STORAGE)).toEqual({ a: 1 }));

	it.each(['[1,2]', '"text"', '{broken', '42', 'null', 'omitted', [1, 2], 42, true])('rejects %j', (value) => {
		expect(fieldOf(() => parseStorageInfo(value, DEFAULT_STORAGE))).toBe('storageInfo');
	});

	it('says when the text is not JSON', () => {
		const error = inputErrorOf(() => parseStorageInfo('{broken', DEFAULT_STORAGE));
		expect(error.message).toBe('Storage Info is not valid JSON');
		expect(error.hint).toContain('omit');
	});
});

describe('parseJsonObject (Additional Body Fields)', () => {
	const parse = (value: unknown) => parseJsonObject('additionalFields', 'Additional Body Fields', value);

	it('gives an empty object when unset', () => {
		expect(parse('')).toEqual({});
		expect(parse(undefined)).toEqual({});
		expect(parse(null)).toEqual({});
	});

	it('parses JSON text and keeps an object', () => {
		expect(parse('{"seed": 7}')).toEqual({ seed: 7 });
		const object = { seed: 7 };
		expect(parse(object)).toBe(object);
	});

	it.each(['{broken', '[1]', '"x"', '3', 'null', [1], 3])('rejects %j naming the field', (value) => {
		const error = inputErrorOf(() => parse(value));
		expect(error.field).toBe('additionalFields');
		expect(error.message).toContain('Additional Body Fields');
	});
});

describe('validateBinaryPropertyName (Put Output File in Field)', () => {
	it('accepts and trims plain names', () => {
		expect(validateBinaryPropertyName('data')).toBe('data');
		expect(validateBinaryPropertyName(' mask_1 ')).toBe('mask_1');
	});

	it.each(['__proto__', 'constructor', 'prototype', '', '  ', 'my file', undefined, 3])('refuses %j', (value) => {
		const error = inputErrorOf(() => validateBinaryPropertyName(value));
		expect(error.field).toBe('binaryPropertyName');
		expect(error.message).toContain('Put Output File in Field');
	});
});

describe('validateNumberInRange / validateText / validateTaskId', () => {
	it('accepts values in range, also as text', () => {
		expect(validateNumberInRange('timeout', 'Timeout', 10, 1, 100)).toBe(10);
		expect(validateNumberInRange('timeout', 'Timeout', '1', 1, 100)).toBe(1);
		expect(validateNumberInRange('timeout', 'Timeout', 100, 1, 100)).toBe(100);
	});

	it.each([0, 101, 'x', '', ' ', Number.NaN, Number.POSITIVE_INFINITY, null, undefined])('rejects %j', (value) => {
		expect(fieldOf(() => validateNumberInRange('timeout', 'Timeout', value, 1, 100))).toBe('timeout');
	});

	it('trims text and refuses empty text', () => {
		expect(validateText('prompt', 'Prompt', ' a cat ')).toBe('a cat');
		expect(fieldOf(() => validateText('prompt', 'Prompt', '  '))).toBe('prompt');
		expect(fieldOf(() => validateText('prompt', 'Prompt', 3))).toBe('prompt');
	});

	it('rejects an empty task id', () => expect(fieldOf(() => validateTaskId('  '))).toBe('taskId'));
	it('trims a task id', () => expect(validateTaskId(' t1 ')).toBe('t1'));

	it.each(['tm_text2video_customize-0-2025080109295bd73652d4', 'tm_reference_img2mask-0-2026120113102466226b5d', 'tm_0123456789abcdef01234567', 'a.b:c'])(
		'accepts the vendor id %s',
		(id) => expect(validateTaskId(id)).toBe(id),
	);

	it('accepts a number from an expression', () => expect(validateTaskId(42)).toBe('42'));

	it.each(['tm 1', 'tm/../x', 'tm_1?x=1', '<script>', 'x'.repeat(201), undefined, {}])('rejects %j', (value) => {
		expect(fieldOf(() => validateTaskId(value))).toBe('taskId');
	});
});
