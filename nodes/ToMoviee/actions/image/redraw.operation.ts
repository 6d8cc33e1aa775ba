import { validateMediaUrl } from '../../../shared/parameters/validation';
import { generationOperation, isSet, urlProperty } from '../generation';

/** The official client: jpg/png, 512-2048 px per side, aspect ratio under 3. */
const IMAGE_EXTENSIONS = ['jpg', 'jpeg', 'png'];

export const redraw = generationOperation({
	resource: 'image',
	operation: 'redraw',
	capability: 'tm_redrawing',
	fileLabel: 'image',
	menu: {
		name: 'Redraw',
		description: 'Repaint part of an image (the white area of a mask) from a prompt',
		action: 'Redraw part of an image',
	},
	prompt: {
		description: 'What should appear in the redrawn area: what to find, the new content, its style, and how it blends in',
		placeholder: 'e.g. Replace the sign text with "OPEN DAILY" in the same hand-painted style',
	},
	properties: [
		urlProperty(
			'Image URL',
			'imageUrl',
			'https://cdn.example.com/shop/storefront.png',
			'Public http(s) URL of the image to redraw (jpg or png, each side 512-2048 px, aspect ratio under 3)',
		),
	],
	options: [
		urlProperty(
			'Mask URL',
			'maskUrl',
			'https://cdn.example.com/shop/storefront-sign-mask.png',
			'Public http(s) URL of a mask of the same size as the image (jpg or png): white areas are redrawn, black areas kept',
			false,
		),
	],
	parameterOf: { init_image: 'Image URL', mask_url: 'Mask URL' },
	read(itemIndex, options) {
		const imageUrl = validateMediaUrl('imageUrl', 'Image URL', this.getNodeParameter('imageUrl', itemIndex), IMAGE_EXTENSIONS);
		const maskUrl = isSet(options.maskUrl) ? validateMediaUrl('maskUrl', 'Mask URL', options.maskUrl, IMAGE_EXTENSIONS) : undefined;
		return {
			fields: { init_image: imageUrl, ...(maskUrl !== undefined ? { mask_url: maskUrl } : {}) },
			inputs: { imageUrl, ...(maskUrl !== undefined ? { maskUrl } : {}) },
			subject: `image ${imageUrl}`,
		};
	},
});
