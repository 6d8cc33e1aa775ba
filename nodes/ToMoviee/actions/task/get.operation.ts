import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { fileLabelOfTask } from '../../../shared/task/controlTypes';
import { resultControlType, type Task } from '../../../shared/task/task';
import { validateTaskId } from '../../../shared/parameters/validation';
import { batchOptions, downloadOptions, optionsCollection, waitForCompletionProperty } from '../common.description';
import type { PreparedItem } from '../../item/batchItem';
import type { Operation } from '../operation';
import { itemOptions } from '../submitOptions';

const properties: INodeProperties[] = [
	{
		displayName: 'Task ID',
		name: 'taskId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. tm_text2video_b-0-2025080109295bd73652d4',
		hint: 'The taskId field of an earlier ToMoviee step or trigger: drag it in from the input',
		description: 'ID of a task submitted earlier (the taskId field of a ToMoviee step or trigger)',
	},
	{
		...waitForCompletionProperty,
		default: false,
		description:
			'Whether to keep looking the task up until it ends (up to the Timeout). Off: one look-up, the task as it is now.',
	},
	optionsCollection([], [...downloadOptions, ...batchOptions]),
];

export const description = updateDisplayOptions({ show: { resource: ['task'], operation: ['get'] } }, properties);

function prepare(this: IExecuteFunctions, itemIndex: number): PreparedItem {
	const taskId = validateTaskId(this.getNodeParameter('taskId', itemIndex));
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	return {
		request: { kind: 'lookup', taskId, describeTask },
		inputs: {},
		fileLabel: 'result',
		...itemOptions(options),
	};
}

/** A recognition task names its control type in the result; other tasks name their kind by file. */
function describeTask(task: Task): { inputs: IDataObject; fileLabel: string } {
	const controlType = resultControlType(task.result);
	return {
		inputs: controlType === null ? {} : { controlType },
		fileLabel: fileLabelOfTask(task.taskId, task.result),
	};
}

export const get: Operation = {
	menu: {
		name: 'Get',
		description: 'Get the status and result of a task',
		action: 'Get a task',
	},
	description,
	canParkForCallbacks: false,
	waitsByDefault: false,
	prepare,
};
