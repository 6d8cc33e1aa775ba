'use strict';
// Image generation: reference to image (images_path, batch_size images) and redraw (one image,
// images_path or the older image_path). Fields as in tomoviee-capabilities.md §6-7.
const v = require('../validate');

const CONTROL_TYPES = ['0', '1', '2', '3'];
const strings = (...values) => values.filter((s) => typeof s === 'string').join(' ');

/** init_image: required (http URL) when control_type is "2", optional otherwise. */
function initImageRule(value, field, body) {
	if (body.control_type === '2') return v.required(v.httpUrl())(value, field);
	return v.optional(v.httpUrl())(value, field);
}

const referenceToImage = {
	name: 'tm_reference_img2img',
	family: 'image',
	failReason: 'image generation failed',
	validate: (body) =>
		v.checkRules(body, {
			prompt: v.required(v.text()),
			reference_image: v.required(v.httpUrl()),
			control_type: v.required(v.oneOf(CONTROL_TYPES)),
			control_intensity: v.required(v.number(0, 1)),
			init_image: initImageRule,
			width: v.required(v.integer(512, 2048)),
			height: v.required(v.integer(512, 2048)),
			batch_size: v.required(v.integer(1, 4)),
			...v.commonRules(),
		}),
	input: (body) => body.reference_image,
	hintText: (body) => strings(body.prompt, body.reference_image, body.init_image),
	outputs: (body) => ({ key: 'images_path', kind: 'image', count: body.batch_size }),
	extra: (body) => ({ control_type: body.control_type }),
};

const redraw = {
	name: 'tm_redrawing',
	family: 'image',
	failReason: 'image generation failed',
	validate: (body) =>
		v.checkRules(body, {
			prompt: v.required(v.text()),
			init_image: v.required(v.httpUrl()),
			mask_url: v.optional(v.httpUrl()),
			...v.commonRules(),
		}),
	input: (body) => body.init_image,
	hintText: (body) => strings(body.prompt, body.init_image, body.mask_url),
	outputs: (body, options) => ({ key: options.redrawResultKey, kind: 'image', count: 1 }),
	extra: () => ({}),
};

module.exports = [referenceToImage, redraw];
