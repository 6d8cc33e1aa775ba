import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import * as imageRecognition from './actions/imageRecognition';
import { router } from './actions/router';
import * as task from './actions/task';

export class ToMoviee implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'ToMoviee',
		name: 'toMoviee',
		icon: { light: 'file:tomoviee.svg', dark: 'file:tomoviee.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description: 'Extract edge, pose, subject or depth masks from images with the ToMoviee (Wondershare) open API',
		defaults: { name: 'ToMoviee' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'toMovieeApi', required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Image Recognition', value: 'imageRecognition' },
					{ name: 'Task', value: 'task' },
				],
				default: 'imageRecognition',
			},
			...imageRecognition.description,
			...task.description,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
