import type { INodeProperties } from 'n8n-workflow';

import { recognize } from './recognize.operation';

export const operations = { recognize };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['imageRecognition'] } },
		options: [
			{
				name: 'Recognize',
				value: 'recognize',
				description: 'Extract an edge, pose, subject or depth mask from an image',
				action: 'Extract a mask from an image',
			},
		],
		default: 'recognize',
	},
	...recognize.description,
];
