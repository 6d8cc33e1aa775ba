import { pause } from '../../shared/transport/pause';

/** A sleep that something else can end early (`wake`), or the execution's stop. */
export class Alarm {
	private waking: AbortController | undefined;

	/** When the current sleep ends by itself (0 while awake). */
	sleepingUntil = 0;

	async sleep(ms: number, stopSignal: AbortSignal): Promise<void> {
		const waking = new AbortController();
		const onStop = () => waking.abort();
		stopSignal.addEventListener('abort', onStop, { once: true });
		this.waking = waking;
		this.sleepingUntil = Date.now() + ms;
		try {
			await pause(ms, waking.signal);
		} finally {
			stopSignal.removeEventListener('abort', onStop);
			this.waking = undefined;
			this.sleepingUntil = 0;
		}
	}

	wake(): void {
		this.waking?.abort();
	}
}
