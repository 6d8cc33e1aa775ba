import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { validateMediaUrl } from '../../../shared/helpers/validation';
import { type GenerationItem, generationOperation, generationTail, promptLabel, promptProperty, validatePrompt } from '../generation';
import { FRAME_EXTENSIONS, RATIOS_WITH_ORIGINAL, readVideoFields, VIDEO_PARAMETERS, VIDEO_PROMPT_MAX, videoOptions } from './videoOptions';

const CAPABILITY = 'tm_img2video_b';

const properties: INodeProperties[] = [
	promptProperty(
		'How the image comes to life, up to 1000 characters: the subject and its motion, the background and its motion',
		'e.g. The woman turns her head and smiles, leaves drift in the wind behind her',
	),
	{
		displayName: 'Image URL',
		name: 'imageUrl',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'https://example.com/still.jpg',
		description: 'Public http(s) URL of the image to animate (jpg, png or webp, under 200 MB; short side over 720 px recommended)',
	},
	...generationTail(videoOptions(RATIOS_WITH_ORIGINAL)),
];

export const description = updateDisplayOptions({ show: { resource: ['video'], operation: ['imageToVideo'] } }, properties);

function read(this: IExecuteFunctions, itemIndex: number, options: IDataObject): GenerationItem {
	const prompt = validatePrompt(this.getNodeParameter('prompt', itemIndex), VIDEO_PROMPT_MAX);
	const imageUrl = validateMediaUrl('imageUrl', 'Image URL', this.getNodeParameter('imageUrl', itemIndex), FRAME_EXTENSIONS);
	return {
		fields: {
			prompt,
			image: imageUrl,
			...readVideoFields(options, RATIOS_WITH_ORIGINAL),
		},
		inputs: { prompt, imageUrl },
		label: `image ${imageUrl} with ${promptLabel(prompt)}`,
	};
}

export const imageToVideo = generationOperation(
	{
		capability: CAPABILITY,
		fileLabel: 'video',
		parameterOf: { ...VIDEO_PARAMETERS, image: 'Image URL' },
		menu: {
			name: 'Image to Video',
			description: 'Animate a still image into a 5-second video',
			action: 'Generate a video from an image',
		},
		description,
	},
	read,
);
