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

const DEFAULT_STORAGE = { input: { is_url: true }, output: { url: { expire_time: 1 } } };

/** What the node turns into a NodeOperationError on `field`; `message` is a part of the text. */
const inputError = (field: string, message?: string) =>
	expect.objectContaining({ name: InputError.name, field, ...(message === undefined ? {} : { message: expect.stringContaining(message) }) });

const imageUrl = (value: unknown): string => validateMediaUrl('imageUrl', 'Image URL', value, ['jpg', 'jpeg', 'png']);

describe('validateMediaUrl (Image URL)', () => {
	it.each([
		['https://cdn.example.com/a.jpg', 'https://cdn.example.com/a.jpg'],
		['http://x.test/b.JPEG', 'http://x.test/b.JPEG'],
		['https://x.test/c.png?sig=1', 'https://x.test/c.png?sig=1'],
		['https://x.test/image/123', 'https://x.test/image/123'],
		['  https://x.test/a.png ', 'https://x.test/a.png'],
		['HTTPS://X.Test:443/dir/../a b.png', 'https://x.test/a%20b.png'],
		['http://x.test:80/a.png', 'http://x.test/a.png'],
		['https://x.test', 'https://x.test/'],
		['https://x.test/photo%2Ejpg', 'https://x.test/photo%2Ejpg'],
		['https://x.test/100%25.jpg', 'https://x.test/100%25.jpg'],
	])('accepts %j as the trimmed, normalised %s (percent-encoded names and %%25 too)', (url, normalised) => expect(imageUrl(url)).toBe(normalised));

	it.each(['', '   ', 'ftp://x.test/a.png', 'not a url', 'https://x.test/a.gif', 'https://x.test/a.webp?x=1', 'https://x.test/photo%2Egif', 'file:///tmp/a.png', undefined, null, {}])(
		'rejects %j naming the imageUrl field',
		(url) => expect(() => imageUrl(url)).toThrow(inputError('imageUrl')),
	);

	it.each(['https://x.test/100%.jpg', 'https://x.test/a%zz.png', 'https://x.test/a.png?q=%E0%A4%A'])(
		'refuses malformed percent-encoding in %s with an error naming the field',
		(url) => {
			expect(() => imageUrl(url)).toThrow(inputError('imageUrl', 'Image URL'));
			expect(() => imageUrl(url)).toThrow(expect.objectContaining({ message: expect.stringContaining('percent-encoding'), hint: expect.stringContaining('%25') }));
			expect(() => imageUrl(url)).not.toThrow(/URI malformed/);
		},
	);
});

describe('parseHttpUrl', () => {
	it('returns a parsed URL object', () => {
		const url = parseHttpUrl('callbackUrl', 'Callback URL', ' https://N8N.test/webhook/x/callback?row=1 ');
		expect(url).toBeInstanceOf(URL);
		expect(url.toString()).toBe('https://n8n.test/webhook/x/callback?row=1');
	});

	it('names the given field and label', () => {
		expect(() => parseHttpUrl('callbackUrl', 'Callback URL', 'https://x.test/100%.jpg')).toThrow(inputError('callbackUrl', 'Callback URL'));
		expect(() => parseHttpUrl('callbackUrl', 'Callback URL', 'javascript:alert(1)')).toThrow(inputError('callbackUrl'));
		expect(() => parseHttpUrl('callbackUrl', 'Callback URL', '')).toThrow(new Error('Callback URL is empty'));
	});
});

describe('validateChoice (Control Type)', () => {
	const controlType = (value: unknown) => validateChoice('controlType', 'Control Type', value, CONTROL_TYPES);

	it.each([
		['0', '0'],
		['1', '1'],
		['2', '2'],
		['3', '3'],
		[2, '2'],
		[' 3 ', '3'],
	])('accepts %j (numbers from an expression, trimmed) as %j', (value, choice) => expect(controlType(value)).toBe(choice));

	it.each(['4', '-1', 'edge', '', undefined, null, 1.5, '0.0'])('rejects %j', (value) => {
		expect(() => controlType(value)).toThrow(inputError('controlType'));
	});

	it.each(['constructor', 'toString', '__proto__', 'valueOf', 'hasOwnProperty', 'prototype'])('refuses the inherited name %s', (value) => {
		expect(() => controlType(value)).toThrow(inputError('controlType', `"${value}"`));
	});
});

describe('resolveWsid', () => {
	it.each([
		[42, 7, 42],
		[0, 7, 7],
		['', '578691780', 578691780],
		['123', undefined, 123],
		[123, undefined, 123],
		[undefined, '123', 123],
		[undefined, 123, 123],
		[' 123 ', undefined, 123],
		[undefined, undefined, undefined],
		['', '', undefined],
		[null, null, undefined],
		[0, 0, undefined],
		['', undefined, undefined],
	])('option %j and credential %j give %j (the option first, numeric text accepted)', (option, credential, wsid) => {
		expect(resolveWsid(option, credential)).toBe(wsid);
	});

	it.each(['0x10', '1e3', '0b11', '0o7', '-1', '1.5', 'abc', '12abc', '99999999999999999999', -3, 1.5, Number.NaN, true])('refuses option %j', (value) => {
		expect(() => resolveWsid(value, 7)).toThrow(inputError('wsid', '"Workspace User ID" option'));
	});

	it.each(['0x10', '1e3', '0b11', '-1', '1.5'])('refuses credential %j when the option is unset', (value) => {
		expect(() => resolveWsid(undefined, value)).toThrow(inputError('wsid', 'credential'));
	});

	it('refuses a negative credential behind an unset option', () => expect(() => resolveWsid(0, -1)).toThrow(inputError('wsid')));
});

