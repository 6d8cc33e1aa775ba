import type { ICredentialDataDecryptedObject, Icon, ICredentialType, IHttpRequestOptions, INodeProperties } from 'n8n-workflow';

import { authHeaders, keyPairOf } from '../nodes/shared/helpers/authHeaders';

export class ToMovieeApi implements ICredentialType {
	name = 'toMovieeApi';

	displayName = 'ToMoviee API';

	icon: Icon = {
		light: 'file:../nodes/shared/tomoviee.svg',
		dark: 'file:../nodes/shared/tomoviee.dark.svg',
	};

	documentationUrl = 'https://github.com/tomoviee/n8n-nodes-tomoviee#credentials';

	properties: INodeProperties[] = [
		{
			displayName: 'App Key',
			name: 'appKey',
			// The app key is an identifier (sent in clear as X-App-Key), not a secret.
			// eslint-disable-next-line n8n-nodes-base/cred-class-field-type-options-password-missing
			type: 'string',
			default: '',
			required: true,
			description: 'The app key from the ToMoviee open platform console',
		},
		{
			displayName: 'App Secret',
			name: 'appSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'The app secret, called "app_crit" in the ToMoviee console',
		},
		{
			displayName: 'Workspace User ID (wsid)',
			name: 'wsid',
			type: 'number',
			default: 0,
			description:
				'Your ToMoviee account user ID. The image-recognition page asks for it as "wsid"; other versions of the page and the official clients send none. 0: no wsid is sent. The node can set it per item.',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://open-api.wondershare.cc',
			description: 'Change only for a sandbox, a proxy or a local simulator',
		},
	];

	/**
	 * Called by n8n for every request (n8n's request helper keeps its proxy, TLS and redirect
	 * rules). A function, not the declarative form: that one evaluates three expressions per
	 * request, which was a fifth of the node's CPU time in a 1000-item batch.
	 */
	async authenticate(credentials: ICredentialDataDecryptedObject, requestOptions: IHttpRequestOptions): Promise<IHttpRequestOptions> {
		requestOptions.headers = { ...requestOptions.headers, ...authHeaders(keyPairOf(credentials)) };
		return requestOptions;
	}

	// Tested by the ToMoviee node (testedBy: toMovieeApiTest): a task look-up with the secret
	// only in the Authorization header, which a declarative rule cannot judge.
}
