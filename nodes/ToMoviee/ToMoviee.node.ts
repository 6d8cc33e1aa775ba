import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { testToMovieeCredential } from '../shared/transport/credentialTest';
import * as imageRecognition from './actions/imageRecognition';
import { router } from './actions/router';
import * as task from './actions/task';
import { resumeOnCallback, resumeWebhooks } from './engine/resume';

export class ToMoviee implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'ToMoviee',
		name: 'toMoviee',
		icon: { light: 'file:../shared/tomoviee.svg', dark: 'file:../shared/tomoviee.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ {"imageRecognition": "Image Recognition", "task": "Task"}[$parameter["resource"]] + ": " + {"recognize": "Recognize", "get": "Get"}[$parameter["operation"]] }}',
		description: 'Extract edge, pose, subject or depth masks from images with the ToMoviee (Wondershare) open API',
		defaults: { name: 'ToMoviee' },
		usableAsTool: {
			replacements: {
				// What an AI agent reads by default when the node is added as a tool.
				description:
					'Extracts a mask image from a photo URL (jpg/png) with ToMoviee and returns its task ID, status and mask URLs (resultUrls). Control type "0" Edge: a line drawing of outlines; "1" Pose: a skeleton of body joints; "2" Subject: a cut-out mask of the main subject; "3" Depth: a depth map, near bright and far dark. Task > Get looks up a task ID returned earlier.',
			},
		},
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'toMovieeApi', required: true, testedBy: 'toMovieeApiTest' }],
		// Like n8n's send-and-wait nodes: a restart webhook only, reachable through the resume URL
		// of a waiting execution; nothing is registered, so no lifecycle methods.
		webhooks: resumeWebhooks,
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

	methods = {
		credentialTest: { toMovieeApiTest: testToMovieeCredential },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await resumeOnCallback.call(this);
	}
}
