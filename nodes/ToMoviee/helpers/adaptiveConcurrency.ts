/**
 * How many requests may be in flight. Halves when ToMoviee answers 429 and grows back by one
 * after a full window of successes (additive increase, multiplicative decrease).
 */
export class AdaptiveConcurrency {
	private current: number;

	private successesSinceChange = 0;

	throttleEvents = 0;

	constructor(readonly max: number) {
		this.current = Math.max(1, Math.floor(max));
	}

	get limit(): number {
		return this.current;
	}

	onThrottled(): void {
		this.throttleEvents++;
		this.current = Math.max(1, Math.floor(this.current / 2));
		this.successesSinceChange = 0;
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
