import type { IDataObject, INodeType, INodeTypes, IVersionedNodeType } from 'n8n-workflow';
import { NodeHelpers, UnexpectedError } from 'n8n-workflow';

export type NodeTypeMap = Record<string, INodeType | IVersionedNodeType>;

type NodeErrorListener = (nodeName: string, error: unknown) => void;

interface HasGetNode {
	getNode(): { name: string };
}

const hasGetNode = (value: unknown): value is HasGetNode =>
	typeof (value as HasGetNode | undefined)?.getNode === 'function';

/**
 * The `INodeTypes` n8n's engine asks for node types: a plain map keyed by full type name.
 *
 * n8n keeps only a plain-object copy of a node's error in the run data, so `execute` is
 * wrapped to hand the thrown instance (NodeApiError, NodeOperationError...) to a listener.
 */
export class HarnessNodeTypes implements INodeTypes {
	private readonly wrapped = new WeakMap<INodeType, INodeType>();

	constructor(
		private readonly types: NodeTypeMap,
		private readonly onNodeError?: NodeErrorListener,
	) {}

	getByName(nodeType: string): INodeType | IVersionedNodeType {
		const type = this.types[nodeType];
		if (type === undefined) {
			throw new UnexpectedError(
				`The harness knows no node type "${nodeType}". Pass it in nodeTypes: { '${nodeType}': new MyNode() }.`,
			);
		}
		return type;
	}

	getByNameAndVersion(nodeType: string, version?: number): INodeType {
		const type = NodeHelpers.getVersionedNodeType(this.getByName(nodeType), version);
		return this.withErrorCapture(type);
	}

	getKnownTypes(): IDataObject {
		return {};
	}

	private withErrorCapture(type: INodeType): INodeType {
		const { onNodeError } = this;
		const execute = type.execute;
		if (!onNodeError || typeof execute !== 'function') return type;

		let wrapper = this.wrapped.get(type);
		if (!wrapper) {
			// Object.create keeps the description, methods, webhook() and `instanceof` intact.
			wrapper = Object.create(type) as INodeType;
			wrapper.execute = async function (this: unknown, ...args: unknown[]) {
				try {
					return await (execute as (...a: unknown[]) => Promise<never>).apply(this, args);
				} catch (error) {
					// Function-style nodes get the context as `this`, class-style (Node) as argument.
					const context = hasGetNode(this) ? this : args.find(hasGetNode);
					if (context) onNodeError(context.getNode().name, error);
					throw error;
				}
			} as INodeType['execute'];
			this.wrapped.set(type, wrapper);
		}
		return wrapper;
	}
}
