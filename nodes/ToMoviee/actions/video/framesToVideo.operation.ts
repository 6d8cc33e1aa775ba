import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { validateMediaUrl } from '../../../shared/helpers/validation';
import { generationTail, prepareGeneration, promptLabel, promptProperty, readOptions, validatePrompt } from '../generation';
import type { BatchFacts, Operation, PreparedItem } from '../operation';
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

function prepare(this: IExecuteFunctions, itemIndex: number, batch: BatchFacts): PreparedItem {
	const prompt = validatePrompt(this.getNodeParameter('prompt', itemIndex), VIDEO_PROMPT_MAX);
	const imageUrl = validateMediaUrl('imageUrl', 'First Frame URL', this.getNodeParameter('imageUrl', itemIndex), FRAME_EXTENSIONS);
	const lastFrameUrl = validateMediaUrl('lastFrameUrl', 'Last Frame URL', this.getNodeParameter('lastFrameUrl', itemIndex), FRAME_EXTENSIONS);
	const options = readOptions(this, itemIndex);
	return prepareGeneration(itemIndex, batch, options, {
		capability: CAPABILITY,
		fields: { prompt, image: imageUrl, image_tail: lastFrameUrl, ...readVideoFields(options, RATIOS_WITH_ORIGINAL) },
		parameterOf: { ...VIDEO_PARAMETERS, image: 'First Frame URL', image_tail: 'Last Frame URL' },
		inputs: { prompt, imageUrl, lastFrameUrl },
		fileLabel: 'video',
		label: `frames ${imageUrl} to ${lastFrameUrl} with ${promptLabel(prompt)}`,
	});
}

export const framesToVideo: Operation = { description, canParkForCallbacks: true, prepare };
