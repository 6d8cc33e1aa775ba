import type { INodeProperties } from 'n8n-workflow';

import { CONTROL_TYPES } from '../../../shared/task/controlTypes';
import { validateChoice, validateMediaUrl, validateNumberInRange } from '../../../shared/parameters/validation';
import { controlTypeProperty } from '../common.description';
import { generationOperation, isSet, urlProperty, validateInteger } from '../generation';

/** ToMoviee needs init_image in subject mode; the official client sends the reference image then. */
const SUBJECT = '2';
const IMAGE_EXTENSIONS = ['jpg', 'jpeg', 'png', 'webp'];

const PARAMETERS: Record<string, string> = {
	reference_image: 'Reference Image URL',
	control_type: 'Control Type',
	control_intensity: 'Control Intensity',
	width: 'Width',
	height: 'Height',
	batch_size: 'Batch Size',
	init_image: 'Init Image URL',
};

const sizeProperty = (displayName: 'Width' | 'Height'): INodeProperties => ({
	displayName,
	name: displayName.toLowerCase(),
	type: 'number',
	typeOptions: { minValue: 512, maxValue: 2048 },
	default: 1024,
	hint: 'Pixels, 512-2048',
	description: `${displayName} of the generated image in pixels, 512-2048`,
});

const properties: INodeProperties[] = [
	urlProperty(
		'Reference Image URL',
		'referenceImageUrl',
		'https://cdn.example.com/poses/dancer.jpg',
		'Public http(s) URL of the image whose edges, pose, subject or depth the new image follows',
	),
	controlTypeProperty('What the new image takes from the reference image', {
		'0': 'Follows the outlines and edges of the reference (sketch to image)',
		'1': 'Follows the body poses of the people in the reference (pose to image)',
		'2': 'Keeps the main subject or character of the reference (subject to image)',
		'3': 'Follows the near-far layout of the reference (depth to image)',
	}),
	{
		displayName: 'Control Intensity',
		name: 'controlIntensity',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 1, numberPrecision: 2 },
		default: 0.5,
		hint: 'From 0 (loosely) to 1 (closely)',
		description: 'How strictly the new image follows the reference, from 0 (loosely) to 1 (closely)',
	},
	sizeProperty('Width'),
	sizeProperty('Height'),
	{
		displayName: 'Batch Size',
		name: 'batchSize',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 4 },
		default: 1,
		hint: '1-4 images, each a result file',
		description: 'How many images to make from this item, 1-4 (each is a result file)',
	},
];

export const referenceToImage = generationOperation({
	resource: 'image',
	operation: 'referenceToImage',
	capability: 'tm_reference_img2img',
	fileLabel: 'image',
	menu: {
		name: 'Reference to Image',
		description: 'Make 1-4 new images that follow the edges, pose, subject or depth of a reference image',
		action: 'Generate images from a reference image',
	},
	prompt: {
		description: 'What the new image shows: the reference, what to keep from it, then what to change or add',
		placeholder: 'e.g. The same dancer in a neon-lit city street at night, keep the pose',
	},
	properties,
	options: [
		urlProperty(
			'Init Image URL',
			'initImageUrl',
			'https://cdn.example.com/poses/dancer-start.jpg',
			'Image to start from (init_image). Control type Subject needs one: when empty, the reference image is sent.',
			false,
		),
	],
	parameterOf: PARAMETERS,
	read(itemIndex, options) {
		const referenceImageUrl = validateMediaUrl(
			'referenceImageUrl',
			'Reference Image URL',
			this.getNodeParameter('referenceImageUrl', itemIndex),
			IMAGE_EXTENSIONS,
		);
		const controlType = validateChoice('controlType', 'Control Type', this.getNodeParameter('controlType', itemIndex), CONTROL_TYPES);
		const controlIntensity = validateNumberInRange(
			'controlIntensity',
			'Control Intensity',
			this.getNodeParameter('controlIntensity', itemIndex),
			0,
			1,
		);
		const width = validateInteger('width', 'Width', this.getNodeParameter('width', itemIndex), 512, 2048);
		const height = validateInteger('height', 'Height', this.getNodeParameter('height', itemIndex), 512, 2048);
		const batchSize = validateInteger('batchSize', 'Batch Size', this.getNodeParameter('batchSize', itemIndex), 1, 4);
		const initImage = isSet(options.initImageUrl)
			? validateMediaUrl('initImageUrl', 'Init Image URL', options.initImageUrl, IMAGE_EXTENSIONS)
			: controlType === SUBJECT
				? referenceImageUrl
				: undefined;
		return {
			fields: {
				reference_image: referenceImageUrl,
				control_type: controlType,
				control_intensity: controlIntensity,
				width,
				height,
				batch_size: batchSize,
				...(initImage !== undefined ? { init_image: initImage } : {}),
			},
			inputs: { referenceImageUrl, controlType },
			subject: `reference image ${referenceImageUrl}`,
		};
	},
});

