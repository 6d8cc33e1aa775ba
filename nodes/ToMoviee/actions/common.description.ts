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
		default: 20,
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
