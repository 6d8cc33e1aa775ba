'use strict';
// Video generation: text, one image, or first and last frame to a 5-second mp4 (video_path).
// Fields as in tomoviee-capabilities.md §2-4 (official skills + reseller; vendor table unseen).
const v = require('../validate');

const RESOLUTIONS = ['720p', '1080p'];
const RATIOS = ['16:9', '9:16', '4:3', '3:4', '1:1'];
const URL_FIELDS = ['image', 'image_tail'];

/** Options shared by the three video capabilities; `ratios` differ (image input adds "original"). */
function videoRules(name, options, ratios) {
	// Sources disagree on 1080p for text to video; textToVideo1080p: false plays the strict one.
	const only720 = name === 'tm_text2video_b' && !options.textToVideo1080p;
	return {
		resolution: v.optional(v.oneOf(only720 ? ['720p'] : RESOLUTIONS)),
		duration: v.optional(v.oneOf([5])),
		aspect_ratio: v.optional(v.oneOf(ratios)),
		camera_move_index: v.optional(v.integer(1, 46)),
	};
}

function videoCapability(name, inputRules, ratios) {
	return {
		name,
		family: 'video',
		failReason: 'video generation failed',
		validate(body, options) {
			const common = v.commonRules();
			const own = { prompt: v.required(v.text(1000)), ...inputRules };
			return v.checkRules(body, { ...own, ...videoRules(name, options, ratios), ...common });
		},
		input: (body) => (typeof body.image === 'string' ? body.image : body.prompt),
		hintText: (body) =>
			[body.prompt, ...URL_FIELDS.map((f) => body[f])].filter((s) => typeof s === 'string').join(' '),
		outputs: () => ({ key: 'video_path', kind: 'video', count: 1 }),
		extra: (body) => ({ model_version: 'sim-video-1', translate_prompt: body.prompt }),
	};
}

const image = v.required(v.httpUrl());

module.exports = [
	videoCapability('tm_text2video_b', {}, RATIOS),
	videoCapability('tm_img2video_b', { image }, [...RATIOS, 'original']),
	videoCapability('tm_tail2video_b', { image, image_tail: image }, [...RATIOS, 'original']),
];
