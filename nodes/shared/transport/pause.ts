import { sleep } from 'n8n-workflow';

/**
 * Waits `ms`, ending early when the execution is stopped; true when it was. n8n-workflow 2.x's
 * sleep honours the signal, 1.x's ignores it, so the abort event ends the wait on both.
 */
export async function pause(ms: number, signal?: AbortSignal): Promise<boolean> {
	if (signal?.aborted) return true;
	let onAbort: (() => void) | undefined;
	const stopped = new Promise<boolean>((resolve) => {
		onAbort = () => resolve(true);
		signal?.addEventListener('abort', onAbort, { once: true });
	});
	const slept = sleep(ms, signal).then(
		() => signal?.aborted === true,
		() => true,
	);
	try {
		return await Promise.race([slept, stopped]);
	} finally {
		if (onAbort) signal?.removeEventListener('abort', onAbort);
	}
}
