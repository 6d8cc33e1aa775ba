import { resultControlType } from './taskResult';

/** Image Recognition's control types and the word their result files are named with. */
export const CONTROL_TYPE_LABELS = { '0': 'edge', '1': 'pose', '2': 'subject', '3': 'depth' } as const;

export type ControlType = keyof typeof CONTROL_TYPE_LABELS;

export const CONTROL_TYPES = Object.keys(CONTROL_TYPE_LABELS) as ControlType[];

/** The file label of a looked-up task: its control type's word, else "result". */
export function fileLabelOfResult(result: unknown): string {
	const controlType = resultControlType(result);
	return controlType !== null && (CONTROL_TYPES as string[]).includes(controlType) ? CONTROL_TYPE_LABELS[controlType as ControlType] : 'result';
}
