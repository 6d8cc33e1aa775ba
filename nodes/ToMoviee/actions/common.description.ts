import type { INodeProperties } from 'n8n-workflow';

import { downloadOptions as sharedDownloadOptions, optionsProperty } from '../../shared/parameters/descriptions';
import { numberOptionProperty } from '../../shared/parameters/options';
import { CONTROL_TYPES, type ControlType } from '../../shared/task/controlTypes';

/** Under every URL field: ToMoviee fetches the file itself. */
export const PUBLIC_URL_HINT = 'ToMoviee downloads it: a public http(s) link, not localhost, a private address or a file on this machine';

export const waitForCompletionProperty: INodeProperties = {
	displayName: 'Wait for Completion',
	name: 'waitForCompletion',
	type: 'boolean',
	default: true,
	description:
		'Whether to wait until the task ends and output its result. Off: output as soon as ToMoviee accepts the task (use Task > Get or a ToMoviee Trigger later). All items of a run must agree.',
};

const waitMethodProperty: INodeProperties = {
	displayName: 'Wait Method',
	name: 'waitMethod',
	type: 'options',
	default: 'poll',
	description: 'How to learn that the tasks ended (the same for the whole batch)',
	options: [
		{
			name: 'Poll',
			value: 'poll',
			description: 'Ask ToMoviee for the status until each task ends. Works everywhere.',
		},
		{
			name: 'Wait for Callback',
			value: 'callback',
			description:
				'Park the execution (no polling, no memory held, survives restarts) until ToMoviee calls back for every task. n8n must be reachable from ToMoviee (WEBHOOK_URL). Not available when the node runs as an AI tool.',
		},
	],
	displayOptions: { show: { waitForCompletion: [true] } },
};

/** Options of every operation that submits a task. */
export const submitOptions: INodeProperties[] = [
	{
		displayName: 'Callback URL',
		name: 'callbackUrl',
		type: 'string',
		default: '',
		placeholder: 'https://n8n.example.com/webhook/3f2a9c4e-5b1d-4e8f-9a7c-2d6b8e1f0a53/callback',
		hint: "A ToMoviee Trigger's Production URL. ToMoviee calls it from the internet: n8n must be reachable there (WEBHOOK_URL).",
		description:
			'URL ToMoviee POSTs the outcome to when the task ends. Paste the production URL of a ToMoviee Trigger node here; n8n resume URLs ($execution.resumeUrl) are sent unchanged.',
	},
	{
		displayName: 'Pass-Through Data',
		name: 'passThrough',
		type: 'string',
		default: '',
		placeholder: 'e.g. order-1042',
		description:
			'Sent to ToMoviee as "params" and handed back with the result (the ToMoviee Trigger outputs it). Text comes back as the same text; an object from an expression comes back as that object.',
	},
	{
		displayName: 'Retry Ambiguous Submits',
		name: 'retryAmbiguousSubmits',
		type: 'boolean',
		default: false,
		description:
			'Whether to send a task again when the first request reached ToMoviee but no definite answer came (response timeout, connection reset, 502, 504). Risky: ToMoviee may have created the first task, and both are billed. Off: such an item fails with a message saying so (read from the first item).',
	},
	{
		displayName: 'Sign Callback URL',
		name: 'signCallbackUrl',
		type: 'boolean',
		default: true,
		description:
			'Whether to add a "tm_signature" parameter to the Callback URL so the ToMoviee Trigger can tell real callbacks from forged ones. Turn off only for receivers outside n8n.',
	},
];

/** Options to fetch the result files as binary data for storage nodes. */
export const downloadOptions = sharedDownloadOptions(
	'Whether to download the result files (images, masks, videos, audio) of succeeded tasks and attach them as binary data, so a storage node (S3, Google Drive, FTP, Write File…) can save them next',
);

/** Options of every operation that sends many requests or waits for tasks. */
export const batchOptions: INodeProperties[] = [
	numberOptionProperty('maxConcurrency'),
	numberOptionProperty('maxTries'),
	numberOptionProperty('pollInterval'),
	numberOptionProperty('requestTimeout'),
	numberOptionProperty('timeout'),
];

/** The Options collection of an operation: its own options, then the shared ones, sorted. */
export function optionsCollection(own: INodeProperties[], shared: INodeProperties[]): INodeProperties {
	return optionsProperty([...own, ...shared].sort((a, b) => a.displayName.localeCompare(b.displayName)));
}

/** Wait for Completion, Wait Method and the Options of an operation that submits tasks. */
export function submitOperationProperties(own: INodeProperties[]): INodeProperties[] {
	return [waitForCompletionProperty, waitMethodProperty, optionsCollection(own, [...submitOptions, ...downloadOptions, ...batchOptions])];
}

const CONTROL_TYPE_NAMES: Record<ControlType, string> = { '0': 'Edge', '1': 'Pose', '2': 'Subject', '3': 'Depth' };

/** The Control Type dropdown: the same names and values wherever it shows, each operation's own words. */
export function controlTypeProperty(description: string, optionDescriptions: Record<ControlType, string>): INodeProperties {
	return {
		displayName: 'Control Type',
		name: 'controlType',
		type: 'options',
		default: '0',
		description,
		options: CONTROL_TYPES.map((value) => ({ name: CONTROL_TYPE_NAMES[value], value, description: optionDescriptions[value] })),
	};
}
