import './user-folder';

import { WebhookContext } from 'n8n-core';
import type {
	IDataObject,
	IHttpRequestMethods,
	INode,
	INodeType,
	IVersionedNodeType,
	IWebhookData,
	IWebhookDescription,
	IWebhookResponseData,
	WebhookType,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { deepCopy, isNodeClassInstance, NodeHelpers, UnexpectedError, Workflow } from 'n8n-workflow';
import { randomUUID } from 'node:crypto';

import { buildAdditionalData } from './additional-data';
import { HarnessNodeTypes } from './node-types';
import type { HarnessOptions, TestNodeSpec } from './run-workflow';
import { TestCredentials } from './test-credentials';
import type { RecordedResponse, WebhookRequest, WebhookRequestSpec } from './webhook-http';
import { createWebhookRequest, WebhookResponseRecorder } from './webhook-http';

export interface WebhookTargetOptions extends HarnessOptions {
	/** The trigger's node type instance. */
	nodeType: INodeType | IVersionedNodeType;
	/** Defaults: type `n8n-nodes-tomoviee.<description.name>`, a random webhookId. */
	node?: Partial<TestNodeSpec>;
	workflowStaticData?: IDataObject;
	/** Defaults to 'webhook' (a production webhook of an active workflow). */
	mode?: WorkflowExecuteMode;
}

export interface RunWebhookOptions extends WebhookTargetOptions {
	request: WebhookRequestSpec;
	/** Which of the node's webhooks; defaults to the one `request.path` names, else 'default'. */
	webhookName?: WebhookType;
}

export interface WebhookRunResult {
	webhookResponse: unknown;
	workflowData: IWebhookResponseData['workflowData'];
	noWebhookResponse: boolean;
	/** What the node wrote to `this.getResponseObject()` itself. */
	response: RecordedResponse;
	/** The workflow's static data after the call. */
	staticData: IDataObject;
	node: INode;
}

/** One of the node's webhooks as n8n registers it (n8n's WebhookService.getNodeWebhooks). */
export interface RegisteredWebhook {
	description: IWebhookDescription;
	methods: IHttpRequestMethods[];
	/** Path after `/webhook/`: `<webhookId>/<path>`, or the path alone with isFullPath. */
	path: string;
}

/** The trigger node in a one-node workflow, ready to receive webhook calls. */
export class WebhookTarget {
	readonly node: INode;

	readonly nodeTypes: HarnessNodeTypes;

	readonly credentialsHelper: TestCredentials;

	readonly typeName: string;

	staticData: IDataObject;

	constructor(private readonly options: WebhookTargetOptions) {
		const spec = options.node ?? {};
		const probe = NodeHelpers.getVersionedNodeType(options.nodeType, spec.typeVersion);
		const { description } = probe;
		this.typeName = spec.type ?? `n8n-nodes-tomoviee.${description.name}`;
		this.nodeTypes = new HarnessNodeTypes({ [this.typeName]: options.nodeType });
		this.credentialsHelper = new TestCredentials(options.credentialTypes, options.credentials);
		this.staticData = deepCopy(options.workflowStaticData ?? {});

		const credentials: INode['credentials'] = {};
		for (const { name } of description.credentials ?? []) {
			const stored = options.credentials?.[name];
			if (stored) credentials[name] = { id: stored.id, name: stored.name };
		}
		this.node = {
			id: randomUUID(),
			name: spec.name ?? description.defaults.name ?? description.displayName,
			type: this.typeName,
			typeVersion: spec.typeVersion ?? 1,
			position: [0, 0],
			parameters: spec.parameters ?? {},
			webhookId: spec.webhookId ?? randomUUID(),
			credentials: spec.credentials ?? (Object.keys(credentials).length ? credentials : undefined),
		};
	}

	/** A fresh workflow per call, like n8n loading the workflow for each webhook request. */
	createWorkflow(): Workflow {
		return new Workflow({
			id: 'harness',
			name: 'Harness webhook workflow',
			nodes: [this.node],
			connections: {},
			active: true,
			nodeTypes: this.nodeTypes,
			staticData: deepCopy(this.staticData),
			settings: { executionOrder: 'v1' },
		});
	}

	/** The webhooks n8n would register for the node (restart webhooks excluded). */
	getWebhooks(workflow = this.createWorkflow()): RegisteredWebhook[] {
		const nodeType = this.nodeTypes.getByNameAndVersion(this.node.type, this.node.typeVersion);
		const result: RegisteredWebhook[] = [];
		for (const description of nodeType.description.webhooks ?? []) {
			if (description.restartWebhook === true) continue;
			const evaluate = (value: unknown, fallback?: string | boolean) =>
				workflow.expression.getSimpleParameterValue(
					this.node,
					value as string,
					'internal',
					{},
					undefined,
					fallback,
				);
			const nodePath = String(evaluate(description.path) ?? '').replace(/^\/+|\/+$/g, '');
			const isFullPath = evaluate(description.isFullPath, false) as boolean;
			const methods = String(evaluate(description.httpMethod, 'GET'))
				.split(',')
				.map((method) => method.trim() as IHttpRequestMethods)
				.filter(Boolean);
			const path = NodeHelpers.getNodeWebhookPath(workflow.id, this.node, nodePath, isFullPath, false);
			result.push({ description, methods, path });
		}
		return result;
	}

	/**
	 * Calls the node's `webhook()` through n8n-core's WebhookContext, as n8n's
	 * WebhookService.runWebhook does, with `req`/`res` in the additional data.
	 */
	async invoke(
		workflow: Workflow,
		webhook: RegisteredWebhook,
		req: WebhookRequest,
		res: WebhookResponseRecorder,
		baseUrl?: string,
	): Promise<IWebhookResponseData> {
		const additionalData = buildAdditionalData({
			credentialsHelper: this.credentialsHelper,
			baseUrl: baseUrl ?? this.options.baseUrl,
			workflowId: workflow.id,
		});
		additionalData.httpRequest = req as never;
		additionalData.httpResponse = res as never;

		const webhookData: IWebhookData = {
			httpMethod: (req.method ?? 'POST') as IHttpRequestMethods,
			node: this.node.name,
			path: webhook.path,
			webhookDescription: webhook.description,
			workflowId: workflow.id,
			workflowExecuteAdditionalData: additionalData,
			webhookId: this.node.webhookId,
		};
		const nodeType = this.nodeTypes.getByNameAndVersion(this.node.type, this.node.typeVersion);
		if (nodeType.webhook === undefined) {
			throw new UnexpectedError('Node does not have any webhooks defined');
		}
		const context = new WebhookContext(
			workflow,
			this.node,
			additionalData,
			this.options.mode ?? 'webhook',
			webhookData,
			[],
			null,
		);
		await workflow.expression.acquireIsolate();
		try {
			return isNodeClassInstance(nodeType)
				? await nodeType.webhook(context)
				: ((await nodeType.webhook.call(context)) as IWebhookResponseData);
		} finally {
			await workflow.expression.releaseIsolate();
		}
	}
}

/** Static data as the node left it, without n8n's change marker. */
export function plainStaticData(workflow: Workflow): IDataObject {
	const data = deepCopy(workflow.staticData) as IDataObject;
	delete data.__dataChanged;
	return data;
}

function pickWebhook(
	webhooks: RegisteredWebhook[],
	spec: WebhookRequestSpec,
	name: WebhookType | undefined,
): RegisteredWebhook {
	const requestPath = spec.path?.split('?')[0].replace(/^\/+|\/+$/g, '').replace(/^webhook\//, '');
	const found =
		(requestPath && webhooks.find((w) => w.path === requestPath)) ||
		webhooks.find((w) => w.description.name === (name ?? 'default'));
	if (!found) {
		throw new UnexpectedError(
			`The node has no webhook "${name ?? requestPath ?? 'default'}" (it has ${webhooks.map((w) => `${w.description.name} /webhook/${w.path}`).join(', ')})`,
		);
	}
	return found;
}

/**
 * Runs a trigger node's `webhook()` once, in-process, through n8n-core's WebhookContext.
 * Throws what the node throws.
 */
export async function runWebhook(options: RunWebhookOptions): Promise<WebhookRunResult> {
	const target = new WebhookTarget(options);
	const workflow = target.createWorkflow();
	const webhook = pickWebhook(target.getWebhooks(workflow), options.request, options.webhookName);
	const req = createWebhookRequest(
		{ method: webhook.methods[0], ...options.request },
		`/webhook/${webhook.path}`,
	);
	const res = new WebhookResponseRecorder();
	const result = await target.invoke(workflow, webhook, req, res);
	return {
		webhookResponse: result.webhookResponse as unknown,
		workflowData: result.workflowData,
		noWebhookResponse: result.noWebhookResponse === true,
		response: res.recorded,
		staticData: plainStaticData(workflow),
		node: target.node,
	};
}
