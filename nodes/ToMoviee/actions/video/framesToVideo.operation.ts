import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { validateMediaUrl } from '../../../shared/helpers/validation';
import { type GenerationItem, generationOperation, generationTail, promptLabel, promptProperty, validatePrompt } from '../generation';
import { FRAME_EXTENSIONS, RATIOS_WITH_ORIGINAL, readVideoFields, VIDEO_PARAMETERS, VIDEO_PROMPT_MAX, videoOptions } from './videoOptions';

const CAPABILITY = 'tm_tail2video_b';

const properties: INodeProperties[] = [
	promptProperty(
		'How the video moves from the first frame to the last, up to 1000 characters',
		'e.g. The flower bud slowly opens into full bloom, static camera',
	),
	{
		displayName: 'First Frame URL',
		name: 'imageUrl',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'https://example.com/first.jpg',
		description: 'Public http(s) URL of the image the video starts with (jpg, png or webp, under 200 MB, at least 720p recommended)',
	},
	{
		displayName: 'Last Frame URL',
		name: 'lastFrameUrl',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'https://example.com/last.jpg',
		description: 'Public http(s) URL of the image the video ends with (same formats as the first frame)',
	},
	...generationTail(videoOptions(RATIOS_WITH_ORIGINAL)),
];

export const description = updateDisplayOptions({ show: { resource: ['video'], operation: ['framesToVideo'] } }, properties);

function read(this: IExecuteFunctions, itemIndex: number, options: IDataObject): GenerationItem {
	const prompt = validatePrompt(this.getNodeParameter('prompt', itemIndex), VIDEO_PROMPT_MAX);
	const imageUrl = validateMediaUrl('imageUrl', 'First Frame URL', this.getNodeParameter('imageUrl', itemIndex), FRAME_EXTENSIONS);
	const lastFrameUrl = validateMediaUrl(
		'lastFrameUrl',
		'Last Frame URL',
		this.getNodeParameter('lastFrameUrl', itemIndex),
		FRAME_EXTENSIONS,
	);
	return {
		fields: {
			prompt,
			image: imageUrl,
			image_tail: lastFrameUrl,
			...readVideoFields(options, RATIOS_WITH_ORIGINAL),
		},
		inputs: { prompt, imageUrl, lastFrameUrl },
		label: `frames ${imageUrl} to ${lastFrameUrl} with ${promptLabel(prompt)}`,
	};
}

export const framesToVideo = generationOperation(
	{
		capability: CAPABILITY,
		fileLabel: 'video',
		parameterOf: {
			...VIDEO_PARAMETERS,
			image: 'First Frame URL',
			image_tail: 'Last Frame URL',
		},
		menu: {
			name: 'First and Last Frame to Video',
			description: 'Make a 5-second video that moves from a first frame to a last frame',
			action: 'Generate a video between two frames',
		},
		description,
	},
	read,
);
