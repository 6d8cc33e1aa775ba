import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { TOMOVIEE_ICON } from '../shared/parameters/descriptions';
import { CONTROL_TYPE_LABELS } from '../shared/task/controlTypes';
import { resources } from './actions/resources';
import { router } from './router';
import { checkCallback, resumeWebhooks } from './waitForCallback/checkCallback';

const resourceProperty: INodeProperties = {
	displayName: 'Resource',
	name: 'resource',
	type: 'options',
	noDataExpression: true,
	options: Object.entries(resources)
		.map(([value, resource]) => ({ name: resource.displayName, value }))
		.sort((a, b) => a.name.localeCompare(b.name)),
	default: 'imageRecognition',
};

/**
 * The canvas subtitle: the operation, and the control type where the operation has one
 * ("Recognize: edge", "Reference to Image: pose", "Text to Video"). Built from the operations'
 * names so it cannot drift. Flat maps only: a nested object literal would end in "}}", which
 * closes an n8n expression.
 */
function subtitleExpression(): string {
	const names: Record<string, string> = {};
	for (const [resource, { displayName, operations }] of Object.entries(resources)) {
		for (const [operation, { menu }] of Object.entries(operations)) {
			// "Get" alone says nothing on a canvas: name the resource with it
			names[`${resource}.${operation}`] = resource === 'task' ? `${menu.name} ${displayName}` : menu.name;
		}
	}
	const withControlType = ['imageRecognition.recognize', 'image.referenceToImage'];
	const key = '$parameter["resource"] + "." + $parameter["operation"]';
	const controlType = `${JSON.stringify(CONTROL_TYPE_LABELS)}[$parameter["controlType"]]`;
	return (
		`={{ (${JSON.stringify(names)}[${key}] || "")` +
		` + (${JSON.stringify(withControlType)}.includes(${key}) && ${controlType} ? ": " + ${controlType} : "") }}`
	);
}

export class ToMoviee implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'ToMoviee',
		name: 'toMoviee',
		icon: TOMOVIEE_ICON,
		group: ['transform'],
		version: 1,
		subtitle: subtitleExpression(),
		description:
			'Generate videos, images, music and sound effects, and extract edge, pose, subject or depth masks from images, with the ToMoviee (Wondershare) open API',
		defaults: { name: 'ToMoviee' },
		usableAsTool: {
			replacements: {
				// What an AI agent reads by default when the node is added as a tool.
				description:
					'Creates media with ToMoviee and returns its task ID, status and result file URLs (resultUrls); generation takes minutes (video 1-5 min). Control types (controlType) are "0" Edge, "1" Pose, "2" Subject, "3" Depth. Video > Text to Video: a 5-second mp4 from prompt. Video > Image to Video: animates imageUrl (jpg/png/webp) as prompt says. Video > First and Last Frame to Video: from imageUrl to lastFrameUrl, as prompt says. Image > Reference to Image: batchSize (1-4) images of width x height (512-2048) from prompt, following referenceImageUrl by controlType and controlIntensity (0-1). Image > Redraw: repaints imageUrl (jpg/png) as prompt says, only in the white area of an optional mask. Audio > Text to Music: count (1-4) tracks of duration seconds (more than 0, less than 95) from prompt. Audio > Text to Sound Effect: a sound of duration seconds (5-180) from prompt. Audio > Video Soundtrack: background music in the style of prompt for videoUrl (up to 95 s). Image Recognition > Recognize: a mask image of imageUrl (jpg/png) by controlType: Edge a line drawing of outlines, Pose a skeleton of body joints, Subject a cut-out of the main subject, Depth a depth map. Task > Get looks up a task ID returned earlier.',
			},
		},
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'toMovieeApi', required: true }],
		// Like n8n's send-and-wait nodes: a restart webhook only, reachable through the resume URL
		// of a waiting execution; nothing is registered, so no lifecycle methods.
		webhooks: resumeWebhooks,
		properties: [resourceProperty, ...Object.values(resources).flatMap((resource) => resource.description)],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await checkCallback.call(this);
	}
}
