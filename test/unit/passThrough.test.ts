import { decodePassThrough, encodePassThrough } from '../../nodes/shared/task/passThrough';

/** What a pass-through value looks like after the trip through ToMoviee's `params` string. */
const roundTrip = (value: unknown): unknown => decodePassThrough(encodePassThrough(value));

describe('encodePassThrough', () => {
	it.each([
		['row-7', 'row-7'],
		['12', '12'],
		[{ row: 7 }, '{"row":7}'],
		[[1, 'a'], '[1,"a"]'],
		['', undefined],
		[undefined, undefined],
		[null, undefined],
	])('sends %j as %j (strings kept, objects and arrays as JSON, empty values dropped)', (value, params) => expect(encodePassThrough(value)).toBe(params));
});

describe('decodePassThrough', () => {
	it.each([
		['{"a":1}', { a: 1 }],
		[' [1] ', [1]],
		['row-7', 'row-7'],
		['{broken', '{broken'],
		['', null],
		[undefined, null],
		[5, 5],
	])('reads %j as %j (JSON only for an object or array, a value that is not text kept)', (params, value) => expect(decodePassThrough(params)).toEqual(value));

	it('keeps an object that is not text as it is', () => {
		const object = { a: 1 };
		expect(decodePassThrough(object)).toBe(object);
	});
});

describe('pass-through round trip', () => {
	it('gives an object back as that object', () => {
		const value = { row: 7, sheet: 'a', nested: { ok: true, list: [1, 2] }, big: '9007199254740993' };
		expect(roundTrip(value)).toEqual(value);
		expect(roundTrip([{ a: 1 }, 'b'])).toEqual([{ a: 1 }, 'b']);
	});

	it.each(['12', 'true', 'false', '9007199254740993', 'null', '3.50', '"quoted"', 'row-7', ' padded '])('gives the string %j back unchanged', (value) => {
		expect(roundTrip(value)).toBe(value);
	});

	it('gives nothing back for nothing', () => {
		expect([roundTrip(undefined), roundTrip('')]).toEqual([null, null]);
	});
});
