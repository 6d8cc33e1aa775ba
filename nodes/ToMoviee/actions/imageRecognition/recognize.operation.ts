import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { signCallbackUrl } from '../../helpers/callbackSignature';
import { DEFAULT_STORAGE_INFO, SUBMIT_PATH, TEMPLATE_ID } from '../../helpers/constants';
import { acceptedTask } from '../../helpers/outputItem';
import type { NormalizedTask } from '../../helpers/taskResult';
import {
	encodePassThrough,
	InputError,
	parseHttpUrl,
	parseStorageInfo,
	resolveWsid,
	validateControlType,
	validateImageUrl,
} from '../../helpers/validation';
import { callToMoviee } from '../../transport/request';
import { resumeUrlOf } from '../callbackWait';
import { downloadOptions, waitAndBatchOptions, waitForCompletionProperty, waitMethodProperty } from '../common.description';
import { readDownloadSettings, readOptions, readWaitSettings, type Job, type OperationHandler, type RunContext } from '../job';

const show = { resource: ['imageRecognition'], operation: ['recognize'] };

export const description: INodeProperties[] = [
	{
		displayName: 'Image URL',
		name: 'imageUrl',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'https://example.com/photo.jpg',
		description: 'Public http(s) URL of a jpg or png image for ToMoviee to read',
		displayOptions: { show },
	},
	{
		displayName: 'Control Type',
		name: 'controlType',
		type: 'options',
		default: '0',
		description: 'Which mask to extract from the image',
		options: [
			{
				name: 'Edge (Contour)',
				value: '0',
				description: 'Line drawing of the outlines and edges in the image',
			},
			{
				name: 'Pose',
				value: '1',
				description: 'Skeleton of the body poses (joints and limbs) of the people in the image',
			},
			{
				name: 'Subject (Character)',
				value: '2',
				description: 'Cut-out mask of the main subject or character, separated from the background',
			},
			{
				name: 'Depth of Field',
				value: '3',
				description: 'Depth map: near areas bright, far areas dark',
			},
		],
		displayOptions: { show },
	},
	waitForCompletionProperty('imageRecognition', 'recognize'),
	waitMethodProperty('imageRecognition', 'recognize'),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		displayOptions: { show },
		options: [
			{
				displayName: 'Callback URL',
				name: 'callbackUrl',
				type: 'string',
				default: '',
				placeholder: 'https://n8n.example.com/webhook/…/callback',
				description:
					'URL ToMoviee POSTs the outcome to when the task ends. Paste the production URL of a ToMoviee Trigger node here.',
			},
			{
				displayName: 'Pass-Through Data',
				name: 'passThrough',
				type: 'string',
				default: '',
				description:
					'Sent to ToMoviee as "params" and handed back with the result (the ToMoviee Trigger outputs it). An object from an expression is sent as JSON.',
			},
			{
				displayName: 'Sign Callback URL',
				name: 'signCallbackUrl',
				type: 'boolean',
				default: true,
				description:
					'Whether to add a "signature" parameter to the Callback URL so the ToMoviee Trigger can tell real callbacks from forged ones. Turn off only for receivers outside n8n.',
			},
			{
				displayName: 'Storage Info (JSON)',
				name: 'storageInfo',
				type: 'json',
				default: '',
				description:
					'Raw JSON object sent as storage_info instead of the default form from the ToMoviee documentation. Leave empty unless ToMoviee support asks for another form.',
			},
			{
				displayName: 'Workspace User ID',
				name: 'wsid',
				type: 'number',
				default: 0,
				description: "ToMoviee user ID (wsid) for this item; 0 uses the credential's",
			},
			...downloadOptions,
			...waitAndBatchOptions,
		],
	},
];

function prepare(this: IExecuteFunctions, itemIndex: number, run: RunContext): Job {
	const imageUrl = validateImageUrl(this.getNodeParameter('imageUrl', itemIndex));
	const controlType = validateControlType(this.getNodeParameter('controlType', itemIndex));
	const wait = this.getNodeParameter('waitForCompletion', itemIndex, true) as boolean;
	const options = readOptions(this, itemIndex);
	// Batch-wide, like the pool settings: one batch either polls or parks.
	const parkForCallback = wait && this.getNodeParameter('waitMethod', 0, 'poll') === 'callback';
	if (parkForCallback && options.callbackUrl) {
		throw new InputError(
			'callbackUrl',
			'Callback URL cannot be set when Wait Method is "Wait for Callback": the node sets it to this execution\'s resume URL',
			'Remove the Callback URL option, or use Wait Method "Poll".',
		);
	}
	const payload = buildSubmitBody(imageUrl, controlType, options, run);
	if (parkForCallback) payload.callback = run.resumeUrl ??= resumeUrlOf(this, itemIndex);
	return {
		itemIndex,
		context: { controlType, imageUrl },
		wait: readWaitSettings(options, wait),
		parkForCallback,
		download: readDownloadSettings(options),
		action: 'submitting the recognition task',
		payload,
	};
}

export function buildSubmitBody(
	imageUrl: string,
	controlType: string,
	options: IDataObject,
	run: RunContext,
): IDataObject {
	const body: IDataObject = { wsid: resolveWsid(options.wsid, run.credentials.wsid) };
	const callbackUrl = options.callbackUrl;
	if (callbackUrl !== undefined && callbackUrl !== '') {
		const parsed = parseHttpUrl('callbackUrl', 'Callback URL', callbackUrl).toString();
		const secret = String(run.credentials.appSecret ?? '');
		if (options.signCallbackUrl !== false && secret === '') {
			throw new InputError('signCallbackUrl', 'Cannot sign the Callback URL: the credential has no app secret');
		}
		body.callback = options.signCallbackUrl === false ? parsed : signCallbackUrl(parsed, secret);
	}
	const params = encodePassThrough(options.passThrough);
	if (params !== undefined) body.params = params;
	body.template_info = [
		{ input_params: { control_type: controlType, init_image: imageUrl, template_id: TEMPLATE_ID } },
	];
	const storageInfo = options.storageInfo;
	body.storage_info =
		storageInfo === undefined || storageInfo === '' || storageInfo === null
			? DEFAULT_STORAGE_INFO
			: parseStorageInfo(storageInfo);
	return body;
}

async function start(this: IExecuteFunctions, job: Job, run: RunContext): Promise<NormalizedTask> {
	const data = await callToMoviee.call(
		this,
		{ method: 'POST', path: SUBMIT_PATH, body: job.payload },
		run.transport,
	);
	const taskId = data.task_id ?? data.taskId;
	if ((typeof taskId !== 'string' && typeof taskId !== 'number') || String(taskId) === '') {
		throw new Error('ToMoviee accepted the task but returned no task_id');
	}
	return acceptedTask(String(taskId));
}

export const recognize: OperationHandler = { description, prepare, start };
