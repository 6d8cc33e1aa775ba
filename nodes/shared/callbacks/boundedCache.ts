/**
 * A map that forgets its least recently used entries beyond `capacity`; `get` and `set` count
 * as a use. Entries `isPinned` says are in use are never forgotten (the map may then exceed
 * its capacity until they are released).
 */
export class BoundedCache<V> {
	private readonly entries = new Map<string, V>();

	constructor(
		readonly capacity: number,
		private readonly isPinned: (value: V) => boolean = () => false,
	) {}

	get size(): number {
		return this.entries.size;
	}

	has(key: string): boolean {
		return this.entries.has(key);
	}

	get(key: string): V | undefined {
		if (!this.entries.has(key)) return undefined;
		const value = this.entries.get(key) as V;
		this.entries.delete(key);
		this.entries.set(key, value);
		return value;
	}

	delete(key: string): void {
		this.entries.delete(key);
	}

	set(key: string, value: V): void {
		this.entries.delete(key);
		this.entries.set(key, value);
		if (this.entries.size <= this.capacity) return;
		for (const [oldKey, oldValue] of this.entries) {
			if (this.entries.size <= this.capacity) break;
			if (oldKey !== key && !this.isPinned(oldValue)) this.entries.delete(oldKey);
		}
	}
}
