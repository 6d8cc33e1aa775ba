import { BoundedCache } from './boundedCache';

/**
 * A bounded memory of recently seen keys (oldest forgotten first), for dropping duplicate
 * callback deliveries. Check-and-remember is synchronous, so concurrent requests in one
 * process cannot both pass.
 */
export class RecentKeys {
	private readonly keys: BoundedCache<number>;

	constructor(readonly capacity: number) {
		this.keys = new BoundedCache<number>(capacity);
	}

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
		return true;
	}

	forget(key: string): void {
		this.keys.delete(key);
	}
}
