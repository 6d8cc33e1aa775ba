import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { generationTail, prepareGeneration, promptLabel, promptProperty, readOptions, validatePrompt } from '../generation';
import type { BatchFacts, Operation, PreparedItem } from '../operation';
import { RATIOS, readVideoFields, VIDEO_PARAMETERS, VIDEO_PROMPT_MAX, videoOptions } from './videoOptions';

const CAPABILITY = 'tm_text2video_b';

const properties: INodeProperties[] = [
	promptProperty(
		'What the 5-second video shows, up to 1000 characters: subject and its description, motion, scene, then camera, light and mood',
		'e.g. A red fox trots through fresh snow at dawn, slow tracking shot, soft golden light',
	),
	...generationTail(videoOptions(RATIOS)),
];

export const description = updateDisplayOptions({ show: { resource: ['video'], operation: ['textToVideo'] } }, properties);

function prepare(this: IExecuteFunctions, itemIndex: number, batch: BatchFacts): PreparedItem {
	const prompt = validatePrompt(this.getNodeParameter('prompt', itemIndex), VIDEO_PROMPT_MAX);
	const options = readOptions(this, itemIndex);
	return prepareGeneration(itemIndex, batch, options, {
		capability: CAPABILITY,
		fields: { prompt, ...readVideoFields(options, RATIOS) },
		parameterOf: VIDEO_PARAMETERS,
		inputs: { prompt },
		fileLabel: 'video',
		label: promptLabel(prompt),
	});
}

export const textToVideo: Operation = { description, canParkForCallbacks: true, prepare };
