export const SUBMIT_PATH = '/v1/open/capacity/application/tm_reference_img2mask';
export const TASK_QUERY_PATH = '/v1/open/pub/task';

export const DEFAULT_BASE_URL = 'https://open-api.wondershare.cc';
export const TEMPLATE_ID = 'tm_reference_img2mask_template_spatial';

/** The vendor's own sample request sends this form; an advanced option replaces it. */
export const DEFAULT_STORAGE_INFO = {
	input: { is_url: true },
	output: { url: { expire_time: 1 } },
};

export const CREDENTIAL_NAME = 'toMovieeApi';

export const CONTROL_TYPES = {
	'0': 'edge',
	'1': 'pose',
	'2': 'subject',
	'3': 'depth',
} as const;

export type ControlType = keyof typeof CONTROL_TYPES;
