import './user-folder';

import { ExecutionLifecycleHooks, ExternalSecretsProxy, WorkflowExecute } from 'n8n-core';
import type {
	ExecutionBaseError,
	ExecutionStatus,
	IConnections,
	IDataObject,
	INode,
	INodeExecutionData,
	IRun,
	IRunData,
	IRunExecutionData,
	IWorkflowBase,
	IWorkflowExecuteAdditionalData,
	IWorkflowSettings,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { createRunExecutionData, deepCopy, NodeConnectionTypes, UnexpectedError, Workflow } from 'n8n-workflow';
import { randomBytes, randomUUID } from 'node:crypto';

import type { CredentialMap, CredentialTypeMap } from './credentials';
import { TestCredentials } from './credentials';
import type { NodeTypeMap } from './node-types';
import { HarnessNodeTypes, START_NODE_NAME, START_NODE_TYPE } from './node-types';

/** n8n's default address; `$execution.resumeUrl` and webhook URLs are built from it. */
export const DEFAULT_BASE_URL = 'http://localhost:5678';

export interface HarnessOptions {
	/** Node types by full type name (e.g. `n8n-nodes-tomoviee.toMoviee`). */
	nodeTypes?: NodeTypeMap;
	credentialTypes?: CredentialTypeMap;
	/** Stored credentials by credential type name; nodes get those whose type they declare. */
	credentials?: CredentialMap;
	/** Where n8n would listen: a `startWebhookServer()` URL makes resume URLs reach it. */
	baseUrl?: string;
}

/** A node: its type, anything else of INode as wanted; `continueOnFail` is On Error: Continue. */
export type TestNodeSpec = Partial<INode> & { type: string; continueOnFail?: boolean };

export interface RunWorkflowOptions extends HarnessOptions {
	/** What the start node passes on. Defaults to one empty item. */
	items?: INodeExecutionData[];
	/** One node after the start node, or several (the start node feeds the first). */
	node?: TestNodeSpec;
	nodes?: TestNodeSpec[];
	connections?: IConnections;
	/** Whose output `items` and `error` report. Defaults to `node`, or the last of `nodes`. */
	resultNode?: string;
	/** Cancels the execution (n8n's Stop button) after this many ms. */
	abortAfterMs?: number;
	mode?: WorkflowExecuteMode;
	/** A parked run counts as saved this long after the node returned (until then its resume URL answers 409 "running already", as n8n's does). */
	saveDelayMs?: number;
}

export interface WorkflowRunResult {
	/** Main output 0 of the result node's last run. */
	items: INodeExecutionData[];
	/** Every main output of the result node's last run. */
	outputs: INodeExecutionData[][];
	/** The instance the result node threw (also when it continued on fail), else the run's error. */
	error: ExecutionBaseError | undefined;
	/** 'canceled' when the run was stopped (what n8n records), else the engine's final status. */
	status: ExecutionStatus;
	cancelled: boolean;
	runData: IRunData;
	run: IRun;
	/** Node names in the order they finished. */
	nodeExecutionOrder: string[];
	waitTill: Date | undefined;
	executionId: string;
	/** The execution's signed `$execution.resumeUrl`. */
	resumeUrl: string;
	execution: Execution;
	workflow: Workflow;
}

/** A POST to an execution's resume URL: the answer, and whether the execution went on. */
export interface ResumeDelivery {
	statusCode: number;
	resumed: boolean;
}

/** An execution as n8n's database holds it, across park and resume. */
export interface Execution {
	id: string;
	status: ExecutionStatus;
	/** The first run, then one per resume. */
	runs: WorkflowRunResult[];
	deliveries: ResumeDelivery[];
	/** Resolves with the last run once the execution no longer waits. */
	finished: Promise<WorkflowRunResult>;
	/** The run data saved when it parked, as JSON (n8n stores it serialised). */
	saved?: string;
	resumeToken: string;
	setup: Setup;
	settle(run: WorkflowRunResult): void;
}

/** What a workflow's runs and resumes share: nodes, node types, credentials and where n8n listens. */
export type Setup = ReturnType<typeof prepare>;

/** What n8n's database would hold: executions by id, for the resume URLs. */
export const executions = new Map<string, Execution>();

/** What n8n's WorkflowExecuteAdditionalData.getBase() gives, without a database. */
export function additionalData(
	credentialsHelper: TestCredentials,
	baseUrl: string,
	executionId?: string,
	hooks?: ExecutionLifecycleHooks,
): IWorkflowExecuteAdditionalData {
	const unavailable = () => {
		throw new UnexpectedError('Sub-workflows and the task runner are not available in the harness');
	};
	const base = baseUrl.replace(/\/+$/, '');
	return {
		credentialsHelper,
		hooks,
		executionId,
		workflowId: 'harness',
		externalSecretsProxy: new ExternalSecretsProxy(),
		executeWorkflow: unavailable,
		startRunnerTask: unavailable,
		getRunExecutionData: async () => undefined,
		getRuntimeCredential: async () => undefined,
		logAiEvent: () => {},
		currentNodeExecutionIndex: 0,
		variables: {},
		instanceBaseUrl: `${base}/`,
		restApiUrl: `${base}/rest`,
		formBaseUrl: `${base}/form`,
		formWaitingBaseUrl: `${base}/form-waiting`,
		formTestBaseUrl: `${base}/form-test`,
		webhookBaseUrl: `${base}/webhook`,
		webhookWaitingBaseUrl: `${base}/webhook-waiting`,
		webhookTestBaseUrl: `${base}/webhook-test`,
		mcpBaseUrl: `${base}/mcp`,
		mcpTestBaseUrl: `${base}/mcp-test`,
	};
}

type WorkflowParts = Pick<Setup, 'nodes' | 'connections' | 'nodeTypes' | 'settings' | 'staticData'>;

export function createWorkflow({ nodes, connections, nodeTypes, settings, staticData }: WorkflowParts, active = false) {
	return new Workflow({ id: 'harness', name: 'Harness', nodes: deepCopy(nodes), connections, active, nodeTypes, staticData, settings });
}

/** A node as the editor would save it, with the stored credentials its type declares. */
export function buildNode(spec: TestNodeSpec, nodeTypes: HarnessNodeTypes, credentials: CredentialMap = {}): INode {
	const { continueOnFail, ...given } = spec;
	const fields = Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined));
	const { description } = nodeTypes.getByNameAndVersion(spec.type, spec.typeVersion ?? 1);
	const declared = (description.credentials ?? []).filter(({ name }) => credentials[name]);
	const nodeCredentials = Object.fromEntries(declared.map(({ name }) => [name, { id: credentials[name].id, name: credentials[name].name }]));
	return {
		id: randomUUID(),
		name: description.defaults.name ?? description.displayName,
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
		...(continueOnFail ? { onError: 'continueRegularOutput' } : {}),
		...(declared.length ? { credentials: nodeCredentials } : {}),
		...fields,
		type: spec.type,
	};
}

