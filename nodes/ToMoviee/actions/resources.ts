import type { INodeProperties } from 'n8n-workflow';

import * as audio from './audio';
import * as image from './image';
import * as imageRecognition from './imageRecognition';
import type { Operation } from './operation';
import * as task from './task';
import * as video from './video';

export interface Resource {
	displayName: string;
	operations: Record<string, Operation>;
	description: INodeProperties[];
}

/** Every resource of the node, by the value stored in workflows (keep the values stable). */
export const resources: Record<string, Resource> = {
	audio,
	image,
	imageRecognition,
	task,
	video,
};
