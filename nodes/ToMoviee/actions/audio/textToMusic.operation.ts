import { InputError, parseBoolean } from '../../../shared/parameters/validation';
import { generationOperation, isSet, validateInteger, durationProperty } from '../generation';

/** The vendor page: "greater than 0 and less than 95" seconds. */
const MAX_SECONDS = 95;

function readDuration(value: unknown): number {
	const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	if (typeof number !== 'number' || !Number.isFinite(number) || number <= 0 || number >= MAX_SECONDS) {
		throw new InputError('duration', `Duration must be more than 0 and less than ${MAX_SECONDS} seconds, got "${String(value)}"`);
	}
	return number;
}

export const textToMusic = generationOperation({
	resource: 'audio',
	operation: 'textToMusic',
	capability: 'tm_text2music',
	fileLabel: 'music',
	menu: {
		name: 'Text to Music',
		description: 'Make 1-4 original music tracks (up to 95 seconds) from a text prompt',
		action: 'Generate music from text',
	},
	prompt: {
		description: 'The music to make: subject, then scene, mood or style. ToMoviee reads fewer than 77 tokens and cuts the rest.',
		placeholder: 'e.g. Upbeat acoustic folk for a summer road trip, warm and carefree',
		hint: 'Fewer than 77 tokens (about 50 words): ToMoviee cuts the rest',
	},
	properties: [
		durationProperty(
			{ minValue: 0.1, maxValue: 94.9, numberPrecision: 1 },
			30,
			'Seconds: more than 0 and less than 95',
			'Length of each track in seconds: more than 0 and less than 95',
		),
		{
			displayName: 'Count',
			name: 'count',
			type: 'number',
			required: true,
			typeOptions: { minValue: 1, maxValue: 4 },
			default: 1,
			hint: '1-4 tracks, each a result file',
			description: 'How many tracks to make from this item, 1-4 (each is a result file)',
		},
	],
	options: [
		{
			displayName: 'Disable Translate',
			name: 'disableTranslate',
			type: 'boolean',
			default: false,
			description: "Whether to send the prompt as written; off (ToMoviee's default), ToMoviee translates it first",
		},
	],
	parameterOf: { duration: 'Duration (Seconds)', qty: 'Count', disable_translate: 'Disable Translate' },
	read(itemIndex, options) {
		const duration = readDuration(this.getNodeParameter('duration', itemIndex));
		const count = validateInteger('count', 'Count', this.getNodeParameter('count', itemIndex), 1, 4);
		const disableTranslate = isSet(options.disableTranslate)
			? parseBoolean('disableTranslate', 'Disable Translate', options.disableTranslate)
			: undefined;
		return {
			fields: { duration, qty: count, ...(disableTranslate !== undefined ? { disable_translate: disableTranslate } : {}) },
		};
	},
});
