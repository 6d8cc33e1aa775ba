'use strict';
/**
 * What the ToMoviee node's panel shows for every resource and operation, as a user reads it: the parameters in their order
 * (Credential aside) and the entries of the Options collection. Written out by hand on purpose: the editor stage compares the
 * panel with it, and a check compares it with the node's description, so a displayOptions mistake (a field shown in the wrong
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
/** The Options of Task > Get are those minus what only a submit has. */
const SUBMIT_ONLY = ['Callback URL', 'Pass-Through Data', 'Retry Ambiguous Submits', 'Sign Callback URL'];
const RECOGNITION_OPTIONS = [...SUBMIT_OPTIONS, 'Storage Info (JSON)', 'Workspace User ID'];
const GENERATION_OPTIONS = [...SUBMIT_OPTIONS, 'Additional Body Fields (JSON)'];
const VIDEO_OPTIONS = [...GENERATION_OPTIONS, 'Aspect Ratio', 'Camera Move', 'Duration', 'Resolution'];
const WAIT = ['Wait for Completion', 'Wait Method', 'Options'];

/** Control Type, named the same in both operations that have one (the canvas subtitle uses the same words). */
const CONTROL_TYPES = { controlType: ['Edge', 'Pose', 'Subject', 'Depth'] };

/** The hint every URL parameter (a field whose label ends in "URL") shows: ToMoviee downloads the file itself. */
const URL_HINT = 'ToMoviee downloads it: a public http(s) link';

/**
 * resource.operation -> the Resource and Operation menu labels, the parameters shown with the defaults, the Options entries,
 * and the entries of dropdowns that must read the same everywhere.
 */
const panel = (resource, operation, fields, options, menus = {}) => ({ resource, operation, fields, options, menus });
const PANELS = {
	'imageRecognition.recognize': panel('Image Recognition', 'Recognize', ['Image URL', 'Control Type', ...WAIT], RECOGNITION_OPTIONS, CONTROL_TYPES),
	'video.textToVideo': panel('Video', 'Text to Video', ['Prompt', ...WAIT], VIDEO_OPTIONS),
	'video.imageToVideo': panel('Video', 'Image to Video', ['Prompt', 'Image URL', ...WAIT], VIDEO_OPTIONS),
	'video.framesToVideo': panel('Video', 'First and Last Frame to Video', ['Prompt', 'First Frame URL', 'Last Frame URL', ...WAIT], VIDEO_OPTIONS),
	'image.referenceToImage': panel(
		'Image',
		'Reference to Image',
		['Prompt', 'Reference Image URL', 'Control Type', 'Control Intensity', 'Width', 'Height', 'Batch Size', ...WAIT],
		[...GENERATION_OPTIONS, 'Init Image URL'],
		CONTROL_TYPES,
	),
	'image.redraw': panel('Image', 'Redraw', ['Prompt', 'Image URL', ...WAIT], [...GENERATION_OPTIONS, 'Mask URL']),
	'audio.textToMusic': panel('Audio', 'Text to Music', ['Prompt', 'Duration (Seconds)', 'Count', ...WAIT], [...GENERATION_OPTIONS, 'Disable Translate']),
	'audio.textToSoundEffect': panel('Audio', 'Text to Sound Effect', ['Prompt', 'Duration (Seconds)', ...WAIT], [...GENERATION_OPTIONS, 'Count']),
	'audio.videoSoundtrack': panel('Audio', 'Video Soundtrack', ['Prompt', 'Video URL', ...WAIT], GENERATION_OPTIONS),
	// Wait for Completion is off by default, so Wait Method stays hidden
	'task.get': panel('Task', 'Get', ['Task ID', 'Wait for Completion', 'Options'], SUBMIT_OPTIONS.filter((option) => !SUBMIT_ONLY.includes(option))),
};

/** Camera Move's entries that carry ToMoviee's names (the other presets are listed by number). */
const NAMED_CAMERA_MOVES = ['Orbit (1)', 'Spin (2)', 'Slow Zoom In (5)', 'Static (9)', 'Pan Right (12)'];

module.exports = { PANELS, URL_HINT, NAMED_CAMERA_MOVES };
