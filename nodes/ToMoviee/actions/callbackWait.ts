import { NodeHelpers } from 'n8n-workflow';
import type {
	IDataObject,
	IRunExecutionData,
	IExecuteFunctions,
	INodeExecutionData,
	IWebhookDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import { otherTasksInCheckOrder, parkedItemsFromOutput, type ParkedItem } from '../helpers/callbackBatch';
import { BoundedCache } from '../helpers/boundedCache';
import { parseCallbackBody } from '../helpers/callbackPayload';
import { CREDENTIAL_NAME, DEFAULT_BASE_URL } from '../helpers/constants';
import { taskFailureMessage, toOutputJson } from '../helpers/outputItem';
import type { NormalizedTask } from '../helpers/taskResult';
import { isFinalStatus } from '../helpers/taskStatus';
import { downloadMasks } from '../transport/downloadMasks';
import type { TransportSettings } from '../transport/request';
import { toNodeError } from '../transport/errorMapping';
import { readBatchSettings, readDownloadSettings, type DownloadRequest } from './job';
import { queryTask } from './task/queryTask';

const OK = { code: 0, msg: 'ok' };

/**
 * Tasks seen ended, in this n8n process: a callback's own outcome saves looking the task up
 * again at the next callback. Ended tasks never change, so a stale entry cannot mislead;
 * after a restart the tasks are simply queried.
 */
const endedTasks = new BoundedCache<NormalizedTask>(5000);

/** The node's one webhook: n8n routes POSTs to a waiting execution's resume URL to it. */
export const callbackResumeWebhooks: IWebhookDescription[] = [
	{
		name: 'default',
		httpMethod: 'POST',
		responseMode: 'onReceived',
		path: '',
		isFullPath: true,
		restartWebhook: true,
	},
];

/** The URL ToMoviee calls back for this execution: n8n's signed resume URL. */
export function resumeUrlOf(context: IExecuteFunctions, itemIndex: number): string {
	return String(context.evaluateExpression('{{ $execution.resumeUrl }}', itemIndex));
}

const CONTEXT_KEY = 'parkedItems';

/**
 * Parks the execution until the deadline. The items shown while parked (the accepted task,
 * or the item's error) stay in the node's execution context for webhook() to read.
 */
export async function parkUntilCallbacks(
	this: IExecuteFunctions,
	output: INodeExecutionData[],
	deadline: number,
): Promise<INodeExecutionData[][]> {
	this.getContext('node')[CONTEXT_KEY] = output.map((item) => item.json);
	await this.putExecutionToWait(new Date(deadline));
	return [output];
}

/**
 * The parked batch, from the node's execution context (saved with the waiting execution).
 * WebhookContext holds the execution's data but declares no getter for the context, and n8n
 * drops the parked run's output before webhook() runs, so the context is read directly.
 */
function readParkedItems(context: IWebhookFunctions): ParkedItem[] {
	const runExecutionData = (context as unknown as { runExecutionData?: IRunExecutionData | null }).runExecutionData;
	if (!runExecutionData?.executionData) return [];
	const nodeContext = NodeHelpers.getContext(runExecutionData, 'node', context.getNode());
	return parkedItemsFromOutput(nodeContext[CONTEXT_KEY]);
}

async function webhookTransport(context: IWebhookFunctions): Promise<TransportSettings> {
	const credentials = await context.getCredentials(CREDENTIAL_NAME);
	const { maxTries, requestTimeoutMs } = readBatchSettings({});
	return { baseUrl: String(credentials.baseUrl || DEFAULT_BASE_URL), maxTries, requestTimeoutMs, retryBaseMs: 500 };
}

async function outputItem(
	context: IWebhookFunctions,
	download: DownloadRequest | undefined,
	item: ParkedItem,
	itemIndex: number,
	task: NormalizedTask | undefined,
): Promise<INodeExecutionData> {
	const pairedItem = { item: itemIndex };
	if (!task) {
		// Only items that failed before parking have no task; parkedItemsFromOutput gave them an error.
		return { json: { ...item.context, error: item.error?.message, errorDescription: item.error?.description }, pairedItem };
	}
	const json: IDataObject = toOutputJson(task, item.context);
	const failure = taskFailureMessage(task, itemIndex);
	if (failure) json.error = failure;
	if (!failure && download && task.status === 'succeeded') {
		try {
			const binary = await downloadMasks(context, task, item.context.controlType, {
				...download,
				timeoutMs: readBatchSettings({}).requestTimeoutMs,
			});
			return { json, binary, pairedItem };
		} catch (error) {
			json.error = toNodeError(context.getNode(), error, {
				itemIndex,
				action: 'downloading the result image',
				taskId: task.taskId,
			}).message;
		}
	}
	return { json, pairedItem };
}

/**
 * A callback for one task of a parked batch. The execution resumes only when every task has
 * ended: the other tasks are looked up (stopping at the first still running), since n8n keeps
 * no state between two calls of a waiting webhook.
 */
export async function resumeOnCallback(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const parsed = parseCallbackBody(this.getBodyData());
	if (!parsed.ok) {
		this.getResponseObject().status(400).json({ code: 400, msg: parsed.reason });
		return { noWebhookResponse: true };
	}
	const items = readParkedItems(this);
	const reported = parsed.task;
	const reportedIndex = items.findIndex((item) => item.taskId === reported.taskId);
	if (reportedIndex < 0 || !isFinalStatus(reported.statusCode ?? undefined)) {
		// Not part of this wait, or not final yet: keep waiting.
		return { webhookResponse: OK };
	}

	const transport = await webhookTransport(this);
	// A callback body without the result (forms differ) is completed from the task itself.
	const complete = reported.status === 'succeeded' && reported.resultUrls.length === 0
		? await queryTask.call(this, reported.taskId, transport)
		: reported;
	endedTasks.set(complete.taskId, complete);
	const ended = new Map<number, NormalizedTask>([[reportedIndex, complete]]);
	for (const { index, taskId } of otherTasksInCheckOrder(items, reported.taskId)) {
		const task = endedTasks.get(taskId) ?? (await queryTask.call(this, taskId, transport));
		if (!isFinalStatus(task.statusCode ?? undefined)) return { webhookResponse: OK };
		endedTasks.set(taskId, task);
		ended.set(index, task);
	}

	const download = readDownloadSettings(this.getNodeParameter('options', {}) as IDataObject);
	const output: INodeExecutionData[] = [];
	for (const [itemIndex, item] of items.entries()) {
		output.push(await outputItem(this, download, item, itemIndex, ended.get(itemIndex)));
	}
	// n8n 2.41 would answer "firstEntryJson" for a call that resumes the run: answer here.
	this.getResponseObject().status(200).json(OK);
	return { noWebhookResponse: true, workflowData: [output] };
}
