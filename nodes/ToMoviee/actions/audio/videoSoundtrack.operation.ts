import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { validateMediaUrl } from '../../../shared/helpers/validation';
import { type GenerationItem, generationOperation, generationTail, promptLabel, promptProperty, validatePrompt } from '../generation';

const CAPABILITY = 'tm_video_scoring';
/** The vendor page: MP4, MOV, AVI, M4V, MKV, TS, FLV, MPG and MPEG-2. */
const VIDEO_EXTENSIONS = ['mp4', 'mov', 'avi', 'm4v', 'mkv', 'ts', 'flv', 'mpg', 'mpeg', 'm2v'];

const properties: INodeProperties[] = [
	promptProperty(
		'The style of the background music (fewer than 77 tokens recommended)',
		'e.g. Calm piano with soft strings, building gently towards the end',
	),
	{
		displayName: 'Video URL',
		name: 'videoUrl',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'https://example.com/clip.mp4',
		description:
			'Public http(s) URL of the video to score: mp4, mov, avi, m4v, mkv, ts, flv, mpg or MPEG-2, up to 120 MB and 95 seconds, 360p-1080p, 15-60 fps',
	},
	...generationTail([]),
];

export const description = updateDisplayOptions({ show: { resource: ['audio'], operation: ['videoSoundtrack'] } }, properties);

/** The result key is unverified (audio_path, or video_path for the video with its music): both are read. */
function read(this: IExecuteFunctions, itemIndex: number): GenerationItem {
	const prompt = validatePrompt(this.getNodeParameter('prompt', itemIndex));
	const videoUrl = validateMediaUrl('videoUrl', 'Video URL', this.getNodeParameter('videoUrl', itemIndex), VIDEO_EXTENSIONS);
	return {
		fields: { prompt, file_link: videoUrl },
		inputs: { prompt, videoUrl },
		label: `video ${videoUrl} with ${promptLabel(prompt)}`,
	};
}

export const videoSoundtrack = generationOperation(
	{
		capability: CAPABILITY,
		fileLabel: 'soundtrack',
		parameterOf: { prompt: 'Prompt', file_link: 'Video URL' },
		menu: {
			name: 'Video Soundtrack',
			description: 'Make background music that fits a video',
			action: 'Generate a soundtrack for a video',
		},
		description,
	},
	read,
);
