import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { generationTail, isSet, prepareGeneration, promptLabel, promptProperty, readOptions, validateInteger, validatePrompt } from '../generation';
import type { BatchFacts, Operation, PreparedItem } from '../operation';

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
			description: 'How many variants to make from this item, 1-4 (each is a result file). Not set: ToMoviee\'s default.',
		},
	]),
];

export const description = updateDisplayOptions({ show: { resource: ['audio'], operation: ['textToSoundEffect'] } }, properties);

function prepare(this: IExecuteFunctions, itemIndex: number, batch: BatchFacts): PreparedItem {
	const prompt = validatePrompt(this.getNodeParameter('prompt', itemIndex));
	const duration = validateInteger('duration', 'Duration', this.getNodeParameter('duration', itemIndex), 5, 180);
	const options = readOptions(this, itemIndex);
	const count = isSet(options.count) ? validateInteger('count', 'Count', options.count, 1, 4) : undefined;
	return prepareGeneration(itemIndex, batch, options, {
		capability: CAPABILITY,
		fields: { prompt, duration, ...(count !== undefined ? { qty: count } : {}) },
		parameterOf: { prompt: 'Prompt', duration: 'Duration (Seconds)', qty: 'Count' },
		inputs: { prompt },
		fileLabel: 'sound',
		label: promptLabel(prompt),
	});
}

export const textToSoundEffect: Operation = { description, canParkForCallbacks: true, prepare };
