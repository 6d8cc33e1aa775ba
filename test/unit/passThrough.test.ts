import { decodePassThrough, encodePassThrough } from '../../nodes/shared/task/passThrough';

/** What a pass-through value looks like after the trip through ToMoviee's `params` string. */
const roundTrip = (value: unknown): unknown => decodePassThrough(encodePassThrough(value));

describe('encodePassThrough', () => {
	it('keeps strings', () => {
		expect(encodePassThrough('row-7')).toBe('row-7');
		expect(encodePassThrough('12')).toBe('12');
	});

	it('JSON-encodes objects and arrays', () => {
		expect(encodePassThrough({ row: 7 })).toBe('{"row":7}');
		expect(encodePassThrough([1, 'a'])).toBe('[1,"a"]');
	});

	it('drops empty values', () => {
		expect(encodePassThrough('')).toBeUndefined();
		expect(encodePassThrough(undefined)).toBeUndefined();
		expect(encodePassThrough(null)).toBeUndefined();
	});
});

describe('decodePassThrough', () => {
	it('decodes pass-through data only when it is a JSON object or array', () => {
		expect(decodePassThrough('{"a":1}')).toEqual({ a: 1 });
		expect(decodePassThrough(' [1] ')).toEqual([1]);
		expect(decodePassThrough('row-7')).toBe('row-7');
		expect(decodePassThrough('{broken')).toBe('{broken');
		expect(decodePassThrough('')).toBeNull();
		expect(decodePassThrough(undefined)).toBeNull();
	});

	it('keeps a value that is not text', () => {
		const object = { a: 1 };
		expect(decodePassThrough(object)).toBe(object);
		expect(decodePassThrough(5)).toBe(5);
	});
});

describe('pass-through round trip', () => {
	it('gives an object back as that object', () => {
		const value = { row: 7, sheet: 'a', nested: { ok: true, list: [1, 2] }, big: '9007199254740993' };
		expect(roundTrip(value)).toEqual(value);
		expect(roundTrip([{ a: 1 }, 'b'])).toEqual([{ a: 1 }, 'b']);
	});

	it.each(['12', 'true', 'false', '9007199254740993', 'null', '3.50', '"quoted"', 'row-7', ' padded '])('gives the string %j back unchanged', (value) => {
		const back = roundTrip(value);
		expect(typeof back).toBe('string');
		expect(back).toBe(value);
	});

	it('gives nothing back for nothing', () => {
		expect(roundTrip(undefined)).toBeNull();
		expect(roundTrip('')).toBeNull();
	});
});
