import type { ICredentialDataDecryptedObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { PreparedItem } from '../item/batchItem';

/** What a submit's body needs from its batch besides the item's own parameters. */
export interface SubmitContext {
	credentials: ICredentialDataDecryptedObject;
	/** Wait for Callback: this execution's resume URL, the body's `callback` for every item. */
	resumeUrl?: string;
}

/**
 * The seam every operation fills: its UI properties and a `prepare` that reads and checks one
 * item's parameters without any request. The batch does the rest (submit or look up, wait,
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
	prepare(this: IExecuteFunctions, itemIndex: number, submit: SubmitContext): PreparedItem;
}
