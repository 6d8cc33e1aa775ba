import type { IAuthenticateGeneric, Icon, ICredentialType, INodeProperties } from 'n8n-workflow';

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

	// n8n turns `auth` into "Authorization: Basic base64(appKey:appSecret)", as ToMoviee expects.
	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			auth: {
				username: '={{ $credentials.appKey }}',
				password: '={{ $credentials.appSecret }}',
			},
			headers: {
				'X-App-Key': '={{ $credentials.appKey }}',
			},
		},
	};

	// Tested by the ToMoviee node (testedBy: toMovieeApiTest): a task look-up with the secret
	// only in the Authorization header, which a declarative rule cannot judge.
}
