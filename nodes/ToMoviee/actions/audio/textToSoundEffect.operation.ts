import { generationOperation, isSet, validateInteger, durationProperty } from '../generation';

export const textToSoundEffect = generationOperation({
	resource: 'audio',
	operation: 'textToSoundEffect',
	capability: 'tm_text2sfx',
	fileLabel: 'sound',
	menu: {
		name: 'Text to Sound Effect',
		description: 'Make a sound effect (5-180 seconds) from a text prompt',
		action: 'Generate a sound effect from text',
	},
	prompt: {
		description: 'The sound to make: subject, then scene, mood or style',
		placeholder: 'e.g. Heavy rain on a tin roof with distant thunder',
	},
	properties: [
		durationProperty(
			{ minValue: 5, maxValue: 180 },
			10,
			'Whole seconds, 5-180',
			'Length of the sound in whole seconds, 5-180: 5-10 for single events, 10-30 for transitions, up to 180 for ambience',
		),
	],
	options: [
		{
			displayName: 'Count',
			name: 'count',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 4 },
			default: 1,
			description: "How many variants to make from this item, 1-4 (each is a result file). Not set: ToMoviee's default.",
		},
	],
	parameterOf: { duration: 'Duration (Seconds)', qty: 'Count' },
	read(itemIndex, options) {
		const duration = validateInteger('duration', 'Duration', this.getNodeParameter('duration', itemIndex), 5, 180);
		const count = isSet(options.count) ? validateInteger('count', 'Count', options.count, 1, 4) : undefined;
		return { fields: { duration, ...(count !== undefined ? { qty: count } : {}) } };
	},
});
