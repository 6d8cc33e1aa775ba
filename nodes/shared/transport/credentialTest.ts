import type { ICredentialsDecrypted, ICredentialTestFunctions, INodeCredentialTestResult } from 'n8n-workflow';

/** The one HTTP helper n8n gives a credential test (its `httpRequest` is not offered there). */
type LegacyRequest = ICredentialTestFunctions['helpers']['request'];

import { TASK_QUERY_PATH } from '../constants';
import { authHeaders, keyPairOf } from '../helpers/authHeaders';
import { credentialVerdict } from '../helpers/credentialVerdict';
import { describeNetworkCode, networkCodeOf } from './networkCodes';
import { baseUrlOf, joinUrl } from './request';

/** A task id of the vendor's form that no task has, so the look-up bills and changes nothing. */
const PROBE_TASK_ID = 'tm_credential_check-0-000000000000000000000000';

/**
 * The credential probe: looks up a task that cannot exist, with the secret only in the
 * Authorization header, as every real request sends it (never in a URL, which proxies log).
 */
export async function probeCredential(request: LegacyRequest, credential: ICredentialsDecrypted): Promise<INodeCredentialTestResult> {
	const data = credential.data ?? {};
	const keyPair = keyPairOf(data);
	const baseUrl = baseUrlOf(data);
	if (keyPair.appKey === '' || keyPair.appSecret === '') return { status: 'Error', message: 'Enter both the app key and the app secret' };
	try {
		const response = (await request({
			method: 'POST',
			uri: joinUrl(baseUrl, TASK_QUERY_PATH),
			body: { task_id: PROBE_TASK_ID },
			json: true,
			headers: authHeaders(keyPair),
			resolveWithFullResponse: true,
			simple: false,
			followRedirect: false,
			timeout: 20_000,
		})) as { statusCode: number; body: unknown };
		return credentialVerdict(response.statusCode, response.body);
	} catch (error) {
		return { status: 'Error', message: `Could not reach ToMoviee at ${baseUrl} (${describeNetworkCode(networkCodeOf(error))})` };
	}
}

/** The node's credentialTest method (the credential names it with testedBy). */
export async function testToMovieeCredential(this: ICredentialTestFunctions, credential: ICredentialsDecrypted): Promise<INodeCredentialTestResult> {
	return await probeCredential(this.helpers.request, credential);
}
