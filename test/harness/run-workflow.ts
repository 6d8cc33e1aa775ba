import './user-folder';

import { ExecutionLifecycleHooks, WorkflowExecute } from 'n8n-core';
import type {
	ExecutionBaseError,
	ExecutionStatus,
	IConnections,
	IDataObject,
	INode,
	INodeCredentials,
	INodeExecutionData,
	INodeParameters,
	IRun,
	IRunData,
	IWorkflowBase,
	IWorkflowSettings,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { createRunExecutionData, NodeConnectionTypes, UnexpectedError, Workflow } from 'n8n-workflow';
import { randomBytes, randomUUID } from 'node:crypto';

import { buildAdditionalData } from './additional-data';
import type { NodeTypeMap } from './node-types';
import { HarnessNodeTypes } from './node-types';
import { HarnessStart, START_NODE_NAME, START_NODE_TYPE } from './start-node';
import type { CredentialMap, CredentialTypeMap } from './test-credentials';
import { TestCredentials } from './test-credentials';

/** The node under test, as short as a test wants to write it. */
export interface TestNodeSpec {
	type: string;
	typeVersion?: number;
	/** Defaults to the node type's `defaults.name`. */
	name?: string;
	parameters?: INodeParameters;
	/** Sets `onError: 'continueRegularOutput'` (n8n's "On Error: Continue"). */
	continueOnFail?: boolean;
	onError?: INode['onError'];
	/** Defaults to every credential in `credentials` whose type the node declares. */
	credentials?: INodeCredentials;
	retryOnFail?: boolean;
	maxTries?: number;
	waitBetweenTries?: number;
	alwaysOutputData?: boolean;
	executeOnce?: boolean;
	webhookId?: string;
}

export interface HarnessOptions {
	/** Node types by full type name (e.g. `n8n-nodes-tomoviee.toMoviee`). */
	nodeTypes?: NodeTypeMap;
	/** Credential types by name. */
	credentialTypes?: CredentialTypeMap;
	/** Stored credentials by credential type name. */
	credentials?: CredentialMap;
	/** Where n8n would listen; `$execution.resumeUrl` and webhook URLs are built from it. */
	baseUrl?: string;
}

export interface RunWorkflowOptions extends HarnessOptions {
	/** What the start node emits. Defaults to one empty item, like the Manual Trigger. */
	items?: INodeExecutionData[];
	/** One node, connected to the start node. */
	node?: TestNodeSpec;
	/**
	 * Several nodes. The harness adds its start node (`START_NODE_NAME`); if `connections`
	 * never mentions it, it is connected to the first node.
	 */
	nodes?: INode[];
	connections?: IConnections;
	/** Whose output `items` and `error` report. Defaults to `node`, or the last of `nodes`. */
	resultNode?: string;
	/** Fires the execution's cancel signal (n8n's Stop button) after this many ms. */
	abortAfterMs?: number;
	/** Defaults to 'manual' (a run from the editor). */
	mode?: WorkflowExecuteMode;
	executionId?: string;
	workflowStaticData?: IDataObject;
	settings?: IWorkflowSettings;
}

export interface WorkflowRunResult {
	/** Main output 0 of the result node's last run. */
	items: INodeExecutionData[];
	/** Every main output of the result node's last run. */
	outputs: INodeExecutionData[][];
	/**
	 * The error the result node threw (the NodeApiError/NodeOperationError instance), also when
	 * it continued on fail; else the run's error (a plain object, as n8n stores it).
	 */
	error: ExecutionBaseError | undefined;
	runData: IRunData;
	/** 'canceled' when abortAfterMs fired (what n8n records), else the engine's final status. */
	status: ExecutionStatus;
	cancelled: boolean;
	run: IRun;
	executionId: string;
	resultNode: string;
	/** Node names in the order they finished. */
	nodeExecutionOrder: string[];
	/** Set when a node called `putExecutionToWait`. */
	waitTill: Date | undefined;
	workflow: Workflow;
	credentialsHelper: TestCredentials;
}

function credentialsFor(
	nodeTypes: HarnessNodeTypes,
	node: Pick<INode, 'type' | 'typeVersion'>,
	credentials: CredentialMap,
): INodeCredentials | undefined {
	const declared = nodeTypes.getByNameAndVersion(node.type, node.typeVersion).description.credentials;
	const result: INodeCredentials = {};
	for (const { name } of declared ?? []) {
		const stored = credentials[name];
		if (stored) result[name] = { id: stored.id, name: stored.name };
	}
	return Object.keys(result).length ? result : undefined;
}

function nodeFromSpec(spec: TestNodeSpec, nodeTypes: HarnessNodeTypes): INode {
	const typeVersion = spec.typeVersion ?? 1;
	const { description } = nodeTypes.getByNameAndVersion(spec.type, typeVersion);
	const node: INode = {
		id: randomUUID(),
		name: spec.name ?? description.defaults.name ?? description.displayName,
		type: spec.type,
		typeVersion,
		position: [250, 0],
		parameters: spec.parameters ?? {},
	};
	if (spec.continueOnFail) node.onError = 'continueRegularOutput';
	if (spec.onError) node.onError = spec.onError;
	if (spec.credentials) node.credentials = spec.credentials;
	for (const key of [
		'retryOnFail',
		'maxTries',
		'waitBetweenTries',
		'alwaysOutputData',
		'executeOnce',
		'webhookId',
	] as const) {
		if (spec[key] !== undefined) Object.assign(node, { [key]: spec[key] });
	}
	return node;
}

function mentionsNode(connections: IConnections, name: string): boolean {
	if (connections[name]) return true;
	return Object.values(connections).some((byType) =>
		Object.values(byType).some((outputs) =>
			outputs.some((targets) => (targets ?? []).some((target) => target.node === name)),
		),
	);
}

/**
 * Runs a real workflow (the harness's start node, then the node(s) under test) through
 * n8n-core's WorkflowExecute, with lifecycle hooks, the harness's credentials helper and
 * n8n-core's own request helpers, and resolves when the engine does.
 */
export async function runWorkflow(options: RunWorkflowOptions): Promise<WorkflowRunResult> {
	const mode = options.mode ?? 'manual';
	const executionId = options.executionId ?? String(Math.floor(Math.random() * 1e9));
	const items = options.items ?? [{ json: {} }];
	const storedCredentials = options.credentials ?? {};

	const thrownErrors = new Map<string, unknown>();
	const nodeTypes = new HarnessNodeTypes(
		{ ...options.nodeTypes, [START_NODE_TYPE]: new HarnessStart(items) },
		(nodeName, error) => thrownErrors.set(nodeName, error),
	);
	const credentialsHelper = new TestCredentials(options.credentialTypes, storedCredentials);

	const startNode: INode = {
		id: randomUUID(),
		name: START_NODE_NAME,
		type: START_NODE_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};

	let testedNodes: INode[];
	let connections: IConnections;
	if (options.node) {
		const node = nodeFromSpec(options.node, nodeTypes);
		testedNodes = [node];
		connections = {
			[START_NODE_NAME]: {
				[NodeConnectionTypes.Main]: [[{ node: node.name, type: NodeConnectionTypes.Main, index: 0 }]],
			},
		};
	} else if (options.nodes?.length) {
		testedNodes = options.nodes.map((node) => ({ ...node }));
		connections = { ...(options.connections ?? {}) };
		if (!mentionsNode(connections, START_NODE_NAME)) {
			connections[START_NODE_NAME] = {
				[NodeConnectionTypes.Main]: [
					[{ node: testedNodes[0].name, type: NodeConnectionTypes.Main, index: 0 }],
				],
			};
		}
	} else {
		throw new UnexpectedError('runWorkflow needs `node` or `nodes`');
	}
	for (const node of testedNodes) {
		node.credentials ??= credentialsFor(nodeTypes, node, storedCredentials);
	}
	const resultNode = options.resultNode ?? testedNodes[testedNodes.length - 1].name;

	const settings: IWorkflowSettings = { executionOrder: 'v1', ...options.settings };
	const nodes = [startNode, ...testedNodes];
	const workflowId = 'harness';
	const workflow = new Workflow({
		id: workflowId,
		name: 'Harness workflow',
		nodes,
		connections,
		active: false,
		nodeTypes,
		staticData: options.workflowStaticData,
		settings,
	});

	const now = new Date();
	const workflowData: IWorkflowBase = {
		id: workflowId,
		name: 'Harness workflow',
		active: false,
		isArchived: false,
		activeVersionId: null,
		createdAt: now,
		updatedAt: now,
		nodes,
		connections,
		settings,
	};
	const hooks = new ExecutionLifecycleHooks(mode, executionId, workflowData);
	const nodeExecutionOrder: string[] = [];
	hooks.addHandler('nodeExecuteAfter', (nodeName) => {
		nodeExecutionOrder.push(nodeName);
	});
	// On cancel the engine reports the run at once (status 'canceled', what n8n records and
	// shows) and again when the running node returns; the first report is the one that counts.
	let reportedStatus: ExecutionStatus | undefined;
	hooks.addHandler('workflowExecuteAfter', (fullRunData) => {
		reportedStatus ??= fullRunData.status;
	});

	const additionalData = buildAdditionalData({
		credentialsHelper,
		hooks,
		executionId,
		workflowId,
		baseUrl: options.baseUrl,
	});

	const runExecutionData = createRunExecutionData({
		executionData: {
			// In 'manual' mode the engine calls the start node's trigger(); in other modes it
			// passes this input through, like n8n does for a trigger that already fired.
			nodeExecutionStack: [{ node: startNode, data: { main: [items] }, source: null }],
		},
		// n8n signs the resume URL of an execution; the token is what `?signature=` carries.
		resumeToken: randomBytes(32).toString('hex'),
	});

	const workflowExecute = new WorkflowExecute(additionalData, mode, runExecutionData);
	const execution = workflowExecute.processRunExecutionData(workflow);
	// PCancelable.cancel() is what n8n's Stop button ends in: WorkflowExecute aborts the
	// signal every node context hands out as getExecutionCancelSignal().
	const abortTimer =
		options.abortAfterMs === undefined
			? undefined
			: setTimeout(() => execution.cancel(), options.abortAfterMs);
	let run: IRun;
	try {
		run = await execution;
	} finally {
		clearTimeout(abortTimer);
	}

	const runData = run.data.resultData.runData;
	const taskData = runData[resultNode]?.at(-1);
	const outputs = (taskData?.data?.[NodeConnectionTypes.Main] ?? []).map((output) => output ?? []);
	// runData keeps a plain copy of the error; hand back the instance the node threw.
	const thrown = taskData?.error ? thrownErrors.get(resultNode) : undefined;
	return {
		items: outputs[0] ?? [],
		outputs,
		error: (thrown as ExecutionBaseError | undefined) ?? taskData?.error ?? run.data.resultData.error,
		runData,
		status: reportedStatus === 'canceled' ? 'canceled' : run.status,
		cancelled: reportedStatus === 'canceled',
		run,
		executionId,
		resultNode,
		nodeExecutionOrder,
		waitTill: run.waitTill ?? undefined,
		workflow,
		credentialsHelper,
	};
}
