import type { IExecuteFunctions, IWebhookFunctions } from 'n8n-workflow';

import { TASK_QUERY_PATH } from '../../helpers/constants';
import { normalizeTask, type NormalizedTask } from '../../helpers/taskResult';
import { callToMoviee, type TransportSettings } from '../../transport/request';

/** One look at a task: POST /v1/open/pub/task. */
export async function queryTask(
	this: IExecuteFunctions | IWebhookFunctions,
	taskId: string,
	transport: TransportSettings,
): Promise<NormalizedTask> {
	const data = await callToMoviee.call(this, { method: 'POST', path: TASK_QUERY_PATH, body: { task_id: taskId } }, transport);
	return normalizeTask(data, taskId);
}
