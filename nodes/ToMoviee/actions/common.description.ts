import type { INodeProperties } from 'n8n-workflow';

export const waitForCompletionProperty = (resource: string, operation: string): INodeProperties => ({
	displayName: 'Wait for Completion',
	name: 'waitForCompletion',
	type: 'boolean',
	default: true,
	description:
		'Whether to wait until the task ends and output its result. Off: output as soon as ToMoviee accepts the task (use Task > Get or a ToMoviee Trigger later).',
	displayOptions: { show: { resource: [resource], operation: [operation] } },
});

/** Options shared by every operation that waits for tasks or sends many requests. */
export const waitAndBatchOptions: INodeProperties[] = [
	{
		displayName: 'Max Concurrency',
		name: 'maxConcurrency',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 200 },
		default: 50,
		description:
			'How many requests may be in flight at once for the whole batch (read from the first item). Slows down by itself when ToMoviee answers 429.',
	},
	{
		displayName: 'Max Tries',
		name: 'maxTries',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 10 },
		default: 4,
		description:
			'How many times one request is tried when ToMoviee answers 429/502/503/504 or the connection drops (read from the first item)',
	},
	{
		displayName: 'Poll Interval (Seconds)',
		name: 'pollInterval',
		type: 'number',
		typeOptions: { minValue: 0.1, maxValue: 3600, numberPrecision: 1 },
		default: 5,
		description:
			'Longest pause between two status checks of a task while waiting. The first check comes after at most one second, then the pause doubles up to this value.',
	},
	{
		displayName: 'Request Timeout (Seconds)',
		name: 'requestTimeout',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 600 },
		default: 30,
		description: 'How long one HTTP request to ToMoviee may take before it counts as failed and is retried',
	},
	{
		displayName: 'Timeout (Seconds)',
		name: 'timeout',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 86400 },
		default: 600,
		description:
			'How long to wait for a task to end when Wait for Completion is on. A task still running then becomes an error naming its task ID.',
	},
];

/** Options to fetch the result images as binary data for storage nodes. */
export const downloadOptions: INodeProperties[] = [
	{
		displayName: 'Download Result Images',
		name: 'download',
		type: 'boolean',
		default: false,
		description:
			'Whether to download the result images of succeeded tasks and attach them as binary data, so a storage node (S3, Google Drive, FTP, Write File…) can save them next. Needs Wait for Completion, or a task that has already ended.',
	},
	{
		displayName: 'Put Output File in Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		hint: 'The name of the output binary field to put the file in. A second image of the same task goes to data_1, and so on.',
		description: 'Binary field the first result image is put in',
	},
	{
		displayName: 'Max Download Size (MB)',
		name: 'maxDownloadSizeMb',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 1024 },
		default: 50,
		description: 'Result images larger than this fail the item instead of filling memory',
	},
];

export const waitMethodProperty = (resource: string, operation: string): INodeProperties => ({
	displayName: 'Wait Method',
	name: 'waitMethod',
	type: 'options',
	default: 'poll',
	description: 'How to learn that the tasks ended (read from the first item, for the whole batch)',
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
				'Park the execution (no polling, no memory held, survives restarts) until ToMoviee calls back for every task. n8n must be reachable from ToMoviee (WEBHOOK_URL).',
		},
	],
	displayOptions: { show: { resource: [resource], operation: [operation], waitForCompletion: [true] } },
});
