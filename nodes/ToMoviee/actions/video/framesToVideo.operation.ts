import { validateMediaUrl } from '../../../shared/parameters/validation';
import { generationOperation, urlProperty } from '../generation';
import { FRAME_EXTENSIONS, RATIOS_WITH_ORIGINAL, readVideoFields, VIDEO_PARAMETERS, videoOptions, videoPrompt } from './videoOptions';

export const framesToVideo = generationOperation({
	resource: 'video',
	operation: 'framesToVideo',
	capability: 'tm_tail2video_b',
	fileLabel: 'video',
	menu: {
		name: 'First and Last Frame to Video',
		description: 'Make a 5-second video that moves from a first frame to a last frame',
		action: 'Generate a video between two frames',
	},
	prompt: videoPrompt(
		'How the video moves from the first frame to the last, up to 1000 characters',
		'e.g. The flower bud slowly opens into full bloom, static camera',
	),
	properties: [
		urlProperty(
			'First Frame URL',
			'imageUrl',
			'https://cdn.example.com/frames/flower-bud.jpg',
			'Public http(s) URL of the image the video starts with (jpg, png or webp, under 200 MB, at least 720p recommended)',
		),
		urlProperty(
			'Last Frame URL',
			'lastFrameUrl',
			'https://cdn.example.com/frames/flower-bloom.jpg',
			'Public http(s) URL of the image the video ends with (same formats as the first frame)',
		),
	],
	options: videoOptions(RATIOS_WITH_ORIGINAL),
	parameterOf: { ...VIDEO_PARAMETERS, image: 'First Frame URL', image_tail: 'Last Frame URL' },
	read(itemIndex, options) {
		const imageUrl = validateMediaUrl('imageUrl', 'First Frame URL', this.getNodeParameter('imageUrl', itemIndex), FRAME_EXTENSIONS);
		const lastFrame = this.getNodeParameter('lastFrameUrl', itemIndex);
		const lastFrameUrl = validateMediaUrl('lastFrameUrl', 'Last Frame URL', lastFrame, FRAME_EXTENSIONS);
		return {
			fields: { image: imageUrl, image_tail: lastFrameUrl, ...readVideoFields(options, RATIOS_WITH_ORIGINAL) },
			inputs: { imageUrl, lastFrameUrl },
			subject: `frames ${imageUrl} to ${lastFrameUrl}`,
		};
	},
});
