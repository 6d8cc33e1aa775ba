import type { IExecuteFunctions, INodeType, INodeTypes, IVersionedNodeType } from 'n8n-workflow';
import { NodeConnectionTypes, NodeHelpers, UnexpectedError } from 'n8n-workflow';

export type NodeTypeMap = Record<string, INodeType | IVersionedNodeType>;

export const START_NODE_NAME = 'Start';
export const START_NODE_TYPE = 'n8n-nodes-harness.start';

/** The first node of every harness workflow (and a pass-through for tests): passes its items on. */
class Start implements INodeType {
	description: INodeType['description'] = {
		displayName: 'Start', name: 'start', group: ['input'], version: 1, description: 'Passes its items on',
		defaults: { name: START_NODE_NAME }, inputs: [NodeConnectionTypes.Main], outputs: [NodeConnectionTypes.Main], properties: [],
	};

	async execute(this: IExecuteFunctions) {
		return [this.getInputData()];
	}
}

/**
 * The `INodeTypes` the engine asks for node types. n8n keeps only a plain copy of a node's
 * error in the run data, so `execute` is wrapped to hand the thrown instance to `onError`.
 */
export class HarnessNodeTypes implements INodeTypes {
	private readonly types: NodeTypeMap;

	private readonly wrapped = new Map<INodeType, INodeType>();

	constructor(
		types: NodeTypeMap,
		private readonly onError: (nodeName: string, error: unknown) => void = () => {},
	) {
		this.types = { ...types, [START_NODE_TYPE]: new Start() };
	}

	getByName(nodeType: string): INodeType | IVersionedNodeType {
		const type = this.types[nodeType];
		if (!type) throw new UnexpectedError(`The harness knows no node type "${nodeType}": pass it in nodeTypes`);
		return type;
	}

	getByNameAndVersion(nodeType: string, version?: number): INodeType {
		const type = NodeHelpers.getVersionedNodeType(this.getByName(nodeType), version);
		const execute = type.execute as ((this: IExecuteFunctions) => Promise<unknown>) | undefined;
		if (typeof execute !== 'function') return type;
		if (!this.wrapped.has(type)) {
			const { onError } = this;
			// Object.create keeps the description, webhook() and the other methods.
			const wrapper = Object.create(type) as INodeType;
			wrapper.execute = async function (this: IExecuteFunctions) {
				try {
					return await execute.call(this);
				} catch (error) {
					onError(this.getNode().name, error);
					throw error;
				}
			} as INodeType['execute'];
			this.wrapped.set(type, wrapper);
		}
		return this.wrapped.get(type)!;
	}

	getKnownTypes() {
		return {};
	}
}
