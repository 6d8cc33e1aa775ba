import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { validateChoice } from '../../../shared/parameters/validation';
import { isSet, validateInteger } from '../generation';

/** The options the three video capabilities share (tomoviee-capabilities.md §2-4). */

export const RATIOS = ['16:9', '9:16', '4:3', '3:4', '1:1'] as const;
export const RATIOS_WITH_ORIGINAL = [...RATIOS, 'original'] as const;
const RESOLUTIONS = ['720p', '1080p'] as const;
const DURATIONS = ['5'] as const;
/** The sources (official skills, PPIO) name up to 1000 characters. */
const VIDEO_PROMPT_MAX = 1000;

/** A video operation's Prompt: its own words, the length limit the three share. */
export function videoPrompt(description: string, placeholder: string) {
	return { description, placeholder, maxLength: VIDEO_PROMPT_MAX, hint: 'Up to 1000 characters. The video is 5 seconds long.' };
}
/** Image inputs of image to video and first/last frame (official skills). */
export const FRAME_EXTENSIONS = ['jpg', 'jpeg', 'png', 'webp'];

/** The body fields of the options below, with the parameter that sets each (Prompt is added by generationOperation). */
export const VIDEO_PARAMETERS: Record<string, string> = {
	resolution: 'Resolution',
	duration: 'Duration',
	aspect_ratio: 'Aspect Ratio',
	camera_move_index: 'Camera Move',
};

const RATIO_NAMES: Record<string, string> = {
	'16:9': '16:9 (Landscape)',
	'9:16': '9:16 (Portrait)',
	'4:3': '4:3',
	'3:4': '3:4',
	'1:1': '1:1 (Square)',
	original: 'Original (Keep the Image Ratio)',
};

/** The presets ToMoviee names (tomoviee-capabilities.md §2); the other numbers have no public name. */
const NAMED_CAMERA_MOVES: Record<number, string> = {
	1: 'Orbit',
	2: 'Spin',
	5: 'Slow Zoom In',
	9: 'Static',
	12: 'Pan Right',
};
const CAMERA_MOVE_COUNT = 46;

/** Every preset 1-46 by number (a workflow saved with a plain number keeps its value), the named ones by name. */
const CAMERA_MOVE_OPTIONS = Array.from({ length: CAMERA_MOVE_COUNT }, (_, index) => {
	const value = index + 1;
	const name = NAMED_CAMERA_MOVES[value];
	return { name: name === undefined ? `Preset ${value}` : `${name} (${value})`, value };
});

/** Aspect Ratio, Camera Move, Duration and Resolution; `ratios` with "original" for image input. */
export function videoOptions(ratios: readonly string[]): INodeProperties[] {
	return [
		{
			displayName: 'Aspect Ratio',
			name: 'aspectRatio',
			type: 'options',
			default: '16:9',
			description: "Frame ratio of the video (aspect_ratio). Not set: ToMoviee's default, 16:9.",
			options: ratios.map((value) => ({ name: RATIO_NAMES[value], value })),
		},
		{
			displayName: 'Camera Move',
			name: 'cameraMove',
			type: 'options',
			default: 1,
			description:
				'How the camera moves (camera_move_index). ToMoviee has 46 presets and names five of them; the others are listed by number. Not set: ToMoviee picks the movement.',
			hint: 'A preset by name, or any preset number 1-46',
			options: CAMERA_MOVE_OPTIONS,
		},
		{
			displayName: 'Duration',
			name: 'duration',
			type: 'options',
			default: 5,
			description: 'Length of the video; ToMoviee makes 5-second videos only',
			options: [{ name: '5 Seconds', value: 5 }],
		},
		{
			displayName: 'Resolution',
			name: 'resolution',
			type: 'options',
			default: '720p',
			description:
				'Output resolution. One source says text to video makes 720p only: if ToMoviee refuses 1080p, the item fails with its message.',
			options: [
				{ name: '720p (Standard)', value: '720p' },
				{ name: '1080p (HD)', value: '1080p' },
			],
		},
	];
}

/** The optional video body fields this item sets. */
export function readVideoFields(options: IDataObject, ratios: readonly string[]): IDataObject {
	const fields: IDataObject = {};
	if (isSet(options.resolution)) fields.resolution = validateChoice('resolution', 'Resolution', options.resolution, RESOLUTIONS);
	if (isSet(options.duration)) fields.duration = Number(validateChoice('duration', 'Duration', options.duration, DURATIONS));
	if (isSet(options.aspectRatio)) fields.aspect_ratio = validateChoice('aspectRatio', 'Aspect Ratio', options.aspectRatio, ratios);
	if (isSet(options.cameraMove)) fields.camera_move_index = validateInteger('cameraMove', 'Camera Move', options.cameraMove, 1, CAMERA_MOVE_COUNT);
	return fields;
}
