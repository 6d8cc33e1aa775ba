import {
	encodePassThrough,
	InputError,
	parseStorageInfo,
	resolveWsid,
	validateControlType,
	validateImageUrl,
	validateNumberInRange,
	validateTaskId,
} from '../../nodes/ToMoviee/helpers/validation';

function fieldOf(action: () => unknown): string {
	try {
		action();
	} catch (error) {
		expect(error).toBeInstanceOf(InputError);
		return (error as InputError).field;
	}
	throw new Error('expected an InputError');
}

describe('validateImageUrl', () => {
	it.each(['https://cdn.example.com/a.jpg', 'http://x.test/b.JPEG', 'https://x.test/c.png?sig=1', 'https://x.test/image/123'])(
		'accepts %s',
		(url) => expect(validateImageUrl(url)).toBe(url),
	);

	it.each(['', '   ', 'ftp://x.test/a.png', 'not a url', 'https://x.test/a.gif', 'https://x.test/a.webp?x=1', 'file:///tmp/a.png'])(
		'rejects %j naming the imageUrl field',
		(url) => expect(fieldOf(() => validateImageUrl(url))).toBe('imageUrl'),
	);

	it('trims surrounding whitespace', () => {
		expect(validateImageUrl('  https://x.test/a.png ')).toBe('https://x.test/a.png');
	});
});

describe('validateControlType', () => {
	it.each(['0', '1', '2', '3'])('accepts %s', (value) => expect(validateControlType(value)).toBe(value));
	it('accepts a number from an expression', () => expect(validateControlType(2)).toBe('2'));
	it.each(['4', '-1', 'edge', '', undefined])('rejects %j', (value) => {
		expect(fieldOf(() => validateControlType(value))).toBe('controlType');
	});
});

describe('resolveWsid', () => {
	it('prefers the node option', () => expect(resolveWsid(42, 7)).toBe(42));
	it('falls back to the credential', () => expect(resolveWsid(0, 7)).toBe(7));
	it('accepts numeric strings', () => expect(resolveWsid('', '578691780')).toBe(578691780));
	it.each([
		[-3, 7],
		[1.5, 7],
		['abc', 7],
		[0, 0],
		[undefined, undefined],
		[0, -1],
	])('rejects option %j with credential %j', (option, credential) => {
		expect(fieldOf(() => resolveWsid(option, credential))).toBe('wsid');
	});
});

describe('parseStorageInfo', () => {
	it('parses a JSON object string', () => {
		expect(parseStorageInfo('{"input":{"oss":{"type":0}}}')).toEqual({ input: { oss: { type: 0 } } });
	});
	it('accepts an object', () => expect(parseStorageInfo({ a: 1 })).toEqual({ a: 1 }));
	it.each(['[1,2]', '"text"', '{broken', '42', 'null'])('rejects %s', (value) => {
		expect(fieldOf(() => parseStorageInfo(value))).toBe('storageInfo');
	});
});

describe('encodePassThrough', () => {
	it('keeps strings', () => expect(encodePassThrough('row-7')).toBe('row-7'));
	it('JSON-encodes objects', () => expect(encodePassThrough({ row: 7 })).toBe('{"row":7}'));
	it('drops empty values', () => {
		expect(encodePassThrough('')).toBeUndefined();
		expect(encodePassThrough(undefined)).toBeUndefined();
	});
});

describe('validateNumberInRange / validateTaskId', () => {
	it('accepts values in range', () => expect(validateNumberInRange('timeout', 'Timeout', 10, 1, 100)).toBe(10));
	it.each([0, 101, 'x', Number.NaN])('rejects %j', (value) => {
		expect(fieldOf(() => validateNumberInRange('timeout', 'Timeout', value, 1, 100))).toBe('timeout');
	});
	it('rejects an empty task id', () => expect(fieldOf(() => validateTaskId('  '))).toBe('taskId'));
	it('trims a task id', () => expect(validateTaskId(' t1 ')).toBe('t1'));
});
