import type { IBinaryKeyData, IExecuteFunctions, IN8nHttpFullResponse, IWebhookFunctions } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { binaryPropertyFor, maskFileName, maskMimeType } from '../helpers/maskFiles';
import type { NormalizedTask } from '../helpers/taskResult';

export const DEFAULT_MAX_DOWNLOAD_MB = 50;

export interface DownloadSettings {
	binaryPropertyName: string;
	maxBytes: number;
	timeoutMs: number;
	signal?: AbortSignal;
}

/** A result image that could not be fetched; `hint` tells the user what to do. */
export class MaskDownloadError extends Error {
	constructor(
		message: string,
		readonly hint: string,
		readonly httpCode?: number,
	) {
		super(message);
		this.name = 'MaskDownloadError';
	}
}

const EXPIRED_HINT =
	'ToMoviee result URLs expire quickly. Download the mask in the same run (this option, right after waiting) or query the task again with Task > Get for fresh URLs.';

async function fetchOnce(
	context: IExecuteFunctions | IWebhookFunctions,
	url: string,
	settings: DownloadSettings,
): Promise<IN8nHttpFullResponse> {
	// Plain httpRequest on purpose: result URLs are pre-signed storage links on another host,
	// and the ToMoviee credential must never be sent there.
	return (await context.helpers.httpRequest({
		method: 'GET',
		url,
		encoding: 'arraybuffer',
		json: false,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		timeout: settings.timeoutMs,
	})) as IN8nHttpFullResponse;
}

async function fetchMask(
	context: IExecuteFunctions | IWebhookFunctions,
	url: string,
	settings: DownloadSettings,
): Promise<IN8nHttpFullResponse> {
	const tries = 3;
	for (let attempt = 1; ; attempt++) {
		let response: IN8nHttpFullResponse | undefined;
		let failure: string;
		try {
			response = await fetchOnce(context, url, settings);
			if (response.statusCode < 500) return response;
			failure = `HTTP ${response.statusCode}`;
		} catch (error) {
			failure = error instanceof Error ? error.message : String(error);
		}
		if (attempt >= tries || settings.signal?.aborted) {
			throw new MaskDownloadError(
				`Could not download the result image ${url} (${failure}, ${attempt} tries)`,
				'The storage server did not answer. Try again later.',
				response?.statusCode,
			);
		}
		await sleep(500 * attempt, settings.signal);
	}
}

/** Downloads every result image of a succeeded task as binary properties of one item. */
export async function downloadMasks(
	context: IExecuteFunctions | IWebhookFunctions,
	task: NormalizedTask,
	controlType: string | null,
	settings: DownloadSettings,
): Promise<IBinaryKeyData> {
	if (task.resultUrls.length === 0) {
		throw new MaskDownloadError(
			`Task ${task.taskId} succeeded but its result holds no image URL to download`,
			'Look at the "result" field: ToMoviee may have changed its result format.',
		);
	}
	const binary: IBinaryKeyData = {};
	for (const [index, url] of task.resultUrls.entries()) {
		const response = await fetchMask(context, url, settings);
		const status = response.statusCode;
		if (status === 403 || status === 404 || status === 410) {
			throw new MaskDownloadError(
				`The result image of task ${task.taskId} is no longer available (HTTP ${status}): the URL has probably expired`,
				EXPIRED_HINT,
				status,
			);
		}
		if (status < 200 || status >= 300) {
			throw new MaskDownloadError(
				`Could not download the result image of task ${task.taskId} (HTTP ${status})`,
				'Check that n8n can reach the storage host of the result URL.',
				status,
			);
		}
		const headers = response.headers ?? {};
		const declaredLength = Number(headers['content-length']);
		const body = Buffer.isBuffer(response.body) ? response.body : Buffer.from(response.body as ArrayBuffer);
		const size = Number.isFinite(declaredLength) && declaredLength > 0 ? Math.max(declaredLength, body.length) : body.length;
		if (size > settings.maxBytes) {
			throw new MaskDownloadError(
				`The result image of task ${task.taskId} is ${Math.ceil(size / 1024 / 1024)} MB, above the ${Math.round(settings.maxBytes / 1024 / 1024)} MB limit`,
				'Raise "Max Download Size (MB)" in the options, or store the result URL instead.',
			);
		}
		const mimeType = maskMimeType(url, headers['content-type']);
		const fileName = maskFileName(task.taskId, controlType, index, mimeType);
		binary[binaryPropertyFor(settings.binaryPropertyName, index)] = await context.helpers.prepareBinaryData(
			body,
			fileName,
			mimeType,
		);
	}
	return binary;
}
