import type { ICredentialDataDecryptedObject, IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { ItemContext } from '../helpers/outputItem';
import type { NormalizedTask } from '../helpers/taskResult';
import { InputError, validateNumberInRange } from '../helpers/validation';
import { DEFAULT_MAX_DOWNLOAD_MB } from '../transport/downloadMasks';
import type { TransportSettings } from '../transport/request';

export interface WaitSettings {
	pollIntervalMs: number;
	timeoutMs: number;
}

/** One input item on its way through the batch: validated input, then the task as last seen. */
export interface Job {
	itemIndex: number;
	context: ItemContext;
	/** What start() sends: the submit body, or the task to query. */
	payload: IDataObject;
	/** Undefined when the item should not wait for its task to end. */
	wait?: WaitSettings;
	/** Waits by parking the execution until ToMoviee calls back, instead of polling. */
	parkForCallback?: boolean;
	/** Set when the result images of a succeeded task are wanted as binary data. */
	download?: DownloadRequest;
	task?: NormalizedTask;
	/** What the item was doing when it failed, for error messages ("submitting the task"). */
	action: string;
}

export interface RunContext {
	credentials: ICredentialDataDecryptedObject;
	transport: TransportSettings;
	/** This execution's resume URL, evaluated once for a batch that waits for callbacks. */
	resumeUrl?: string;
}

export interface OperationHandler {
	description: INodeProperties[];
	prepare(this: IExecuteFunctions, itemIndex: number, run: RunContext): Job;
	start(this: IExecuteFunctions, job: Job, run: RunContext): Promise<NormalizedTask>;
}

export function readOptions(context: IExecuteFunctions, itemIndex: number): IDataObject {
	return context.getNodeParameter('options', itemIndex, {}) as IDataObject;
}

function isSet(value: unknown): boolean {
	return value !== undefined && value !== null && value !== '';
}

export function readWaitSettings(options: IDataObject, wait: boolean): WaitSettings | undefined {
	const pollInterval = isSet(options.pollInterval)
		? validateNumberInRange('pollInterval', 'Poll Interval (Seconds)', options.pollInterval, 0.1, 3600)
		: 5;
	const timeout = isSet(options.timeout)
		? validateNumberInRange('timeout', 'Timeout (Seconds)', options.timeout, 1, 86400)
		: 600;
	return wait ? { pollIntervalMs: Math.round(pollInterval * 1000), timeoutMs: Math.round(timeout * 1000) } : undefined;
}

export interface DownloadRequest {
	binaryPropertyName: string;
	maxBytes: number;
}

export function readDownloadSettings(options: IDataObject): DownloadRequest | undefined {
	if (options.download !== true) return undefined;
	const binaryPropertyName = String(options.binaryPropertyName ?? 'data').trim();
	if (binaryPropertyName === '' || /\s/.test(binaryPropertyName)) {
		throw new InputError(
			'binaryPropertyName',
			`Put Output File in Field must be a name without spaces, got "${binaryPropertyName}"`,
			'Use a name such as data.',
		);
	}
	const maxMb = isSet(options.maxDownloadSizeMb)
		? validateNumberInRange('maxDownloadSizeMb', 'Max Download Size (MB)', options.maxDownloadSizeMb, 1, 1024)
		: DEFAULT_MAX_DOWNLOAD_MB;
	return { binaryPropertyName, maxBytes: Math.round(maxMb * 1024 * 1024) };
}

export interface BatchSettings {
	maxConcurrency: number;
	maxTries: number;
	requestTimeoutMs: number;
}

/** Batch-wide settings come from the first item: one pool serves every item. */
export function readBatchSettings(options: IDataObject): BatchSettings {
	const maxConcurrency = isSet(options.maxConcurrency)
		? validateNumberInRange('maxConcurrency', 'Max Concurrency', options.maxConcurrency, 1, 200)
		: 50;
	const maxTries = isSet(options.maxTries) ? validateNumberInRange('maxTries', 'Max Tries', options.maxTries, 1, 10) : 4;
	const requestTimeout = isSet(options.requestTimeout)
		? validateNumberInRange('requestTimeout', 'Request Timeout (Seconds)', options.requestTimeout, 1, 600)
		: 30;
	return {
		maxConcurrency: Math.floor(maxConcurrency),
		maxTries: Math.floor(maxTries),
		requestTimeoutMs: Math.round(requestTimeout * 1000),
	};
}
