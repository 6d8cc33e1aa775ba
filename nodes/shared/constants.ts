export const CREDENTIAL_NAME = 'toMovieeApi';

/** The README section on getting a public URL for a file an item carries. */
export const FILES_TO_URLS_HELP = 'https://github.com/tomoviee/n8n-nodes-tomoviee#images-you-hold-as-files';

export const DEFAULT_BASE_URL = 'https://open-api.wondershare.cc';
export const TASK_QUERY_PATH = '/v1/open/pub/task';

/** Every capability is submitted to the same gateway route, named by the capability. */
export function submitPath(capability: string): string {
	return `/v1/open/capacity/application/${capability}`;
}

/** The seed page's sample request sends this form; the Storage Info option replaces or omits it. */
export const DEFAULT_STORAGE_INFO = {
	input: { is_url: true },
	output: { url: { expire_time: 1 } },
};
