import { generationOperation } from '../generation';
import { RATIOS, readVideoFields, VIDEO_PARAMETERS, videoOptions, videoPrompt } from './videoOptions';

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
	prompt: videoPrompt(
		'What the 5-second video shows, up to 1000 characters: subject and its description, motion, scene, then camera, light and mood',
		'e.g. A red fox trots through fresh snow at dawn, slow tracking shot, soft golden light',
	),
	options: videoOptions(RATIOS),
	parameterOf: VIDEO_PARAMETERS,
	read(_itemIndex, options) {
		return { fields: readVideoFields(options, RATIOS) };
	},
});
