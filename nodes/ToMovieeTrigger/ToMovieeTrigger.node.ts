import type {
	IDataObject,
	IHookFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { downloadOptions } from '../ToMoviee/actions/common.description';
import { readBatchSettings, readDownloadSettings } from '../ToMoviee/actions/job';
import { parseCallbackBody } from '../ToMoviee/helpers/callbackPayload';
import { SIGNATURE_PARAM, verifySignature } from '../ToMoviee/helpers/callbackSignature';
import { CREDENTIAL_NAME } from '../ToMoviee/helpers/constants';
import { RecentKeys } from '../ToMoviee/helpers/recentKeys';
import { resultControlType } from '../ToMoviee/helpers/taskResult';
import { FINAL_STATUSES } from '../ToMoviee/helpers/taskStatus';
import { downloadMasks } from '../ToMoviee/transport/downloadMasks';

/** Deliveries already turned into executions, per process (see README: what dedupe covers). */
const deliveredCallbacks = new RecentKeys(10_000);
const STORED_KEYS_LIMIT = 200;
const HIDDEN_HEADERS = new Set(['authorization', 'cookie', 'x-app-key', 'proxy-authorization']);

function reply(context: IWebhookFunctions, statusCode: number, msg: string): IWebhookResponseData {
	const response = context.getResponseObject();
	response.status(statusCode).json({ code: statusCode, msg });
	return { noWebhookResponse: true };
}

function requestBodySize(context: IWebhookFunctions): number {
	const request = context.getRequestObject();
	const declared = Number(request.headers['content-length']);
	if (Number.isFinite(declared) && declared > 0) return declared;
	const raw = (request as { rawBody?: { length: number } }).rawBody;
	return raw?.length ?? JSON.stringify(context.getBodyData() ?? {}).length;
}

function requestPath(context: IWebhookFunctions): string {
	const request = context.getRequestObject();
	return request.originalUrl ?? request.url ?? '/';
}

function withoutSignature(query: IDataObject): IDataObject {
	const copy = { ...query };
	delete copy[SIGNATURE_PARAM];
	return copy;
}

export class ToMovieeTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'ToMoviee Trigger',
		name: 'toMovieeTrigger',
		icon: { light: 'file:tomoviee.svg', dark: 'file:tomoviee.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{ "On callback: " + $parameter["statuses"].join(", ") }}',
		description: 'Starts the workflow when ToMoviee calls back with the outcome of a task',
		defaults: { name: 'ToMoviee Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'toMovieeApi', required: true }],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				path: 'callback',
			},
		],
		properties: [
			{
				displayName:
					'Paste this node\'s Production URL into the ToMoviee node\'s "Callback URL" option; the ToMoviee node signs it so only real callbacks get through',
				name: 'notice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Statuses',
				name: 'statuses',
				type: 'multiOptions',
				default: [...FINAL_STATUSES],
				description: 'Task outcomes that start the workflow; other callbacks are answered and ignored',
				options: [
					{ name: 'Cancelled', value: 'cancelled' },
					{ name: 'Failed', value: 'failed' },
					{ name: 'Processing', value: 'processing' },
					{ name: 'Queued', value: 'queued' },
					{ name: 'Succeeded', value: 'succeeded' },
					{ name: 'Timed Out', value: 'timedOut' },
				],
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add option',
				default: {},
				options: [
					{
						displayName: 'Allow Unsigned Callbacks',
						name: 'allowUnsigned',
						type: 'boolean',
						default: false,
						description:
							'Whether to accept callbacks whose URL has no signature (URLs configured outside n8n). Risky: anyone who learns the URL can then start this workflow with made-up results.',
					},
					...downloadOptions.map((option) =>
						option.name === 'download'
							? {
									...option,
									description:
										'Whether to download the result images of succeeded tasks and attach them as binary data for a storage node. A failed download still starts the workflow, with the reason in downloadError.',
								}
							: option,
					),
					{
						displayName: 'Include Raw Request',
						name: 'includeRaw',
						type: 'boolean',
						default: false,
						description:
							'Whether to add the raw body, headers and query to the output (never the signature or authorization headers)',
					},
					{
						displayName: 'Max Body Size (KB)',
						name: 'maxBodySizeKb',
						type: 'number',
						typeOptions: { minValue: 1, maxValue: 16384 },
						default: 1024,
						description: 'Larger callbacks are refused with HTTP 413',
					},
				],
			},
		],
	};

	webhookMethods = {
		default: {
			// Nothing is registered at ToMoviee: the URL travels with each task. The hooks keep a
			// record of the active URL and make activation fail when the credential is missing.
			async checkExists(this: IHookFunctions): Promise<boolean> {
				const staticData = this.getWorkflowStaticData('node');
				return staticData.callbackUrl === this.getNodeWebhookUrl('default');
			},
			async create(this: IHookFunctions): Promise<boolean> {
				const credentials = await this.getCredentials(CREDENTIAL_NAME);
				if (!credentials?.appSecret) {
					throw new NodeOperationError(
						this.getNode(),
						'The ToMoviee API credential has no app secret, so callback signatures cannot be checked',
					);
				}
				const staticData = this.getWorkflowStaticData('node');
				staticData.callbackUrl = this.getNodeWebhookUrl('default');
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				const staticData = this.getWorkflowStaticData('node');
				delete staticData.callbackUrl;
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const options = this.getNodeParameter('options', {}) as IDataObject;
		const statuses = this.getNodeParameter('statuses', FINAL_STATUSES) as string[];
		const maxBytes = Number(options.maxBodySizeKb ?? 1024) * 1024;
		let download;
		try {
			download = readDownloadSettings(options);
		} catch (error) {
			throw new NodeOperationError(this.getNode(), error as Error);
		}
		if (requestBodySize(this) > maxBytes) {
			return reply(this, 413, `The callback body is larger than ${Math.round(maxBytes / 1024)} KB`);
		}

		const query = this.getQueryData() as IDataObject;
		const signature = query[SIGNATURE_PARAM];
		const unsignedAllowed = options.allowUnsigned === true && (signature === undefined || signature === '');
		if (!unsignedAllowed) {
			const credentials = await this.getCredentials(CREDENTIAL_NAME);
			const candidatePaths = [requestPath(this), this.getNodeWebhookUrl('default') ?? ''].filter(Boolean);
			if (!verifySignature(String(credentials.appSecret ?? ''), signature, candidatePaths)) {
				return reply(this, 401, signature ? 'The callback signature is wrong' : 'The callback URL is not signed');
			}
		}

		const parsed = parseCallbackBody(this.getBodyData());
		if (!parsed.ok) return reply(this, 400, parsed.reason);
		const { task, params } = parsed;
		if (!statuses.includes(task.status)) {
			return { webhookResponse: { code: 0, msg: 'ok' } };
		}

		const node = this.getNode();
		const deliveryKey = `${this.getWorkflow().id ?? ''}:${node.id ?? node.name}:${task.taskId}:${task.statusCode}`;
		const staticData = this.getWorkflowStaticData('node');
		const storedKeys = Array.isArray(staticData.deliveredKeys) ? (staticData.deliveredKeys as string[]) : [];
		if (storedKeys.includes(deliveryKey) || !deliveredCallbacks.remember(deliveryKey)) {
			return { webhookResponse: { code: 0, msg: 'ok' } };
		}
		// Best effort: n8n 2.41 does not save static data changed here, the in-process window is what counts.
		staticData.deliveredKeys = [...storedKeys, deliveryKey].slice(-STORED_KEYS_LIMIT);

		const json: IDataObject = {
			...task,
			result: task.result as IDataObject,
			params: params as IDataObject,
			receivedAt: new Date().toISOString(),
		};
		if (options.includeRaw === true) {
			const headers = { ...this.getHeaderData() } as IDataObject;
			for (const name of Object.keys(headers)) if (HIDDEN_HEADERS.has(name.toLowerCase())) delete headers[name];
			json.raw = { body: this.getBodyData(), headers, query: withoutSignature(query) };
		}
		const item: INodeExecutionData = { json };
		if (download && task.status === 'succeeded') {
			try {
				item.binary = await downloadMasks(this, task, resultControlType(task.result), {
					...download,
					timeoutMs: readBatchSettings({}).requestTimeoutMs,
				});
			} catch (error) {
				// The callback is not repeated: start the workflow anyway and say why the file is missing.
				json.downloadError = error instanceof Error ? error.message : String(error);
			}
		}
		// With responseMode onReceived n8n 2.41 answers its default "firstEntryJson" text before it
		// looks at webhookResponse when an execution starts, so the node answers itself.
		this.getResponseObject().status(200).json({ code: 0, msg: 'ok' });
		return { noWebhookResponse: true, workflowData: [[item]] };
	}
}
