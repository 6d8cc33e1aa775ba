import type { IBinaryKeyData, INodeExecutionData } from 'n8n-workflow';

import { runPooled } from '../../shared/transport/concurrency';
import { toNodeError } from '../../shared/transport/errors';
import type { RequestContext, TransportSettings } from '../../shared/transport/transportSettings';
import { downloadTaskFiles } from '../../shared/transport/resultFiles';
import { recordFailure, type BatchItem } from './batchItem';
import { outputItem, type ErrorShape } from './itemOutput';

/**
 * The last step of every path of the action node (Poll, Wait for Callback, Task > Get): download
 * the files of the succeeded tasks that want them (pooled, with the node's own tries and
 * timeouts; a failed download is the item's failure) and build one output item per item, in
 * item order.
 */
export async function finishItems(
	context: RequestContext,
	items: BatchItem[],
	settings: TransportSettings,
	errorShape: ErrorShape,
): Promise<INodeExecutionData[]> {
	const binaries = new Map<number, IBinaryKeyData>();
	const wanted = items.filter((item) => item.download && item.task?.status === 'succeeded' && !item.failure);
	await runPooled(wanted.length, settings.limiter.max, async (position) => {
		const item = wanted[position];
		const task = item.task!;
		try {
			binaries.set(item.itemIndex, await downloadTaskFiles(context, task, { fileLabel: item.fileLabel, download: item.download! }, settings));
		} catch (error) {
			const itemError = toNodeError(context.getNode(), error, { itemIndex: item.itemIndex, action: 'downloading the result file', taskId: task.taskId });
			recordFailure(item, { error: itemError });
		}
	});
	return items.map((item) => outputItem(item, binaries.get(item.itemIndex), errorShape));
}
