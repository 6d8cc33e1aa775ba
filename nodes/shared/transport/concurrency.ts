/** Requests in flight at the start of a batch, when Max Concurrency allows as many. */
const START_WIDTH = 50;

/**
 * How many requests may be in flight, and the slots to hold while one is. The pool starts at
 * `start` (at most `max`) and, while ToMoviee has never answered 429, doubles after a full window
 * of successes (slow start) up to `max`. A 429 halves it; from then on it grows back by one per
 * window (additive increase, multiplicative decrease). 429s for requests sent before the last
 * decrease belong to the same congestion episode, so a burst of them halves the limit once.
 * A slot is held for one HTTP attempt only: a retry's back-off holds none.
 */
export class AdaptiveConcurrency {
	private current: number;

	private successesSinceChange = 0;

	private lastDecreaseAt = Number.NEGATIVE_INFINITY;

	private inFlight = 0;

	private readonly waiting: Array<() => void> = [];

	private waitingHead = 0;

	throttleEvents = 0;

	readonly max: number;

	constructor(max: number, start = START_WIDTH) {
		this.max = Math.max(1, Math.floor(max));
		this.current = Math.max(1, Math.min(this.max, Math.floor(start)));
	}

	get limit(): number {
		return this.current;
	}

	async acquire(): Promise<void> {
		if (this.inFlight < this.current && this.waitingHead === this.waiting.length) {
			this.inFlight++;
			return;
		}
		await new Promise<void>((resolve) => this.waiting.push(resolve));
	}

	release(): void {
		this.inFlight--;
		this.handOver();
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
			this.current = this.throttleEvents === 0 ? Math.min(this.max, this.current * 2) : this.current + 1;
			this.successesSinceChange = 0;
			this.handOver();
		}
	}

	private handOver(): void {
		while (this.inFlight < this.current && this.waitingHead < this.waiting.length) {
			this.inFlight++;
			const next = this.waiting[this.waitingHead];
			this.waiting[this.waitingHead++] = () => {};
			next();
		}
		if (this.waitingHead === this.waiting.length) {
			this.waiting.length = 0;
			this.waitingHead = 0;
		}
	}
}

/**
 * Runs `worker` for indexes 0..count-1 with at most `width` running at once, in index order.
 * Workers settle their own errors; `shouldStop` ends the launching early.
 */
export async function runPooled(
	count: number,
	width: number,
	worker: (index: number) => Promise<void>,
	shouldStop: () => boolean = () => false,
): Promise<void> {
	let next = 0;
	const lane = async (): Promise<void> => {
		while (next < count && !shouldStop()) await worker(next++);
	};
	const lanes: Array<Promise<void>> = [];
	for (let index = 0; index < Math.min(Math.max(1, width), count); index++) lanes.push(lane());
	await Promise.all(lanes);
}
