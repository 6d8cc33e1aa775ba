import { resultControlType } from './task';

/** Image Recognition's control types and the word their result files are named with. */
export const CONTROL_TYPE_LABELS = { '0': 'edge', '1': 'pose', '2': 'subject', '3': 'depth' } as const;

export type ControlType = keyof typeof CONTROL_TYPE_LABELS;

export const CONTROL_TYPES = Object.keys(CONTROL_TYPE_LABELS) as ControlType[];

/** What each capability makes, for file names of tasks known only by id (Task > Get, the trigger). */
const LABEL_BY_CAPABILITY: Record<string, string> = {
	tm_text2video_b: 'video',
	tm_img2video_b: 'video',
	tm_tail2video_b: 'video',
	tm_reference_img2img: 'image',
	tm_redrawing: 'image',
	tm_text2music: 'music',
	tm_text2sfx: 'sound',
	tm_video_scoring: 'soundtrack',
};

/**
 * The file label of a looked-up task: a recognition's control type word, else what its
 * capability (the vendor task id's prefix, e.g. tm_text2video_b-0-…) makes, else "result".
 */
export function fileLabelOfTask(taskId: string, result: unknown): string {
	const controlType = resultControlType(result);
	if (controlType !== null && (CONTROL_TYPES as string[]).includes(controlType)) return CONTROL_TYPE_LABELS[controlType as ControlType];
	const capability = taskId.split('-')[0];
	return Object.hasOwn(LABEL_BY_CAPABILITY, capability) ? LABEL_BY_CAPABILITY[capability] : 'result';
}
