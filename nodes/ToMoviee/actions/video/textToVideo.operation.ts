import { generationOperation } from '../generation';
import { RATIOS, readVideoFields, VIDEO_PARAMETERS, VIDEO_PROMPT_MAX, videoOptions } from './videoOptions';

export const textToVideo = generationOperation({
	resource: 'video',
	operation: 'textToVideo',
	capability: 'tm_text2video_b',
	fileLabel: 'video',
	menu: {
		name: 'Text to Video',
		description: 'Make a 5-second video from a text prompt',
		action: 'Generate a video from text',
	},
	prompt: {
		description:
			'What the 5-second video shows, up to 1000 characters: subject and its description, motion, scene, then camera, light and mood',
		placeholder: 'e.g. A red fox trots through fresh snow at dawn, slow tracking shot, soft golden light',
		maxLength: VIDEO_PROMPT_MAX,
		hint: 'Up to 1000 characters. The video is 5 seconds long.',
	},
	options: videoOptions(RATIOS),
	parameterOf: VIDEO_PARAMETERS,
	read(_itemIndex, options) {
		return { fields: readVideoFields(options, RATIOS) };
	},
});
