import type { IBinaryKeyData, INodeExecutionData } from 'n8n-workflow';

import { runPooled } from '../../shared/transport/concurrency';
import { toNodeError } from '../../shared/transport/errors';
import type { RequestContext, TransportSettings } from '../../shared/transport/request';
import { judged, outputItem, type ErrorShape, type ItemPlan, type Outcome } from '../../shared/task/taskJson';
import { downloadTaskFiles } from '../../shared/transport/resultFiles';

/**
 * The last step of every path of the action node (Poll, Wait for Callback, Task > Get): judge
 * each outcome, download the files of the succeeded tasks that want them (pooled, with the
 * node's own tries and timeouts), and build one output item per plan, in plan order.
 */
export async function finishItems(
	context: RequestContext,
	plans: ItemPlan[],
	outcomes: Outcome[],
	settings: TransportSettings,
	errorShape: ErrorShape,
): Promise<{ items: INodeExecutionData[]; outcomes: Outcome[] }> {
	const node = context.getNode();
	const final = plans.map((plan, index) => judged(node, plan, outcomes[index]));
	const binaries = new Map<number, IBinaryKeyData>();
	const wanted = plans.flatMap((plan, index) => {
		const { task, failure } = final[index];
		return plan.download && task && !failure && task.status === 'succeeded' ? [{ index, plan, task, download: plan.download }] : [];
	});
	await runPooled(wanted.length, settings.limiter.max, async (position) => {
		const { index, plan, task, download } = wanted[position];
		try {
			binaries.set(index, await downloadTaskFiles(context, task, { fileLabel: plan.fileLabel, download }, settings));
		} catch (error) {
			const itemError = toNodeError(node, error, { itemIndex: plan.itemIndex, action: 'downloading the result file', taskId: task.taskId });
			final[index] = { task, failure: { error: itemError } };
		}
	});
	return {
		items: plans.map((plan, index) => outputItem(plan, final[index], binaries.get(index), errorShape)),
		outcomes: final,
	};
}
