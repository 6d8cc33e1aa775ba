import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { ToMoviee } from '../../nodes/ToMoviee/ToMoviee.node';
import { ToMovieeTrigger } from '../../nodes/ToMovieeTrigger/ToMovieeTrigger.node';
import {
	NUMBER_OPTIONS,
	numberOptionProperty,
	readBooleanOption,
	readDownloadSettings,
	readNumberOption,
	type NumberOptionName,
} from '../../nodes/shared/parameters/options';
import { InputError } from '../../nodes/shared/parameters/validation';

const NAMES = Object.keys(NUMBER_OPTIONS) as NumberOptionName[];
const MB = 1024 * 1024;

/** What the node turns into a NodeOperationError on `field`. */
const inputError = (field: string) => expect.objectContaining({ name: InputError.name, field });

/** Every property of a node description, options and collections included. */
function allProperties(properties: INodeProperties[]): INodeProperties[] {
	return properties.flatMap((property) => {
		const children = (property.options ?? []).filter((option): option is INodeProperties => typeof option === 'object' && 'type' in option);
		return [property, ...allProperties(children)];
	});
}

describe('number options: one table for the UI default and the parser fallback', () => {
	it('covers the options of both nodes with the documented defaults', () => {
		expect(Object.fromEntries(NAMES.map((name) => [name, readNumberOption({}, name)]))).toEqual({
			maxConcurrency: 200,
			maxTries: 4,
			pollInterval: 5,
			requestTimeout: 30,
			timeout: 600,
			maxDownloadSizeMb: 50,
			maxBodySizeKb: 1024,
		});
	});

	it.each(NAMES)('%s: the property default, within its range, is what an unset option reads as; one decimal place for the poll interval only', (name) => {
		const { default: fallback, min, max } = NUMBER_OPTIONS[name];
		const property = numberOptionProperty(name);
		expect(property).toMatchObject({ name, type: 'number', default: fallback, typeOptions: { minValue: min, maxValue: max } });
		expect([{}, { [name]: '' }, { [name]: null }].map((options) => readNumberOption(options, name))).toEqual([fallback, fallback, fallback]);
		expect(fallback).toBeGreaterThanOrEqual(min);
		expect(fallback).toBeLessThanOrEqual(max);
		if (name === 'pollInterval') expect(property.typeOptions).toMatchObject({ numberPrecision: 1 });
		else expect(property.typeOptions).not.toHaveProperty('numberPrecision');
	});

	it("the nodes show the table's defaults and ranges for every number option they have", () => {
		const properties = [...allProperties(new ToMoviee().description.properties), ...allProperties(new ToMovieeTrigger().description.properties)];
		const numbered = properties.filter((property) => (NAMES as string[]).includes(property.name));
		expect(new Set(numbered.map((property) => property.name))).toEqual(new Set(NAMES));
		for (const property of numbered) {
			const name = property.name as NumberOptionName;
			expect(property.default).toBe(readNumberOption({}, name));
			expect(property.typeOptions).toMatchObject({ minValue: NUMBER_OPTIONS[name].min, maxValue: NUMBER_OPTIONS[name].max });
		}
	});
});

describe('readNumberOption: ranges', () => {
	it.each(NAMES)('%s: accepts its bounds and refuses values outside them', (name) => {
		const { min, max } = NUMBER_OPTIONS[name];
		expect([min, max, String(max)].map((value) => readNumberOption({ [name]: value }, name))).toEqual([min, max, max]);
		for (const value of [min - 0.01, max + 1, 'many', Number.NaN]) expect(() => readNumberOption({ [name]: value }, name)).toThrow(inputError(name));
	});

	it('names the option in the message', () => {
		expect(() => readNumberOption({ maxConcurrency: 0 }, 'maxConcurrency')).toThrow('Max Concurrency must be between 1 and 1000, got "0"');
	});

	it('rounds counts down and keeps fractions of the poll interval', () => {
		expect(readNumberOption({ maxConcurrency: 2.7 }, 'maxConcurrency')).toBe(2);
		expect(readNumberOption({ maxTries: '3.9' }, 'maxTries')).toBe(3);
		expect(readNumberOption({ pollInterval: 0.5 }, 'pollInterval')).toBe(0.5);
		expect(readNumberOption({ pollInterval: '2.5' }, 'pollInterval')).toBe(2.5);
	});
});

describe('readBooleanOption', () => {
	const signCallbackUrl = (options: IDataObject) => readBooleanOption(options, 'signCallbackUrl', 'Sign Callback URL', true);

	it('falls back when unset and reads booleans and their text', () => {
		expect([{}, { signCallbackUrl: '' }, { signCallbackUrl: false }, { signCallbackUrl: 'false' }].map(signCallbackUrl)).toEqual([true, true, false, false]);
		expect(() => signCallbackUrl({ signCallbackUrl: 'no' })).toThrow(inputError('signCallbackUrl'));
	});
});

describe('readDownloadSettings', () => {
	it.each([
		['downloads nothing unless asked', {}, undefined],
		['downloads nothing when switched off', { download: false }, undefined],
		['reads no field name when switched off by text', { download: 'false', binaryPropertyName: '__proto__' }, undefined],
		['defaults to the data field and the Max Download Size default', { download: true }, { binaryPropertyName: 'data', maxBytes: 50 * MB }],
		['reads the switch as text', { download: 'true' }, { binaryPropertyName: 'data', maxBytes: 50 * MB }],
		['takes the field name and size from the options', { download: true, binaryPropertyName: ' mask ', maxDownloadSizeMb: 2 }, { binaryPropertyName: 'mask', maxBytes: 2 * MB }],
	])('%s', (_rule, options, settings) => expect(readDownloadSettings(options)).toEqual(settings));

	it.each([
		[{ download: true, binaryPropertyName: '__proto__' }, 'binaryPropertyName'],
		[{ download: true, binaryPropertyName: 'my file' }, 'binaryPropertyName'],
		[{ download: true, maxDownloadSizeMb: 0 }, 'maxDownloadSizeMb'],
		[{ download: true, maxDownloadSizeMb: 2048 }, 'maxDownloadSizeMb'],
		[{ download: 'yes' }, 'download'],
	])('refuses a prototype field name, a size out of range and a non-boolean switch: %j', (options, field) => {
		expect(() => readDownloadSettings(options)).toThrow(inputError(field));
	});
});
