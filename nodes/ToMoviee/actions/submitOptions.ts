import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import { isN8nResumeUrl, signCallbackUrl } from '../../shared/callbacks/callbackSignature';
import { readBooleanOption, readDownloadSettings, readNumberOption, type DownloadSettings } from '../../shared/parameters/options';
import { encodePassThrough } from '../../shared/task/passThrough';
import { InputError, parseHttpUrl } from '../../shared/parameters/validation';
import type { SubmitContext } from './operation';

/** What every operation reads from an item's Options the same way: downloads, Poll Interval and Timeout (ms). */
export function itemOptions(options: IDataObject): { download?: DownloadSettings; pollIntervalMs: number; timeoutMs: number } {
	return {
		download: readDownloadSettings(options),
		pollIntervalMs: Math.round(readNumberOption(options, 'pollInterval') * 1000),
		timeoutMs: readNumberOption(options, 'timeout') * 1000,
	};
}

/**
 * The Callback URL as sent: signed for a ToMoviee Trigger (tm_signature over origin + path),
 * except n8n resume URLs, which carry n8n's own token and are sent unchanged.
 */
function callbackFor(options: IDataObject, credentials: ICredentialDataDecryptedObject): string | undefined {
	if (options.callbackUrl === undefined || options.callbackUrl === null || options.callbackUrl === '') return undefined;
	const url = parseHttpUrl('callbackUrl', 'Callback URL', options.callbackUrl);
	if (isN8nResumeUrl(url) || !readBooleanOption(options, 'signCallbackUrl', 'Sign Callback URL', true)) return url.toString();
	const secret = typeof credentials.appSecret === 'string' ? credentials.appSecret : '';
	if (secret === '') throw new InputError('signCallbackUrl', 'Cannot sign the Callback URL: the credential has no app secret');
	return signCallbackUrl(url.toString(), secret);
}

/**
 * `callback` and `params`, the fields every capability's body shares. The one writer of the
 * body's `callback`: the resume URL when the batch waits for callbacks, else the option's.
 */
export function commonSubmitFields(options: IDataObject, submit: SubmitContext): IDataObject {
	if (submit.resumeUrl !== undefined && options.callbackUrl) {
		throw new InputError(
			'callbackUrl',
			'Callback URL cannot be set when Wait Method is "Wait for Callback": the node sets it to this execution\'s resume URL',
			'Remove the Callback URL option, or use Wait Method "Poll".',
		);
	}
	const fields: IDataObject = {};
	const callback = submit.resumeUrl ?? callbackFor(options, submit.credentials);
	if (callback) fields.callback = callback;
	const params = encodePassThrough(options.passThrough);
	if (params !== undefined) fields.params = params;
	return fields;
}
