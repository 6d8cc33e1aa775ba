import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { validateMediaUrl } from '../../../shared/helpers/validation';
import {
	type GenerationItem,
	generationOperation,
	generationTail,
	isSet,
	promptLabel,
	promptProperty,
	validatePrompt,
} from '../generation';

const CAPABILITY = 'tm_redrawing';
/** The official client: jpg/png, 512-2048 px per side, aspect ratio under 3. */
const IMAGE_EXTENSIONS = ['jpg', 'jpeg', 'png'];

const properties: INodeProperties[] = [
	promptProperty(
		'What should appear in the redrawn area: what to find, the new content, its style, and how it blends in',
		'e.g. Replace the sign text with "OPEN DAILY" in the same hand-painted style',
	),
	{
		displayName: 'Image URL',
		name: 'imageUrl',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'https://example.com/photo.png',
		description: 'Public http(s) URL of the image to redraw (jpg or png, each side 512-2048 px, aspect ratio under 3)',
	},
	...generationTail([
		{
			displayName: 'Mask URL',
			name: 'maskUrl',
			type: 'string',
			default: '',
			placeholder: 'https://example.com/mask.png',
			description: 'Public http(s) URL of a mask of the same size as the image (jpg or png): white areas are redrawn, black areas kept',
		},
	]),
];

export const description = updateDisplayOptions({ show: { resource: ['image'], operation: ['redraw'] } }, properties);

function read(this: IExecuteFunctions, itemIndex: number, options: IDataObject): GenerationItem {
	const prompt = validatePrompt(this.getNodeParameter('prompt', itemIndex));
	const imageUrl = validateMediaUrl('imageUrl', 'Image URL', this.getNodeParameter('imageUrl', itemIndex), IMAGE_EXTENSIONS);
	const maskUrl = isSet(options.maskUrl) ? validateMediaUrl('maskUrl', 'Mask URL', options.maskUrl, IMAGE_EXTENSIONS) : undefined;
	return {
		fields: {
			prompt,
			init_image: imageUrl,
			...(maskUrl !== undefined ? { mask_url: maskUrl } : {}),
		},
		inputs: { prompt, imageUrl, ...(maskUrl !== undefined ? { maskUrl } : {}) },
		label: `image ${imageUrl} with ${promptLabel(prompt)}`,
	};
}

export const redraw = generationOperation(
	{
		capability: CAPABILITY,
		fileLabel: 'image',
		parameterOf: {
			prompt: 'Prompt',
			init_image: 'Image URL',
			mask_url: 'Mask URL',
		},
		menu: {
			name: 'Redraw',
			description: 'Repaint part of an image (the white area of a mask) from a prompt',
			action: 'Redraw part of an image',
		},
		description,
	},
	read,
);
