import type { INodeProperties } from 'n8n-workflow';

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

function fieldOf(action: () => unknown): string {
	try {
		action();
	} catch (error) {
		expect(error).toBeInstanceOf(InputError);
		return (error as InputError).field;
	}
	throw new Error('expected an InputError');
}

/** Every property of a node description, options and collections included. */
function allProperties(properties: INodeProperties[]): INodeProperties[] {
	return properties.flatMap((property) => {
		const children = (property.options ?? []).filter((option): option is INodeProperties => typeof option === 'object' && 'type' in option);
		return [property, ...allProperties(children)];
	});
}

describe('number options: one table for the UI default and the parser fallback', () => {
	it('covers the options of both nodes', () => {
		expect(NAMES.sort()).toEqual(['maxBodySizeKb', 'maxConcurrency', 'maxDownloadSizeMb', 'maxTries', 'pollInterval', 'requestTimeout', 'timeout']);
	});

	it.each(NAMES)('%s: the property default is what an unset option reads as', (name) => {
		const property = numberOptionProperty(name);
		expect(property.name).toBe(name);
		expect(property.type).toBe('number');
		expect(property.default).toBe(readNumberOption({}, name));
		expect(property.default).toBe(NUMBER_OPTIONS[name].default);
		expect(readNumberOption({ [name]: '' }, name)).toBe(property.default);
		expect(readNumberOption({ [name]: null }, name)).toBe(property.default);
		expect(property.typeOptions).toMatchObject({ minValue: NUMBER_OPTIONS[name].min, maxValue: NUMBER_OPTIONS[name].max });
	});

	it.each(NAMES)('%s: the default lies within its range', (name) => {
		const { default: fallback, min, max } = NUMBER_OPTIONS[name];
		expect(fallback).toBeGreaterThanOrEqual(min);
		expect(fallback).toBeLessThanOrEqual(max);
	});

	it('the nodes show the table\'s defaults and ranges for every number option they have', () => {
		const properties = [...allProperties(new ToMoviee().description.properties), ...allProperties(new ToMovieeTrigger().description.properties)];
		const numbered = properties.filter((property) => (NAMES as string[]).includes(property.name));
		expect(new Set(numbered.map((property) => property.name))).toEqual(new Set(NAMES));
		for (const property of numbered) {
			const name = property.name as NumberOptionName;
			expect(property.default).toBe(readNumberOption({}, name));
			expect(property.typeOptions).toMatchObject({ minValue: NUMBER_OPTIONS[name].min, maxValue: NUMBER_OPTIONS[name].max });
		}
	});

	it('shows one decimal place only for the poll interval', () => {
		expect(numberOptionProperty('pollInterval').typeOptions).toMatchObject({ numberPrecision: 1 });
		for (const name of NAMES.filter((n) => n !== 'pollInterval')) expect(numberOptionProperty(name).typeOptions).not.toHaveProperty('numberPrecision');
	});

	it('has the documented defaults', () => {
		expect(NAMES.map((name) => [name, readNumberOption({}, name)])).toEqual(
			expect.arrayContaining([
				['maxConcurrency', 200],
				['maxTries', 4],
				['pollInterval', 5],
				['requestTimeout', 30],
				['timeout', 600],
				['maxDownloadSizeMb', 50],
				['maxBodySizeKb', 1024],
			]),
		);
	});
});

describe('readNumberOption: ranges', () => {
	it.each(NAMES)('%s: accepts its bounds and refuses values outside them', (name) => {
		const { min, max } = NUMBER_OPTIONS[name];
		expect(readNumberOption({ [name]: min }, name)).toBe(min);
		expect(readNumberOption({ [name]: max }, name)).toBe(max);
		expect(readNumberOption({ [name]: String(max) }, name)).toBe(max);
		expect(fieldOf(() => readNumberOption({ [name]: min - 0.01 }, name))).toBe(name);
		expect(fieldOf(() => readNumberOption({ [name]: max + 1 }, name))).toBe(name);
		expect(fieldOf(() => readNumberOption({ [name]: 'many' }, name))).toBe(name);
		expect(fieldOf(() => readNumberOption({ [name]: Number.NaN }, name))).toBe(name);
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
	it('falls back when unset and reads booleans and their text', () => {
		expect(readBooleanOption({}, 'signCallbackUrl', 'Sign Callback URL', true)).toBe(true);
		expect(readBooleanOption({ signCallbackUrl: '' }, 'signCallbackUrl', 'Sign Callback URL', true)).toBe(true);
		expect(readBooleanOption({ signCallbackUrl: false }, 'signCallbackUrl', 'Sign Callback URL', true)).toBe(false);
		expect(readBooleanOption({ signCallbackUrl: 'false' }, 'signCallbackUrl', 'Sign Callback URL', true)).toBe(false);
		expect(fieldOf(() => readBooleanOption({ signCallbackUrl: 'no' }, 'signCallbackUrl', 'Sign Callback URL', true))).toBe('signCallbackUrl');
	});
});

describe('readDownloadSettings', () => {
	it('downloads nothing unless asked', () => {
		expect(readDownloadSettings({})).toBeUndefined();
		expect(readDownloadSettings({ download: false })).toBeUndefined();
		expect(readDownloadSettings({ download: 'false', binaryPropertyName: '__proto__' })).toBeUndefined();
	});

	it('defaults to the data field and the Max Download Size default', () => {
		expect(readDownloadSettings({ download: true })).toEqual({ binaryPropertyName: 'data', maxBytes: 50 * MB });
		expect(readDownloadSettings({ download: 'true' })).toEqual({ binaryPropertyName: 'data', maxBytes: 50 * MB });
	});

	it('takes the field name and size from the options', () => {
		expect(readDownloadSettings({ download: true, binaryPropertyName: ' mask ', maxDownloadSizeMb: 2 })).toEqual({ binaryPropertyName: 'mask', maxBytes: 2 * MB });
	});

	it('refuses a prototype field name, a size out of range and a non-boolean switch', () => {
		expect(fieldOf(() => readDownloadSettings({ download: true, binaryPropertyName: '__proto__' }))).toBe('binaryPropertyName');
		expect(fieldOf(() => readDownloadSettings({ download: true, binaryPropertyName: 'my file' }))).toBe('binaryPropertyName');
		expect(fieldOf(() => readDownloadSettings({ download: true, maxDownloadSizeMb: 0 }))).toBe('maxDownloadSizeMb');
		expect(fieldOf(() => readDownloadSettings({ download: true, maxDownloadSizeMb: 2048 }))).toBe('maxDownloadSizeMb');
		expect(fieldOf(() => readDownloadSettings({ download: 'yes' }))).toBe('download');
	});
});
