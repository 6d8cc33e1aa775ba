import type { INodeProperties } from 'n8n-workflow';

import { framesToVideo } from './framesToVideo.operation';
import { imageToVideo } from './imageToVideo.operation';
import { textToVideo } from './textToVideo.operation';

export const operations = { textToVideo, imageToVideo, framesToVideo };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['video'] } },
		options: [
			{
				name: 'First and Last Frame to Video',
				value: 'framesToVideo',
				description: 'Make a 5-second video that moves from a first frame to a last frame',
				action: 'Generate a video between two frames',
			},
			{
				name: 'Image to Video',
				value: 'imageToVideo',
				description: 'Animate a still image into a 5-second video',
				action: 'Generate a video from an image',
			},
			{
				name: 'Text to Video',
				value: 'textToVideo',
				description: 'Make a 5-second video from a text prompt',
				action: 'Generate a video from text',
			},
		],
		default: 'textToVideo',
	},
	...textToVideo.description,
	...imageToVideo.description,
	...framesToVideo.description,
];
