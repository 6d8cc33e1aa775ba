import { validateMediaUrl } from '../../../shared/parameters/validation';
import { generationOperation, urlProperty } from '../generation';
import { FRAME_EXTENSIONS, RATIOS_WITH_ORIGINAL, readVideoFields, VIDEO_PARAMETERS, videoOptions, videoPrompt } from './videoOptions';

export const imageToVideo = generationOperation({
	resource: 'video',
	operation: 'imageToVideo',
	capability: 'tm_img2video_b',
	fileLabel: 'video',
	menu: {
		name: 'Image to Video',
		description: 'Animate a still image into a 5-second video',
		action: 'Generate a video from an image',
	},
	prompt: videoPrompt(
		'How the image comes to life, up to 1000 characters: the subject and its motion, the background and its motion',
		'e.g. The woman turns her head and smiles, leaves drift in the wind behind her',
	),
	properties: [
		urlProperty(
			'Image URL',
			'imageUrl',
			'https://cdn.example.com/stills/portrait-garden.jpg',
			'Public http(s) URL of the image to animate (jpg, png or webp, under 200 MB; short side over 720 px recommended)',
		),
	],
	options: videoOptions(RATIOS_WITH_ORIGINAL),
	parameterOf: { ...VIDEO_PARAMETERS, image: 'Image URL' },
	read(itemIndex, options) {
		const imageUrl = validateMediaUrl('imageUrl', 'Image URL', this.getNodeParameter('imageUrl', itemIndex), FRAME_EXTENSIONS);
		return {
			fields: { image: imageUrl, ...readVideoFields(options, RATIOS_WITH_ORIGINAL) },
			inputs: { imageUrl },
			subject: `image ${imageUrl}`,
		};
	},
});
