import type {
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	ITriggerFunctions,
	ITriggerResponse,
} from 'n8n-workflow';
import { deepCopy, NodeConnectionTypes } from 'n8n-workflow';

export const START_NODE_NAME = 'Start';
export const START_NODE_TYPE = 'n8n-nodes-harness.start';

/**
 * A trigger that behaves like n8n's Manual Trigger (its `trigger()` returns a
 * `manualTriggerFunction` that emits once) but emits the test's items.
 * n8n-nodes-base is not installed, so the harness brings its own.
 */
export class HarnessStart implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Harness Start',
		name: 'start',
		group: ['trigger'],
		version: 1,
		description: 'Emits the items the test gave the harness',
		eventTriggerDescription: '',
		maxNodes: 1,
		defaults: { name: START_NODE_NAME },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		properties: [],
	};

	// `trigger` runs with the engine's ITriggerFunctions as `this`, so the items live in a closure.
	trigger: (this: ITriggerFunctions) => Promise<ITriggerResponse>;

	constructor(items: INodeExecutionData[]) {
		this.trigger = async function (this: ITriggerFunctions) {
			const manualTriggerFunction = async () => this.emit([deepCopy(items)]);
			return { manualTriggerFunction };
		};
	}
}
