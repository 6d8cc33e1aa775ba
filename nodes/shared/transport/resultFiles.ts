import type { IBinaryKeyData } from 'n8n-workflow';

import { binaryPropertyFor, resultFileName } from '../task/resultFileNames';
import type { Task } from '../task/task';
import { downloadResultFile, ResultDownloadError } from './download';
import type { RequestContext, TransportSettings } from './transportSettings';
import type { DownloadSettings } from '../parameters/options';

/** Every result file of a succeeded task, as the binary properties of one item. */
export async function downloadTaskFiles(
	context: RequestContext,
	task: Task,
	naming: { fileLabel: string; download: DownloadSettings },
	settings: TransportSettings,
): Promise<IBinaryKeyData> {
	if (task.resultUrls.length === 0) {
		throw new ResultDownloadError('its result holds no file URL', 'Look at the "result" field: ToMoviee may have changed its result format.');
	}
	const binary: IBinaryKeyData = {};
	for (const [index, url] of task.resultUrls.entries()) {
		binary[binaryPropertyFor(naming.download.binaryPropertyName, index)] = await downloadResultFile(
			context,
			url,
			{ maxBytes: naming.download.maxBytes, fileName: (mediaType) => resultFileName(task.taskId, naming.fileLabel, index, mediaType) },
			settings,
		);
	}
	return binary;
}
