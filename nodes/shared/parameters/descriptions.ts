import type { INodeProperties } from 'n8n-workflow';

import { numberOptionProperty } from './options';

/** The icon pair both nodes (and the credential) show. */
export const TOMOVIEE_ICON = {
	light: 'file:../shared/tomoviee.svg',
	dark: 'file:../shared/tomoviee.dark.svg',
} as const;

/**
 * Options to fetch result files as binary data, for both nodes; `downloadDescription` says
 * what happens when a download fails, which differs between them.
 */
export function downloadOptions(downloadDescription: string): INodeProperties[] {
	return [
		{
			displayName: 'Download Result Files',
			name: 'download',
			type: 'boolean',
			default: false,
			description: downloadDescription,
		},
		{
			displayName: 'Put Output File in Field',
			name: 'binaryPropertyName',
			type: 'string',
			default: 'data',
			hint: 'The name of the output binary field to put the file in. A second file of the same task goes to data_1, and so on.',
			description: 'Binary field the first result file is put in',
		},
		numberOptionProperty('maxDownloadSizeMb'),
	];
}

/** The Options collection of a node or operation, in the order given. */
export function optionsProperty(options: INodeProperties[]): INodeProperties {
	return { displayName: 'Options', name: 'options', type: 'collection', placeholder: 'Add option', default: {}, options };
}
