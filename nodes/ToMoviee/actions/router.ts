import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { runBatch } from '../engine/batch';
import * as audio from './audio';
import * as image from './image';
import * as imageRecognition from './imageRecognition';
import type { Operation } from './operation';
import * as task from './task';
import * as video from './video';

const operations: Record<string, Record<string, Operation>> = {
	audio: audio.operations,
	image: image.operations,
	imageRecognition: imageRecognition.operations,
	task: task.operations,
	video: video.operations,
};

/** Picks the operation of the node's resource and hands the batch to the engine. */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const resource = this.getNodeParameter('resource', 0) as string;
	const operationName = this.getNodeParameter('operation', 0) as string;
	const operation = Object.hasOwn(operations, resource) && Object.hasOwn(operations[resource], operationName) ? operations[resource][operationName] : undefined;
	if (!operation) {
		throw new NodeOperationError(this.getNode(), `The operation "${operationName}" of "${resource}" is not supported`);
	}
	return await runBatch.call(this, operation);
}