describe('parseBoolean (e.g. Wait for Completion)', () => {
	const parse = (value: unknown) => parseBoolean('waitForCompletion', 'Wait for Completion', value);

	it.each([
		[true, true],
		[false, false],
		['false', false],
		['true', true],
		[' FALSE ', false],
		['True', true],
	])('reads %j as %j (booleans and their text from an expression)', (value, read) => expect(parse(value)).toBe(read));

	it.each(['yes', 'no', '', '0', '1', 0, 1, null, undefined, {}])('refuses %j', (value) => {
		expect(() => parse(value)).toThrow(inputError('waitForCompletion', 'Wait for Completion'));
	});
});

describe('readWord (Wait Method)', () => {
	const waitMethod = (value: unknown) => readWord('waitMethod', 'Wait Method', value, ['poll', 'callback'], 'poll');

	it.each([
		['poll', 'poll'],
		['callback', 'callback'],
		[undefined, 'poll'],
		[null, 'poll'],
		['', 'poll'],
	])('reads %j as %j (the listed words, the fallback when unset)', (value, word) => expect(waitMethod(value)).toBe(word));

	it.each(['webhook', 'Poll', 'constructor', '__proto__', 1, true])('refuses %j', (value) => {
		expect(() => waitMethod(value)).toThrow(inputError('waitMethod', '"poll" or "callback"'));
	});
});

describe('parseStorageInfo', () => {
	it.each([
		['', DEFAULT_STORAGE],
		[undefined, DEFAULT_STORAGE],
		[null, DEFAULT_STORAGE],
		['omit', undefined],
		[' OMIT ', undefined],
		['{"input":{"oss":{"type":0}}}', { input: { oss: { type: 0 } } }],
		[{ a: 1 }, { a: 1 }],
	])('reads %j as %j (the default when unset, none for the word omit, a JSON object)', (value, storage) => {
		expect(parseStorageInfo(value, DEFAULT_STORAGE)).toEqual(storage);
	});

	it.each(['[1,2]', '"text"', '{broken', '42', 'null', 'omitted', [1, 2], 42, true])('rejects %j', (value) => {
		expect(() => parseStorageInfo(value, DEFAULT_STORAGE)).toThrow(inputError('storageInfo'));
	});

	it('says when the text is not JSON', () => {
		expect(() => parseStorageInfo('{broken', DEFAULT_STORAGE)).toThrow(expect.objectContaining({ message: 'Storage Info is not valid JSON', hint: expect.stringContaining('omit') }));
	});
});

describe('parseJsonObject (Additional Body Fields)', () => {
	const parse = (value: unknown) => parseJsonObject('additionalFields', 'Additional Body Fields', value);

	it('gives an empty object when unset, parses JSON text and keeps an object', () => {
		expect([parse(''), parse(undefined), parse(null)]).toEqual([{}, {}, {}]);
		expect(parse('{"seed": 7}')).toEqual({ seed: 7 });
		const object = { seed: 7 };
		expect(parse(object)).toBe(object);
	});

	it.each(['{broken', '[1]', '"x"', '3', 'null', [1], 3])('rejects %j naming the field', (value) => {
		expect(() => parse(value)).toThrow(inputError('additionalFields', 'Additional Body Fields'));
	});
});

describe('validateBinaryPropertyName (Put Output File in Field)', () => {
	it('accepts and trims plain names', () => {
		expect(validateBinaryPropertyName('data')).toBe('data');
		expect(validateBinaryPropertyName(' mask_1 ')).toBe('mask_1');
	});

	it.each(['__proto__', 'constructor', 'prototype', '', '  ', 'my file', undefined, 3])('refuses %j', (value) => {
		expect(() => validateBinaryPropertyName(value)).toThrow(inputError('binaryPropertyName', 'Put Output File in Field'));
	});
});

describe('validateNumberInRange / validateText / validateTaskId', () => {
	it('accepts values in range, also as text', () => {
		expect([10, '1', 100].map((value) => validateNumberInRange('timeout', 'Timeout', value, 1, 100))).toEqual([10, 1, 100]);
	});

	it.each([0, 101, 'x', '', ' ', Number.NaN, Number.POSITIVE_INFINITY, null, undefined])('rejects %j', (value) => {
		expect(() => validateNumberInRange('timeout', 'Timeout', value, 1, 100)).toThrow(inputError('timeout'));
	});

	it('trims text and refuses empty text', () => {
		expect(validateText('prompt', 'Prompt', ' a cat ')).toBe('a cat');
		expect(() => validateText('prompt', 'Prompt', '  ')).toThrow(inputError('prompt'));
		expect(() => validateText('prompt', 'Prompt', 3)).toThrow(inputError('prompt'));
	});

	it.each([
		['tm_text2video_customize-0-2025080109295bd73652d4', 'tm_text2video_customize-0-2025080109295bd73652d4'],
		['tm_reference_img2mask-0-2026120113102466226b5d', 'tm_reference_img2mask-0-2026120113102466226b5d'],
		['tm_0123456789abcdef01234567', 'tm_0123456789abcdef01234567'],
		['a.b:c', 'a.b:c'],
		[' t1 ', 't1'],
		[42, '42'],
	])('accepts the task id %j as %j (vendor ids, trimmed, a number from an expression)', (id, taskId) => expect(validateTaskId(id)).toBe(taskId));

	it.each(['  ', 'tm 1', 'tm/../x', 'tm_1?x=1', '<script>', 'x'.repeat(201), undefined, {}])('rejects the task id %j', (value) => {
		expect(() => validateTaskId(value)).toThrow(inputError('taskId'));
	});
});
