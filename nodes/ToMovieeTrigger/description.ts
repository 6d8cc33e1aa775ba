import type { INodeProperties } from 'n8n-workflow';

import { downloadOptions, optionsProperty } from '../shared/parameters/descriptions';
import { numberOptionProperty } from '../shared/parameters/options';
import { FINAL_STATUSES } from '../shared/task/taskStatus';

export const triggerProperties: INodeProperties[] = [
	{
		displayName:
			'Copy the Production URL (Webhook URLs above) into the "Callback URL" option of a ToMoviee node, then publish this workflow: the URL answers only while the workflow is published. The ToMoviee node signs the URL it sends (tm_signature), so only callbacks of its tasks get through.',
		name: 'notice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Statuses',
		name: 'statuses',
		type: 'multiOptions',
		default: [...FINAL_STATUSES],
		description: 'Task outcomes that start the workflow; other callbacks are answered and ignored',
		options: [
			{ name: 'Cancelled', value: 'cancelled' },
			{ name: 'Failed', value: 'failed' },
			{ name: 'Processing', value: 'processing' },
			{ name: 'Queued', value: 'queued' },
			{ name: 'Succeeded', value: 'succeeded' },
			{ name: 'Timed Out', value: 'timedOut' },
		],
	},
	optionsProperty([
		{
			displayName: 'Allow Unsigned Callbacks',
			name: 'allowUnsigned',
			type: 'boolean',
			default: false,
			description:
				'Whether to accept callbacks whose URL has no signature (URLs configured outside n8n). With Verify With ToMoviee on, the outcome still comes from ToMoviee.',
		},
		{
			displayName: 'Include Raw Request',
			name: 'includeRaw',
			type: 'boolean',
			default: false,
			description: 'Whether to add the raw body, headers and query to the output (never the signature, cookies or authorization headers)',
		},
		numberOptionProperty('maxBodySizeKb'),
		...downloadOptions(
			'Whether to download the result files (images, masks, videos, audio) of succeeded tasks and attach them as binary data for a storage node. A failed download still starts the workflow, with the reason in downloadError.',
		),
		{
			displayName: 'Verify With ToMoviee',
			name: 'verifyWithApi',
			type: 'boolean',
			default: true,
			description:
				'Whether to look the reported task up at ToMoviee (one task query per callback) and use that answer instead of the callback body. Off: the body is believed, so anyone who has the signed URL can start the workflow with made-up outcomes and make n8n download made-up URLs.',
		},
	]),
];
