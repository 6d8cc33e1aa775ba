import type { INodeProperties } from 'n8n-workflow';

import { textToMusic } from './textToMusic.operation';
import { textToSoundEffect } from './textToSoundEffect.operation';
import { videoSoundtrack } from './videoSoundtrack.operation';

export const operations = { textToMusic, textToSoundEffect, videoSoundtrack };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['audio'] } },
		options: [
			{
				name: 'Text to Music',
				value: 'textToMusic',
				description: 'Make 1-4 original music tracks (up to 95 seconds) from a text prompt',
				action: 'Generate music from text',
			},
			{
				name: 'Text to Sound Effect',
				value: 'textToSoundEffect',
				description: 'Make a sound effect (5-180 seconds) from a text prompt',
				action: 'Generate a sound effect from text',
			},
			{
				name: 'Video Soundtrack',
				value: 'videoSoundtrack',
				description: 'Make background music that fits a video',
				action: 'Generate a soundtrack for a video',
			},
		],
		default: 'textToMusic',
	},
	...textToMusic.description,
	...textToSoundEffect.description,
	...videoSoundtrack.description,
];
