'use strict';
// Audio generation: text to music, text to sound effect (audio_path, qty tracks) and the video
// soundtrack, whose result key is unverified (audio_path or video_path). Fields as in
// tomoviee-capabilities.md §8-10.
const v = require('../validate');

const strings = (...values) => values.filter((s) => typeof s === 'string').join(' ');

const textToMusic = {
	name: 'tm_text2music',
	family: 'audio',
	failReason: 'music generation failed',
	validate: (body) =>
		v.checkRules(body, {
			prompt: v.required(v.text()),
			duration: v.required(v.between(0, 95)),
			qty: v.required(v.integer(1, 4)),
			disable_translate: v.optional(v.boolean()),
			...v.commonRules(),
		}),
	input: (body) => body.prompt,
	hintText: (body) => strings(body.prompt),
	outputs: (body) => ({ key: 'audio_path', kind: 'audio', count: body.qty }),
	extra: () => ({}),
};

const textToSoundEffect = {
	name: 'tm_text2sfx',
	family: 'audio',
	failReason: 'sound effect generation failed',
	validate: (body) =>
		v.checkRules(body, {
			prompt: v.required(v.text()),
			duration: v.required(v.integer(5, 180)),
			qty: v.optional(v.integer(1, 4)),
			...v.commonRules(),
		}),
	input: (body) => body.prompt,
	hintText: (body) => strings(body.prompt),
	outputs: (body) => ({ key: 'audio_path', kind: 'audio', count: body.qty || 1 }),
	extra: () => ({}),
};

/** `video_path` / `audio_path` in the prompt or file_link overrides scoringResultKey. */
function scoringKey(body, options) {
	const hint = strings(body.prompt, body.file_link).toLowerCase();
	if (hint.includes('video_path')) return 'video_path';
	if (hint.includes('audio_path')) return 'audio_path';
	return options.scoringResultKey;
}

const videoSoundtrack = {
	name: 'tm_video_scoring',
	family: 'audio',
	failReason: 'soundtrack generation failed',
	validate: (body) =>
		v.checkRules(body, {
			prompt: v.required(v.text()),
			file_link: v.required(v.httpUrl()),
			...v.commonRules(),
		}),
	input: (body) => body.file_link,
	hintText: (body) => strings(body.prompt, body.file_link),
	outputs(body, options) {
		const key = scoringKey(body, options);
		return { key, kind: key === 'video_path' ? 'video' : 'audio', count: 1 };
	},
	extra: () => ({}),
};

module.exports = [textToMusic, textToSoundEffect, videoSoundtrack];
