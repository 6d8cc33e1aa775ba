import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

export class ToMovieeApi implements ICredentialType {
	name = 'toMovieeApi';

	displayName = 'ToMoviee API';

	icon: Icon = {
		light: 'file:../nodes/ToMoviee/tomoviee.svg',
		dark: 'file:../nodes/ToMoviee/tomoviee.dark.svg',
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
				'Your ToMoviee account user ID, sent as "wsid" with every task. The node can override it per item.',
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

	// The token endpoint answers HTTP 200 with a non-zero code and no token for a wrong pair.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{ $credentials.baseUrl.replace(/\\/+$/, "") }}',
			url: '/v1/open/capacity/get/token',
			method: 'GET',
			qs: {
				access_key: '={{ $credentials.appKey }}',
				secret: '={{ $credentials.appSecret }}',
			},
		},
		rules: [
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'data.access_token',
					value: undefined,
					message:
						'ToMoviee rejected the app key/secret. Check both values (the secret is called app_crit in the ToMoviee console).',
				},
			},
		],
	};
}
