import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

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

const CAPABILITY = 'tm_text2sfx';

const properties: INodeProperties[] = [
	promptProperty('The sound to make: subject, then scene, mood or style', 'e.g. Heavy rain on a tin roof with distant thunder'),
	{
		displayName: 'Duration (Seconds)',
		name: 'duration',
		type: 'number',
		required: true,
		typeOptions: { minValue: 5, maxValue: 180 },
		default: 10,
		description: 'Length of the sound in whole seconds, 5-180: 5-10 for single events, 10-30 for transitions, up to 180 for ambience',
	},
	...generationTail([
		{
			displayName: 'Count',
			name: 'count',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 4 },
			default: 1,
			description: "How many variants to make from this item, 1-4 (each is a result file). Not set: ToMoviee's default.",
		},
	]),
];

export const description = updateDisplayOptions({ show: { resource: ['audio'], operation: ['textToSoundEffect'] } }, properties);

function read(this: IExecuteFunctions, itemIndex: number, options: IDataObject): GenerationItem {
	const prompt = validatePrompt(this.getNodeParameter('prompt', itemIndex));
	const duration = validateInteger('duration', 'Duration', this.getNodeParameter('duration', itemIndex), 5, 180);
	const count = isSet(options.count) ? validateInteger('count', 'Count', options.count, 1, 4) : undefined;
	return {
		fields: {
			prompt,
			duration,
			...(count !== undefined ? { qty: count } : {}),
		},
		inputs: { prompt },
		label: promptLabel(prompt),
	};
}

export const textToSoundEffect = generationOperation(
	{
		capability: CAPABILITY,
		fileLabel: 'sound',
		parameterOf: {
			prompt: 'Prompt',
			duration: 'Duration (Seconds)',
			qty: 'Count',
		},
		menu: {
			name: 'Text to Sound Effect',
			description: 'Make a sound effect (5-180 seconds) from a text prompt',
			action: 'Generate a sound effect from text',
		},
		description,
	},
	read,
);
