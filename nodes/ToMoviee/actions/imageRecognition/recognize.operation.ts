import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { DEFAULT_STORAGE_INFO } from '../../../shared/constants';
import { CONTROL_TYPE_LABELS, CONTROL_TYPES } from '../../../shared/task/controlTypes';
import { parseStorageInfo, resolveWsid, validateChoice, validateMediaUrl } from '../../../shared/parameters/validation';
import { PUBLIC_URL_HINT, submitOperationProperties, controlTypeProperty } from '../common.description';
import type { PreparedItem } from '../../item/batchItem';
import type { Operation, SubmitContext } from '../operation';
import { commonSubmitFields, itemOptions } from '../submitOptions';

const CAPABILITY = 'tm_reference_img2mask';
const TEMPLATE_ID = 'tm_reference_img2mask_template_spatial';

const properties: INodeProperties[] = [
	{
		displayName: 'Image URL',
		name: 'imageUrl',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'https://cdn.example.com/photos/dancer.jpg',
		hint: `${PUBLIC_URL_HINT}. jpg or png.`,
		description: 'Public http(s) URL of a jpg or png image for ToMoviee to read',
	},
	controlTypeProperty('Which mask to extract from the image', {
		'0': 'Line drawing of the outlines and edges in the image (contour)',
		'1': 'Skeleton of the body poses (joints and limbs) of the people in the image',
		'2': 'Cut-out mask of the main subject or character, separated from the background',
		'3': 'Depth map: near areas bright, far areas dark',
	}),
	...submitOperationProperties([
		{
			displayName: 'Storage Info (JSON)',
			name: 'storageInfo',
			type: 'json',
			default: '',
			description:
				'Raw JSON object sent as storage_info instead of the documented default, or the word omit to send none. Leave empty unless ToMoviee support asks for another form.',
		},
		{
			displayName: 'Workspace User ID',
			name: 'wsid',
			type: 'number',
			default: 0,
			description: "ToMoviee user ID (wsid) for this item; 0 uses the credential's (when neither sets one, no wsid is sent)",
		},
	]),
];

export const description = updateDisplayOptions({ show: { resource: ['imageRecognition'], operation: ['recognize'] } }, properties);

function prepare(this: IExecuteFunctions, itemIndex: number, submit: SubmitContext): PreparedItem {
	const imageUrl = validateMediaUrl('imageUrl', 'Image URL', this.getNodeParameter('imageUrl', itemIndex), ['jpg', 'jpeg', 'png']);
	const controlType = validateChoice('controlType', 'Control Type', this.getNodeParameter('controlType', itemIndex), CONTROL_TYPES);
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const wsid = resolveWsid(options.wsid, submit.credentials.wsid);
	const body: IDataObject = {
		...(wsid !== undefined ? { wsid } : {}),
		...commonSubmitFields(options, submit),
		template_info: [
			{
				input_params: {
					control_type: controlType,
					init_image: imageUrl,
					template_id: TEMPLATE_ID,
				},
			},
		],
	};
	const storageInfo = parseStorageInfo(options.storageInfo, DEFAULT_STORAGE_INFO);
	if (storageInfo) body.storage_info = storageInfo;
	return {
		request: {
			kind: 'submit',
			capability: CAPABILITY,
			body,
			label: `image ${imageUrl}`,
			wsidSent: wsid !== undefined,
		},
		inputs: { controlType, imageUrl },
		fileLabel: CONTROL_TYPE_LABELS[controlType],
		...itemOptions(options),
	};
}

export const recognize: Operation = {
	menu: {
		name: 'Recognize',
		description: 'Extract an edge, pose, subject or depth mask from an image',
		action: 'Extract a mask from an image',
	},
	description,
	canParkForCallbacks: true,
	waitsByDefault: true,
	prepare,
};
