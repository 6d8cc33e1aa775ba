import type { IBinaryData, IN8nHttpFullResponse } from 'n8n-workflow';

import { acceptedMediaType } from '../task/resultFileNames';
import { pause } from './pause';
import { isRetryable, retryDelayMs } from './retryPolicy';
import { describeNetworkCode, networkCodeOf } from './networkCodes';
import type { RequestContext, TransportSettings } from './transportSettings';

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

interface DownloadLimits {
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

type EgressFilter = { validateUrl(url: string): Promise<{ ok: boolean; error?: Error }> };

/** n8n 2.x's outbound-request policy (SSRF protection), where this n8n has one (n8n 1.x: none). */
function egressFilterOf(context: RequestContext, policy: 'safe' | 'enforced'): EgressFilter | undefined {
	const helpers = context.helpers as { getSecureEgressFilter?: (policy: 'safe' | 'enforced') => EgressFilter };
	return helpers.getSecureEgressFilter?.(policy);
}

async function checkEgress(filter: EgressFilter | undefined, url: string, policy: 'safe' | 'enforced'): Promise<void> {
	if (!filter) return;
	const verdict = await filter.validateUrl(url);
	if (!verdict.ok) {
		const host = URL.canParse(url) ? new URL(url).host : 'this address';
		throw new ResultDownloadError(
			`n8n's outbound request policy does not allow ${host}: ${verdict.error?.message ?? 'blocked'}`,
			policy === 'enforced'
				? 'The URL came from an unverified callback body: turn on Verify With ToMoviee, or ask the admin to allow the host (N8N_SSRF_ALLOWED_HOSTNAMES / N8N_SSRF_ALLOWED_IP_RANGES).'
				: "Ask the instance's admin to allow ToMoviee's storage host.",
		);
	}
}

const MAX_REDIRECTS = 3;

/** The next hop of a redirect, checked by the filter like the first URL. */
async function redirectTarget(response: IN8nHttpFullResponse, url: string, filter: EgressFilter | undefined, policy: 'safe' | 'enforced'): Promise<string> {
	(response.body as ByteStream).destroy?.();
	const location = response.headers?.location;
	if (typeof location !== 'string' || !URL.canParse(location, url)) {
		throw new ResultDownloadError(`the storage server answered a redirect (HTTP ${response.statusCode}) without a usable location`, 'Look at resultUrls.');
	}
	const target = new URL(location, url).toString();
	await checkEgress(filter, target, policy);
	return target;
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
	const policy = settings.egress ?? 'safe';
	const filter = egressFilterOf(context, policy);
	await checkEgress(filter, url, policy);
	// Under the enforced policy every redirect hop is checked too, so redirects are followed here.
	const followHere = policy === 'enforced' && filter !== undefined;
	let redirects = 0;
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
				...(followHere ? { disableFollowRedirect: true } : {}),
			})) as IN8nHttpFullResponse;
			const status = response.statusCode;
			if (followHere && status >= 300 && status < 400 && redirects < MAX_REDIRECTS) {
				url = await redirectTarget(response, url, filter, policy);
				redirects++;
				attempt--;
				continue;
			}
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
