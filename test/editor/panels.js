'use strict';
/**
 * What the ToMoviee node's panel shows for every resource and operation, as a user reads it: the
 * parameters in their order (Credential aside) and the entries of the Options collection. Written
 * out by hand on purpose: the editor stage compares the panel with it, and a unit check compares
 * it with the node's description, so a displayOptions mistake (a field shown in the wrong
 * operation, a required one hidden) fails one or the other.
 */

/** The Options every operation that submits a task offers. */
const SUBMIT_OPTIONS = [
	'Callback URL',
	'Download Result Files',
	'Max Concurrency',
	'Max Download Size (MB)',
	'Max Tries',
	'Pass-Through Data',
	'Poll Interval (Seconds)',
	'Put Output File in Field',
	'Request Timeout (Seconds)',
	'Retry Ambiguous Submits',
	'Sign Callback URL',
	'Timeout (Seconds)',
];
const GENERATION_OPTIONS = [...SUBMIT_OPTIONS, 'Additional Body Fields (JSON)'];
const VIDEO_OPTIONS = [...GENERATION_OPTIONS, 'Aspect Ratio', 'Camera Move', 'Duration', 'Resolution'];
const WAIT = ['Wait for Completion', 'Wait Method', 'Options'];

/** Control Type, named the same in both operations that have one (the canvas subtitle uses the same words). */
const CONTROL_TYPES = ['Edge', 'Pose', 'Subject', 'Depth'];

/** The fields every URL parameter shows its hint with (ToMoviee downloads the file itself). */
const URL_HINT = 'ToMoviee downloads it: a public http(s) link';

/**
 * resource.operation -> the labels of the Resource and Operation menus, the parameters shown with
 * the defaults, the Options entries, the URL fields (which must carry URL_HINT) and the entries of
 * dropdowns that must read the same wherever they appear.
 */
const PANELS = {
	'imageRecognition.recognize': {
		resource: 'Image Recognition',
		operation: 'Recognize',
		fields: ['Image URL', 'Control Type', ...WAIT],
		options: [...SUBMIT_OPTIONS, 'Storage Info (JSON)', 'Workspace User ID'],
		urlFields: ['Image URL'],
		menus: { controlType: CONTROL_TYPES },
	},
	'video.textToVideo': {
		resource: 'Video',
		operation: 'Text to Video',
		fields: ['Prompt', ...WAIT],
		options: VIDEO_OPTIONS,
		urlFields: [],
	},
	'video.imageToVideo': {
		resource: 'Video',
		operation: 'Image to Video',
		fields: ['Prompt', 'Image URL', ...WAIT],
		options: VIDEO_OPTIONS,
		urlFields: ['Image URL'],
	},
	'video.framesToVideo': {
		resource: 'Video',
		operation: 'First and Last Frame to Video',
		fields: ['Prompt', 'First Frame URL', 'Last Frame URL', ...WAIT],
		options: VIDEO_OPTIONS,
		urlFields: ['First Frame URL', 'Last Frame URL'],
	},
	'image.referenceToImage': {
		resource: 'Image',
		operation: 'Reference to Image',
		fields: ['Prompt', 'Reference Image URL', 'Control Type', 'Control Intensity', 'Width', 'Height', 'Batch Size', ...WAIT],
		options: [...GENERATION_OPTIONS, 'Init Image URL'],
		urlFields: ['Reference Image URL'],
		menus: { controlType: CONTROL_TYPES },
	},
	'image.redraw': {
		resource: 'Image',
		operation: 'Redraw',
		fields: ['Prompt', 'Image URL', ...WAIT],
		options: [...GENERATION_OPTIONS, 'Mask URL'],
		urlFields: ['Image URL'],
	},
	'audio.textToMusic': {
		resource: 'Audio',
		operation: 'Text to Music',
		fields: ['Prompt', 'Duration (Seconds)', 'Count', ...WAIT],
		options: [...GENERATION_OPTIONS, 'Disable Translate'],
		urlFields: [],
	},
	'audio.textToSoundEffect': {
		resource: 'Audio',
		operation: 'Text to Sound Effect',
		fields: ['Prompt', 'Duration (Seconds)', ...WAIT],
		options: [...GENERATION_OPTIONS, 'Count'],
		urlFields: [],
	},
	'audio.videoSoundtrack': {
		resource: 'Audio',
		operation: 'Video Soundtrack',
		fields: ['Prompt', 'Video URL', ...WAIT],
		options: GENERATION_OPTIONS,
		urlFields: ['Video URL'],
	},
	'task.get': {
		resource: 'Task',
		operation: 'Get',
		// Wait for Completion is off by default, so Wait Method stays hidden
		fields: ['Task ID', 'Wait for Completion', 'Options'],
		options: [
			'Download Result Files',
			'Max Concurrency',
			'Max Download Size (MB)',
			'Max Tries',
			'Poll Interval (Seconds)',
			'Put Output File in Field',
			'Request Timeout (Seconds)',
			'Timeout (Seconds)',
		],
		urlFields: [],
	},
};

/** Camera Move's entries that carry ToMoviee's names (the other presets are listed by number). */
const NAMED_CAMERA_MOVES = ['Orbit (1)', 'Spin (2)', 'Slow Zoom In (5)', 'Static (9)', 'Pan Right (12)'];

module.exports = { PANELS, URL_HINT, NAMED_CAMERA_MOVES };
