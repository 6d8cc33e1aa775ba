'use strict';
// What each capability accepts and returns (tomoviee-capabilities.md): field rules, the input
// that keys `createdByInput`, where outcome hints are read, and the result files.
// Each refusal starts with the offending field's name, as a real gateway's "invalid parameter" would.

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
function isHttpUrl(value) {
	try {
		return typeof value === 'string' && /^https?:$/.test(new URL(value).protocol);
	} catch {
		return false;
	}
}

// A rule is (value, fieldName, body) => message | null; `required`/`optional` wrap a value rule.
const rule = (ok, what) => (v, f) => (ok(v) ? null : `${f} must be ${what}`);
const required = (r) => (v, f, b) => (v === undefined || v === null ? `${f} is required` : r(v, f, b));
const optional = (r) => (v, f, b) => (v === undefined ? null : r(v, f, b));
const isNumber = (v) => typeof v === 'number' && Number.isFinite(v);
const text = (max) => (v, f) => {
	if (typeof v !== 'string' || v.trim() === '') return `${f} must be a non-empty string`;
	return max && v.length > max ? `${f} must be at most ${max} characters` : null;
};
const httpUrl = rule(isHttpUrl, 'an http(s) URL');
const oneOf = (values) => rule((v) => values.includes(v), `one of ${values.map((v) => JSON.stringify(v)).join(', ')}`);
const integer = (min, max) => rule((v) => Number.isInteger(v) && v >= min && v <= max, `an integer from ${min} to ${max}`);
const number = (min, max) => rule((v) => isNumber(v) && v >= min && v <= max, `a number from ${min} to ${max}`);
const prompt = required(text());

/** Fields every capability shares: wsid, storage_info (recognition may require it), callback, params. */
const commonRules = (requireStorageInfo = false) => ({
	wsid: optional(rule((v) => Number.isInteger(v) && v > 0, 'a positive integer')),
	storage_info: (requireStorageInfo ? required : optional)(rule(isObject, 'an object')),
	callback: optional(rule(isHttpUrl, 'an http(s) URL string')),
	params: optional(rule((v) => typeof v === 'string', 'a string')),
});

const firstProblem = (body, rules) => Object.entries(rules).map(([field, check]) => check(body[field], field, body)).find(Boolean) || null;

const CONTROL_TYPES = ['0', '1', '2', '3'];
const TEMPLATE_ID = 'tm_reference_img2mask_template_spatial';
const HINT_FIELDS = ['prompt', 'image', 'image_tail', 'reference_image', 'init_image', 'mask_url', 'file_link'];

/** A capability spec with the defaults of generation: prompt first, hints in the prompt and URL fields. */
const capability = (spec) => ({
	input: (body) => body.prompt,
	hintText: (body) => HINT_FIELDS.map((f) => body[f]).filter((s) => typeof s === 'string').join(' '),
	extra: () => ({}),
	...spec,
	validate: (body, options) => firstProblem(body, { ...spec.rules(body, options), ...commonRules() }),
});

function checkTemplates(templates) {
	if (!Array.isArray(templates) || templates.length === 0) return 'template_info must be a non-empty array';
	for (const [i, entry] of templates.entries()) {
		const at = `template_info[${i}]`;
		if (!isObject(entry)) return `${at} must be an object`;
		const p = entry.input_params;
		if (!isObject(p)) return `${at}.input_params must be an object`;
		if (!CONTROL_TYPES.includes(p.control_type)) return `${at}.input_params.control_type must be one of "0","1","2","3" (a string)`;
		if (!isHttpUrl(p.init_image)) return `${at}.input_params.init_image must be an http(s) URL`;
		if (p.template_id !== TEMPLATE_ID) return `${at}.input_params.template_id must be ${TEMPLATE_ID}`;
	}
	return null;
}

// Image recognition: one task per submit, from template_info[0]; the other entries are recorded only.
const first = (body) => body.template_info[0].input_params;
const recognition = {
	name: 'tm_reference_img2mask',
	failReason: 'image could not be recognized',
	validate(body, options) {
		const { wsid, ...rest } = commonRules(options.requireStorageInfo);
		return firstProblem(body, { wsid, template_info: checkTemplates, ...rest });
	},
	input: (body) => first(body).init_image,
	hintText: (body) => first(body).init_image,
	recorded: (body) => ({ init_image: first(body).init_image, control_type: first(body).control_type, template_info: body.template_info, storage_info: body.storage_info }),
	outputs: (body, options) => ({ key: options.maskResultKey, kind: 'mask', count: 1 }),
	extra: (body) => ({ control_type: first(body).control_type }),
};

