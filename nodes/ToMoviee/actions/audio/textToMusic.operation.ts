import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { InputError, parseBoolean } from '../../../shared/helpers/validation';
import {
	type GenerationItem,
	generationOperation,
	generationTail,
	isSet,
	promptLabel,
	promptProperty,
	validateInteger,
	validatePrompt,
} from '../generation';

const CAPABILITY = 'tm_text2music';
/** The vendor page: "greater than 0 and less than 95" seconds. */
const MAX_SECONDS = 95;

const properties: INodeProperties[] = [
	promptProperty(
		'The music to make: subject, then scene, mood or style. ToMoviee reads fewer than 77 tokens and cuts the rest.',
		'e.g. Upbeat acoustic folk for a summer road trip, warm and carefree',
	),
	{
		displayName: 'Duration (Seconds)',
		name: 'duration',
		type: 'number',
		required: true,
		typeOptions: { minValue: 0.1, maxValue: 94.9, numberPrecision: 1 },
		default: 30,
		description: 'Length of each track in seconds: more than 0 and less than 95',
	},
	{
		displayName: 'Count',
		name: 'count',
		type: 'number',
		required: true,
		typeOptions: { minValue: 1, maxValue: 4 },
		default: 1,
		description: 'How many tracks to make from this item, 1-4 (each is a result file)',
	},
	...generationTail([
		{
			displayName: 'Disable Translate',
			name: 'disableTranslate',
			type: 'boolean',
			default: false,
			description: "Whether to send the prompt as written; off (ToMoviee's default), ToMoviee translates it first",
		},
	]),
];

export const description = updateDisplayOptions({ show: { resource: ['audio'], operation: ['textToMusic'] } }, properties);

function readDuration(value: unknown): number {
	const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	if (typeof number !== 'number' || !Number.isFinite(number) || number <= 0 || number >= MAX_SECONDS) {
		throw new InputError('duration', `Duration must be more than 0 and less than ${MAX_SECONDS} seconds, got "${String(value)}"`);
	}
	return number;
}

function read(this: IExecuteFunctions, itemIndex: number, options: IDataObject): GenerationItem {
	const prompt = validatePrompt(this.getNodeParameter('prompt', itemIndex));
	const duration = readDuration(this.getNodeParameter('duration', itemIndex));
	const count = validateInteger('count', 'Count', this.getNodeParameter('count', itemIndex), 1, 4);
	const disableTranslate = isSet(options.disableTranslate)
		? parseBoolean('disableTranslate', 'Disable Translate', options.disableTranslate)
		: undefined;
	return {
		fields: {
			prompt,
			duration,
			qty: count,
			...(disableTranslate !== undefined ? { disable_translate: disableTranslate } : {}),
		},
		inputs: { prompt },
		label: promptLabel(prompt),
	};
}

export const textToMusic = generationOperation(
	{
		capability: CAPABILITY,
		fileLabel: 'music',
		parameterOf: {
			prompt: 'Prompt',
			duration: 'Duration (Seconds)',
			qty: 'Count',
			disable_translate: 'Disable Translate',
		},
		menu: {
			name: 'Text to Music',
			description: 'Make 1-4 original music tracks (up to 95 seconds) from a text prompt',
			action: 'Generate music from text',
		},
		description,
	},
	read,
);