function prepare(options: RunWorkflowOptions) {
	const thrown = new Map<string, unknown>();
	const nodeTypes = new HarnessNodeTypes(options.nodeTypes ?? {}, (name, error) => thrown.set(name, error));
	const specs = options.node ? [options.node] : (options.nodes ?? []);
	if (!specs.length) throw new UnexpectedError('runWorkflow needs `node` or `nodes`');
	const tested = specs.map((spec) => buildNode(spec, nodeTypes, options.credentials));
	const start: INode = { id: randomUUID(), name: START_NODE_NAME, type: START_NODE_TYPE, typeVersion: 1, position: [0, 0], parameters: {} };
	return {
		nodeTypes,
		thrown,
		credentialsHelper: new TestCredentials(options.credentialTypes, options.credentials),
		nodes: [start, ...tested],
		connections: {
			[START_NODE_NAME]: { main: [[{ node: tested[0].name, type: NodeConnectionTypes.Main, index: 0 }]] },
			...options.connections,
		} as IConnections,
		settings: { executionOrder: 'v1' } as IWorkflowSettings,
		staticData: {} as IDataObject,
		resultNode: options.resultNode ?? tested[tested.length - 1].name,
		mode: options.mode ?? ('manual' as WorkflowExecuteMode),
		baseUrl: options.baseUrl ?? DEFAULT_BASE_URL,
		saveDelayMs: options.saveDelayMs ?? 0,
	};
}

