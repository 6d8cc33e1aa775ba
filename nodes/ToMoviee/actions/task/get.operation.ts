import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { resultControlType, type NormalizedTask } from '../../helpers/taskResult';
import { validateTaskId } from '../../helpers/validation';
import { downloadOptions, waitAndBatchOptions, waitForCompletionProperty } from '../common.description';
import { readDownloadSettings, readOptions, readWaitSettings, type Job, type OperationHandler, type RunContext } from '../job';
import { queryTask } from './queryTask';

const show = { resource: ['task'], operation: ['get'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Task ID',
		name: 'taskId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. {{ $json.taskId }}',
		description: 'ID of a task submitted earlier (the taskId field of a ToMoviee step or trigger)',
		displayOptions: { show },
	},
	waitForCompletionProperty('task', 'get'),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		displayOptions: { show },
		options: [...downloadOptions, ...waitAndBatchOptions],
	},
];

function prepare(this: IExecuteFunctions, itemIndex: number): Job {
	const taskId = validateTaskId(this.getNodeParameter('taskId', itemIndex));
	const wait = this.getNodeParameter('waitForCompletion', itemIndex, true) as boolean;
	const options = readOptions(this, itemIndex);
	return {
		itemIndex,
		context: { controlType: null, imageUrl: null },
		payload: { taskId },
		wait: readWaitSettings(options, wait),
		download: readDownloadSettings(options),
		action: `querying task ${taskId}`,
	};
}

async function start(this: IExecuteFunctions, job: Job, run: RunContext): Promise<NormalizedTask> {
	const task = await queryTask.call(this, String(job.payload.taskId), run.transport);
	job.context.controlType = resultControlType(task.result) ?? job.context.controlType;
	return task;
}

export const get: OperationHandler = { description, prepare, start };
