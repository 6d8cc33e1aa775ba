import type { IDataObject } from 'n8n-workflow';

import type { ItemContext } from './outputItem';

/** One input item of a batch parked until ToMoviee calls back. */
export interface ParkedItem {
	context: ItemContext;
	/** The task ToMoviee accepted; absent when the item failed before (then `error` is set). */
	taskId?: string;
	error?: { message: string; description?: string };
}

function textOrNull(value: unknown): string | null {
	return typeof value === 'string' ? value : null;
}

/**
 * The parked node's own output (one json per input item, as shown while waiting) is the
 * batch's state: n8n keeps it with the waiting execution and nothing else survives between
 * two calls of a waiting webhook.
 */
export function parkedItemsFromOutput(jsons: unknown): ParkedItem[] {
	if (!Array.isArray(jsons)) return [];
	return jsons.map((value) => {
		const json = (value && typeof value === 'object' ? value : {}) as IDataObject;
		const context = { controlType: textOrNull(json.controlType), imageUrl: textOrNull(json.imageUrl) };
		if (typeof json.error === 'string' || typeof json.taskId !== 'string' || json.taskId === '') {
			return {
				context,
				error: {
					message: typeof json.error === 'string' ? json.error : 'The item was not submitted',
					...(typeof json.errorDescription === 'string' ? { description: json.errorDescription } : {}),
				},
			};
		}
		return { context, taskId: json.taskId };
	});
}

/**
 * The other tasks to look at when one reports, starting after it and wrapping around, so
 * that while many are pending the first look usually finds one still running.
 */
export function otherTasksInCheckOrder(items: ParkedItem[], reportedTaskId: string): Array<{ index: number; taskId: string }> {
	const tasks = items
		.map((item, index) => ({ index, taskId: item.taskId }))
		.filter((entry): entry is { index: number; taskId: string } => typeof entry.taskId === 'string');
	const start = tasks.findIndex((entry) => entry.taskId === reportedTaskId);
	if (start < 0) return tasks;
	return [...tasks.slice(start + 1), ...tasks.slice(0, start)];
}
