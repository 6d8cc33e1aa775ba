import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

interface AppKeyPair {
	appKey: string;
	appSecret: string;
}

/** The key pair of a stored credential; the key is trimmed (a pasted key often ends in a space). */
export function keyPairOf(data: ICredentialDataDecryptedObject | undefined): AppKeyPair {
	return {
		appKey: typeof data?.appKey === 'string' ? data.appKey.trim() : '',
		appSecret: typeof data?.appSecret === 'string' ? data.appSecret : '',
	};
}

/** What every ToMoviee request carries: `Authorization: Basic base64(app_key:app_secret)` and `X-App-Key`. */
export function authHeaders({ appKey, appSecret }: AppKeyPair): { Authorization: string; 'X-App-Key': string } {
	return {
		Authorization: `Basic ${Buffer.from(`${appKey}:${appSecret}`, 'utf8').toString('base64')}`,
		'X-App-Key': appKey,
	};
}