// Video: text, one image, or first and last frame to a 5-second mp4 (§2-4).
const RATIOS = ['16:9', '9:16', '4:3', '3:4', '1:1'];
const video = (name, inputs, ratios) =>
	capability({
		name,
		failReason: 'video generation failed',
		rules: (body, options) => ({
			prompt: required(text(1000)),
			...inputs,
			// Sources disagree on 1080p for text to video; textToVideo1080p: false plays the strict one.
			resolution: optional(oneOf(name === 'tm_text2video_b' && !options.textToVideo1080p ? ['720p'] : ['720p', '1080p'])),
			duration: optional(oneOf([5])),
			aspect_ratio: optional(oneOf(ratios)),
			camera_move_index: optional(integer(1, 46)),
		}),
		input: (body) => (typeof body.image === 'string' ? body.image : body.prompt),
		outputs: () => ({ key: 'video_path', kind: 'video', count: 1 }),
		extra: (body) => ({ model_version: 'sim-video-1', translate_prompt: body.prompt }),
	});

// Images: reference to image (batch_size images) and redraw (one image) (§6-7).
const referenceToImage = capability({
	name: 'tm_reference_img2img',
	failReason: 'image generation failed',
	rules: (body) => ({
		prompt,
		reference_image: required(httpUrl),
		control_type: required(oneOf(CONTROL_TYPES)),
		control_intensity: required(number(0, 1)),
		init_image: (body.control_type === '2' ? required : optional)(httpUrl),
		width: required(integer(512, 2048)),
		height: required(integer(512, 2048)),
		batch_size: required(integer(1, 4)),
	}),
	input: (body) => body.reference_image,
	outputs: (body) => ({ key: 'images_path', kind: 'image', count: body.batch_size }),
	extra: (body) => ({ control_type: body.control_type }),
});
const redraw = capability({
	name: 'tm_redrawing',
	failReason: 'image generation failed',
	rules: () => ({ prompt, init_image: required(httpUrl), mask_url: optional(httpUrl) }),
	input: (body) => body.init_image,
	outputs: (body, options) => ({ key: options.redrawResultKey, kind: 'image', count: 1 }),
});

// Audio: music and sound effects (qty tracks), and the video soundtrack, whose result key is unverified (§8-10).
const music = capability({
	name: 'tm_text2music',
	failReason: 'music generation failed',
	rules: () => ({
		prompt,
		duration: required(rule((v) => isNumber(v) && v > 0 && v < 95, 'a number greater than 0 and less than 95')),
		qty: required(integer(1, 4)),
		disable_translate: optional(rule((v) => typeof v === 'boolean', 'a boolean')),
	}),
	outputs: (body) => ({ key: 'audio_path', kind: 'audio', count: body.qty }),
});
const soundEffect = capability({
	name: 'tm_text2sfx',
	failReason: 'sound effect generation failed',
	rules: () => ({ prompt, duration: required(integer(5, 180)), qty: optional(integer(1, 4)) }),
	outputs: (body) => ({ key: 'audio_path', kind: 'audio', count: body.qty || 1 }),
});
const soundtrack = capability({
	name: 'tm_video_scoring',
	failReason: 'soundtrack generation failed',
	rules: () => ({ prompt, file_link: required(httpUrl) }),
	input: (body) => body.file_link,
	outputs(body, options) {
		// `video_path` / `audio_path` in the prompt or file_link overrides scoringResultKey.
		const hint = this.hintText(body).toLowerCase();
		const key = hint.includes('video_path') ? 'video_path' : hint.includes('audio_path') ? 'audio_path' : options.scoringResultKey;
		return { key, kind: key === 'video_path' ? 'video' : 'audio', count: 1 };
	},
});

const image = required(httpUrl);
const videos = [
	video('tm_text2video_b', {}, RATIOS),
	video('tm_img2video_b', { image }, [...RATIOS, 'original']),
	video('tm_tail2video_b', { image, image_tail: image }, [...RATIOS, 'original']),
];
const ALL = [recognition, ...videos, referenceToImage, redraw, music, soundEffect, soundtrack];
const CAPABILITIES = new Map(ALL.map((c) => [c.name, c]));

/** The spec for a capability name, or undefined. */
module.exports = { capabilityNamed: (name) => CAPABILITIES.get(name) };
