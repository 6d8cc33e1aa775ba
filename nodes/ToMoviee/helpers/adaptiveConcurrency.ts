/**
 * How many requests may be in flight. Halves when ToMoviee answers 429 and grows back by one
 * after a full window of successes (additive increase, multiplicative decrease). 429s for
 * requests sent before the last decrease belong to the same congestion episode and are not
 * counted again, so a burst of them halves the limit once, not down to one.
 */
export class AdaptiveConcurrency {
	private current: number;

	private successesSinceChange = 0;

	private lastDecreaseAt = Number.NEGATIVE_INFINITY;

	throttleEvents = 0;

	constructor(readonly max: number) {
		this.current = Math.max(1, Math.floor(max));
	}

	get limit(): number {
		return this.current;
	}

	/** `sentAt`: when the throttled request was sent (ms); omitted means "after any decrease". */
	onThrottled(sentAt?: number, now = Date.now()): void {
		this.throttleEvents++;
		if (sentAt !== undefined && sentAt < this.lastDecreaseAt) return;
		this.current = Math.max(1, Math.floor(this.current / 2));
		this.successesSinceChange = 0;
		this.lastDecreaseAt = now;
	}

	onSuccess(): void {
		if (this.current >= this.max) return;
		this.successesSinceChange++;
		if (this.successesSinceChange >= this.current) {
			this.current++;
			this.successesSinceChange = 0;
		}
	}
}

/**
 * Runs `worker` for indexes 0..count-1 with at most `limiter.limit` running at once.
 * Workers are expected to settle their own errors; `shouldStop` ends the launching early.
 */
export async function runPooled(
	count: number,
	limiter: AdaptiveConcurrency,
	worker: (index: number) => Promise<void>,
	shouldStop: () => boolean = () => false,
): Promise<void> {
	let next = 0;
	let active = 0;
	await new Promise<void>((resolve, reject) => {
		let failed = false;
		const launch = () => {
			while (!failed && !shouldStop() && next < count && active < limiter.limit) {
				const index = next++;
				active++;
				worker(index).then(
					() => {
						active--;
						launch();
					},
					(error: unknown) => {
						failed = true;
						active--;
						reject(error instanceof Error ? error : new Error(String(error)));
					},
				);
			}
			if (!failed && active === 0 && (next >= count || shouldStop())) resolve();
		};
		launch();
	});
}
