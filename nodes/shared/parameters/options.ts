import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { InputError, parseBoolean, validateBinaryPropertyName, validateNumberInRange } from './validation';

interface NumberOptionDefinition {
	displayName: string;
	default: number;
	min: number;
	max: number;
	/** Whole numbers only (counts); otherwise one decimal place is shown. */
	integer?: boolean;
	description: string;
}

/** Every number option of both nodes: the UI default and the parser's fallback are one value. */
export const NUMBER_OPTIONS = {
	maxConcurrency: {
		displayName: 'Max Concurrency',
		default: 200,
		min: 1,
		max: 1000,
		integer: true,
		description:
			'The most requests in flight at once for the whole batch (read from the first item). The node starts with 50 (or this value if lower), doubles while ToMoviee keeps up, and halves when ToMoviee answers 429.',
	},
	maxTries: {
		displayName: 'Max Tries',
		default: 4,
		min: 1,
		max: 10,
		integer: true,
		description:
			'How many times one request is tried when ToMoviee answers 429/503 or cannot be reached; status look-ups and downloads are also retried on 502/504 and dropped connections (read from the first item)',
	},
	pollInterval: {
		displayName: 'Poll Interval (Seconds)',
		default: 5,
		min: 0.1,
		max: 3600,
		description:
			'Longest pause between two status checks of a task while polling. The first tasks are checked after at most one second, then the pause doubles up to this value; the others once the first ones show how long tasks take.',
	},
	requestTimeout: {
		displayName: 'Request Timeout (Seconds)',
		default: 30,
		min: 1,
		max: 600,
		integer: true,
		description: 'How long one HTTP request to ToMoviee (or one download) may take before it counts as failed',
	},
	timeout: {
		displayName: 'Timeout (Seconds)',
		default: 600,
		min: 1,
		max: 86400,
		integer: true,
		description:
			'How long to wait for the tasks to end. A task still running then becomes an error naming its task ID (the task may still finish: look it up later with Task > Get).',
	},
	maxDownloadSizeMb: {
		displayName: 'Max Download Size (MB)',
		default: 50,
		min: 1,
		max: 1024,
		integer: true,
		description:
			'Result files larger than this fail the item instead of filling memory; the download stops as soon as the limit is passed. Videos are much larger than images: raise it for video tasks.',
	},
	maxBodySizeKb: {
		displayName: 'Max Body Size (KB)',
		default: 1024,
		min: 1,
		max: 16384,
		integer: true,
		description: 'Larger callbacks are refused with HTTP 413',
	},
} satisfies Record<string, NumberOptionDefinition>;

export type NumberOptionName = keyof typeof NUMBER_OPTIONS;

export function numberOptionProperty(name: NumberOptionName): INodeProperties {
	const definition: NumberOptionDefinition = NUMBER_OPTIONS[name];
	const { default: defaultValue } = definition;
	return {
		displayName: definition.displayName,
		name,
		type: 'number',
		typeOptions: {
			minValue: definition.min,
			maxValue: definition.max,
			...(definition.integer ? {} : { numberPrecision: 1 }),
		},
		default: defaultValue,
		description: definition.description,
	};
}

export function readNumberOption(options: IDataObject, name: NumberOptionName): number {
	const definition: NumberOptionDefinition = NUMBER_OPTIONS[name];
	const value = options[name];
	if (value === undefined || value === null || value === '') return definition.default;
	const number = validateNumberInRange(name, definition.displayName, value, definition.min, definition.max);
	return definition.integer ? Math.floor(number) : number;
}

export function readBooleanOption(options: IDataObject, name: string, label: string, fallback: boolean): boolean {
	const value = options[name];
	return value === undefined || value === null || value === '' ? fallback : parseBoolean(name, label, value);
}

/** Where and how large the result files of one item may be, when it wants them as binary. */
export interface DownloadSettings {
	binaryPropertyName: string;
	maxBytes: number;
}

export function readDownloadSettings(options: IDataObject): DownloadSettings | undefined {
	if (!readBooleanOption(options, 'download', 'Download Result Files', false)) return undefined;
	return {
		binaryPropertyName: validateBinaryPropertyName(options.binaryPropertyName ?? 'data'),
		maxBytes: readNumberOption(options, 'maxDownloadSizeMb') * 1024 * 1024,
	};
}

/** A text option that must be one of a few words, e.g. Wait Method. */
export function readWord<T extends string>(field: string, label: string, value: unknown, allowed: readonly T[], fallback: T): T {
	if (value === undefined || value === null || value === '') return fallback;
	if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
	throw new InputError(field, `${label} must be ${allowed.map((v) => `"${v}"`).join(' or ')}, got "${String(value)}"`);
}
