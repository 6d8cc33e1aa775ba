import type { INodeProperties } from 'n8n-workflow';

import type { Operation } from './operation';

/** A resource's Operation selector, from each operation's menu entry, then the operations' own properties. */
export function resourceDescription(resource: string, operations: Record<string, Operation>): INodeProperties[] {
	const entries = Object.entries(operations);
	const [[first]] = entries;
	return [
		{
			displayName: 'Operation',
			name: 'operation',
			type: 'options',
			noDataExpression: true,
			displayOptions: { show: { resource: [resource] } },
			options: entries.map(([value, { menu }]) => ({ ...menu, value })),
			default: first,
		},
		...entries.flatMap(([, operation]) => operation.description),
	];
}
