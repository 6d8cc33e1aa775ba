import type { INodeProperties } from 'n8n-workflow';

import { redraw } from './redraw.operation';
import { referenceToImage } from './referenceToImage.operation';

export const operations = { referenceToImage, redraw };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['image'] } },
		options: [
			{
				name: 'Redraw',
				value: 'redraw',
				description: 'Repaint part of an image (the white area of a mask) from a prompt',
				action: 'Redraw part of an image',
			},
			{
				name: 'Reference to Image',
				value: 'referenceToImage',
				description: 'Make 1-4 new images that follow the edges, pose, subject or depth of a reference image',
				action: 'Generate images from a reference image',
			},
		],
		default: 'referenceToImage',
	},
	...referenceToImage.description,
	...redraw.description,
];