/**
 * Runs a workflow (a start node passing `items`, then the node(s) under test) through n8n-core's
 * WorkflowExecute with lifecycle hooks, and resolves when the engine does. A run that parks
 * (`putExecutionToWait`) is kept, so that a `startWebhookServer()` can resume it.
 */
export async function runWorkflow(options: RunWorkflowOptions): Promise<WorkflowRunResult> {
	const setup = prepare(options);
	let settle: (run: WorkflowRunResult) => void = () => {};
	const finished = new Promise<WorkflowRunResult>((resolve) => (settle = resolve));
	// n8n signs an execution's resume URL with its resume token (`?signature=`).
	const resumeToken = randomBytes(32).toString('hex');
	const execution: Execution = { id: randomUUID(), status: 'new', runs: [], deliveries: [], finished, settle, setup, resumeToken };
	executions.set(execution.id, execution);
	const stack = [{ node: setup.nodes[0], data: { main: [options.items ?? [{ json: {} }]] }, source: null }];
	const data = createRunExecutionData({ executionData: { nodeExecutionStack: stack }, resumeToken });
	return await execute(execution, data, options.abortAfterMs);
}

/** Runs an execution's run data (new, or resumed) to its end or next park, and records the outcome. */
export async function execute(execution: Execution, data: IRunExecutionData, abortAfterMs?: number): Promise<WorkflowRunResult> {
	const { setup } = execution;
	execution.status = 'running';
	const workflow = createWorkflow(setup);
	const { nodes, connections, settings } = setup;
	const workflowData = { id: workflow.id, name: workflow.name, nodes, connections, settings } as IWorkflowBase;
	const hooks = new ExecutionLifecycleHooks(setup.mode, execution.id, workflowData);
	const nodeExecutionOrder: string[] = [];
	hooks.addHandler('nodeExecuteAfter', (nodeName) => void nodeExecutionOrder.push(nodeName));
	// On Stop the engine reports the run at once ('canceled') and again when the node returns.
	let reported: ExecutionStatus | undefined;
	hooks.addHandler('workflowExecuteAfter', (fullRun) => void (reported ??= fullRun.status));
	const extra = additionalData(setup.credentialsHelper, setup.baseUrl, execution.id, hooks);
	const running = new WorkflowExecute(extra, setup.mode, data).processRunExecutionData(workflow);
	// PCancelable.cancel() is what the Stop button ends in: it aborts the nodes' cancel signal.
	const timer = abortAfterMs === undefined ? undefined : setTimeout(() => running.cancel(), abortAfterMs);
	const run = await running.finally(() => clearTimeout(timer));

	const runData = run.data.resultData.runData;
	const taskData = runData[setup.resultNode]?.at(-1);
	const outputs = (taskData?.data?.[NodeConnectionTypes.Main] ?? []).map((output) => output ?? []);
	const thrown = taskData?.error ? (setup.thrown.get(setup.resultNode) as ExecutionBaseError | undefined) : undefined;
	const result: WorkflowRunResult = {
		items: outputs[0] ?? [],
		outputs,
		error: thrown ?? taskData?.error ?? run.data.resultData.error,
		status: reported === 'canceled' ? 'canceled' : run.status,
		cancelled: reported === 'canceled',
		runData,
		run,
		nodeExecutionOrder,
		waitTill: run.waitTill ?? undefined,
		executionId: execution.id,
		resumeUrl: `${extra.webhookWaitingBaseUrl}/${execution.id}?signature=${execution.resumeToken}`,
		execution,
		workflow,
	};
	execution.runs.push(result);
	if (run.status === 'waiting') {
		const saved = JSON.stringify(run.data);
		const save = () => {
			execution.saved = saved;
			execution.status = 'waiting';
		};
		if (setup.saveDelayMs > 0) setTimeout(save, setup.saveDelayMs);
		else save();
	} else {
		execution.status = result.status;
		execution.settle(result);
	}
	return result;
}
