/**
 * A bounded memory of recently seen keys (oldest forgotten first), for dropping duplicate
 * callback deliveries. Check-and-remember is synchronous, so concurrent requests in one
 * process cannot both pass.
 */
export class RecentKeys {
	private readonly keys = new Map<string, number>();

	constructor(readonly capacity: number) {}

	get size(): number {
		return this.keys.size;
	}

	has(key: string): boolean {
		return this.keys.has(key);
	}

	/** True when the key is new (and now remembered), false when it was seen already. */
	remember(key: string, now = Date.now()): boolean {
		if (this.keys.has(key)) return false;
		this.keys.set(key, now);
		while (this.keys.size > this.capacity) {
			const oldest = this.keys.keys().next().value as string;
			this.keys.delete(oldest);
		}
		return true;
	}

	forget(key: string): void {
		this.keys.delete(key);
	}
}
