import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { validateMediaUrl } from '../../../shared/helpers/validation';
import { generationTail, prepareGeneration, promptLabel, promptProperty, readOptions, validatePrompt } from '../generation';
import type { BatchFacts, Operation, PreparedItem } from '../operation';

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
function prepare(this: IExecuteFunctions, itemIndex: number, batch: BatchFacts): PreparedItem {
	const prompt = validatePrompt(this.getNodeParameter('prompt', itemIndex));
	const videoUrl = validateMediaUrl('videoUrl', 'Video URL', this.getNodeParameter('videoUrl', itemIndex), VIDEO_EXTENSIONS);
	const options = readOptions(this, itemIndex);
	return prepareGeneration(itemIndex, batch, options, {
		capability: CAPABILITY,
		fields: { prompt, file_link: videoUrl },
		parameterOf: { prompt: 'Prompt', file_link: 'Video URL' },
		inputs: { prompt, videoUrl },
		fileLabel: 'soundtrack',
		label: `video ${videoUrl} with ${promptLabel(prompt)}`,
	});
}

export const videoSoundtrack: Operation = { description, canParkForCallbacks: true, prepare };
