import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { type GenerationItem, generationOperation, generationTail, promptLabel, promptProperty, validatePrompt } from '../generation';
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

function read(this: IExecuteFunctions, itemIndex: number, options: IDataObject): GenerationItem {
	const prompt = validatePrompt(this.getNodeParameter('prompt', itemIndex), VIDEO_PROMPT_MAX);
	return {
		fields: { prompt, ...readVideoFields(options, RATIOS) },
		inputs: { prompt },
		label: promptLabel(prompt),
	};
}

export const textToVideo = generationOperation(
	{
		capability: CAPABILITY,
		fileLabel: 'video',
		parameterOf: VIDEO_PARAMETERS,
		menu: {
			name: 'Text to Video',
			description: 'Make a 5-second video from a text prompt',
			action: 'Generate a video from text',
		},
		description,
	},
	read,
);
