import type { ICredentialDataDecryptedObject, IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { Task } from '../../shared/task/task';
import type { ItemPlan } from '../../shared/task/taskJson';

/** Batch-wide facts an operation may read while preparing an item. */
export interface BatchFacts {
	credentials: ICredentialDataDecryptedObject;
	/** True when the engine sets every body's `callback` to this execution's resume URL. */
	parksForCallbacks: boolean;
}

/** A task to create: its capability, the body, and what the item is about (for messages). */
export interface SubmitRequest {
	kind: 'submit';
	capability: string;
	body: IDataObject;
	/** e.g. `image https://…/a.jpg`, named in the error of a submit that may have billed. */
	label: string;
	wsidSent: boolean;
}

export interface LookupRequest {
	kind: 'lookup';
	taskId: string;
}

/** One validated input item: the request to make and how its output is built. */
export interface PreparedItem {
	request: SubmitRequest | LookupRequest;
	plan: Omit<ItemPlan, 'waited'>;
	/** Per item: Poll Interval and Timeout (ms). */
	pollIntervalMs: number;
	timeoutMs: number;
}

/**
 * The seam every operation fills: its UI properties and a `prepare` that reads and checks one
 * item's parameters without any request. The engine does the rest (submit or look up, wait,
 * download, output), so a new capability is one file.
 */
export interface Operation {
	/** Its entry in the resource's Operation selector. */
	menu: { name: string; description: string; action: string };
	description: INodeProperties[];
	/** Whether the operation offers Wait Method "Wait for Callback". */
	canParkForCallbacks: boolean;
	/** Wait for Completion's default (the UI's, and the fallback when a workflow has none). */
	waitsByDefault: boolean;
	prepare(this: IExecuteFunctions, itemIndex: number, batch: BatchFacts): PreparedItem;
	/** For look-ups: the echoed inputs and file label, read from the task once it is known. */
	describeTask?(task: Task): Pick<ItemPlan, 'inputs' | 'fileLabel'>;
}
