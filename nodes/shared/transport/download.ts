import type { IBinaryData, IN8nHttpFullResponse } from 'n8n-workflow';

import { acceptedMediaType } from '../helpers/mediaFiles';
import { pause } from '../helpers/pause';
import { isRetryable, retryDelayMs } from '../helpers/retryPolicy';
import { describeNetworkCode, networkCodeOf } from './networkCodes';
import type { RequestContext, TransportSettings } from './request';

/** A result file that could not be fetched; `hint` tells the user what to do. */
export class ResultDownloadError extends Error {
	constructor(
		message: string,
		readonly hint: string,
		readonly httpCode?: number,
	) {
		super(message);
		this.name = 'ResultDownloadError';
	}
}

export interface DownloadLimits {
	maxBytes: number;
	fileName: (mediaType: string) => string;
}

interface ByteStream extends AsyncIterable<Buffer | string> {
	destroy(error?: Error): void;
}

const EXPIRED_HINT =
	'ToMoviee result URLs are signed and expire (see resultUrlsExpireAt). Download in the same run, or look the task up again with Task > Get for fresh URLs.';

function megabytes(bytes: number): string {
	return `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;
}

function tooLarge(maxBytes: number): ResultDownloadError {
	return new ResultDownloadError(
		`the file is larger than the ${megabytes(maxBytes)} limit`,
		'Raise "Max Download Size (MB)" in the options (videos are large), or store the result URL instead.',
	);
}

/** Reads at most `maxBytes`, stopping the transfer as soon as the limit is passed. */
async function readBounded(stream: ByteStream, maxBytes: number): Promise<Buffer> {
	const chunks: Buffer[] = [];
	let total = 0;
	for await (const chunk of stream) {
		const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
		total += buffer.length;
		if (total > maxBytes) {
			stream.destroy();
			throw tooLarge(maxBytes);
		}
		chunks.push(buffer);
	}
	return Buffer.concat(chunks, total);
}

/** n8n 2.x's outbound-request policy (SSRF protection), where this n8n has one. */
async function checkEgress(context: RequestContext, url: string): Promise<void> {
	const filter = (context.helpers as { getSecureEgressFilter?: (policy: 'safe') => { validateUrl(u: string): Promise<{ ok: boolean; error?: Error }> } })
		.getSecureEgressFilter?.('safe');
	if (!filter) return;
	const verdict = await filter.validateUrl(url);
	if (!verdict.ok) {
		throw new ResultDownloadError(
			`n8n's outbound request policy does not allow ${new URL(url).host}: ${verdict.error?.message ?? 'blocked'}`,
			"Ask the instance's admin to allow ToMoviee's storage host.",
		);
	}
}

function fail(response: IN8nHttpFullResponse): never {
	(response.body as ByteStream).destroy?.();
	const status = response.statusCode;
	if (status === 403 || status === 404 || status === 410) {
		throw new ResultDownloadError(`the file is no longer available (HTTP ${status}): its URL has probably expired`, EXPIRED_HINT, status);
	}
	throw new ResultDownloadError(`the storage server answered HTTP ${status}`, 'Check that n8n can reach the storage host of the result URL.', status);
}

/**
 * Downloads one result file as binary data: streamed, bounded by `maxBytes` (a larger
 * Content-Length is refused before reading), kept only when it is an image, video or audio
 * file. Never sends the ToMoviee credential (signed storage links on another host).
 */
export async function downloadResultFile(
	context: RequestContext,
	url: string,
	limits: DownloadLimits,
	settings: TransportSettings,
): Promise<IBinaryData> {
	await checkEgress(context, url);
	for (let attempt = 1; ; attempt++) {
		if (settings.signal?.aborted) throw new ResultDownloadError('the execution was stopped', 'Run the workflow again.');
		await settings.limiter.acquire();
		let retryable = false;
		let why: ResultDownloadError;
		try {
			const response = (await context.helpers.httpRequest({
				method: 'GET',
				url,
				encoding: 'stream',
				json: false,
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
				timeout: settings.requestTimeoutMs,
				abortSignal: settings.signal,
			})) as IN8nHttpFullResponse;
			const status = response.statusCode;
			if (status < 200 || status >= 300) {
				retryable = isRetryable('idempotent', { httpStatus: status });
				fail(response);
			}
			const headers = response.headers ?? {};
			const mediaType = acceptedMediaType(url, headers['content-type']);
			const declared = Number(headers['content-length']);
			const stream = response.body as ByteStream;
			if (!mediaType) {
				stream.destroy();
				throw new ResultDownloadError(
					`the file is not an image, video or audio file (Content-Type ${String(headers['content-type'] ?? 'missing')})`,
					'Look at resultUrls: ToMoviee may have changed its result format.',
				);
			}
			if (Number.isFinite(declared) && declared > limits.maxBytes) {
				stream.destroy();
				throw tooLarge(limits.maxBytes);
			}
			const body = await readBounded(stream, limits.maxBytes);
			return await context.helpers.prepareBinaryData(body, limits.fileName(mediaType), mediaType);
		} catch (error) {
			if (error instanceof ResultDownloadError) {
				why = error;
			} else {
				const networkCode = networkCodeOf(error);
				retryable = isRetryable('idempotent', { networkCode });
				why = new ResultDownloadError(`the download failed (${describeNetworkCode(networkCode)})`, 'The storage server did not answer. Try again later.');
			}
		} finally {
			settings.limiter.release();
		}
		if (!retryable || attempt >= settings.maxTries || (await pause(retryDelayMs(attempt), settings.signal))) throw why;
	}
}
