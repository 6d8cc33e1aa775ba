/** A map that forgets its oldest entries beyond `capacity`. */
export class BoundedCache<V> {
	private readonly entries = new Map<string, V>();

	constructor(readonly capacity: number) {}

	get size(): number {
		return this.entries.size;
	}

	has(key: string): boolean {
		return this.entries.has(key);
	}

	get(key: string): V | undefined {
		return this.entries.get(key);
	}

	delete(key: string): void {
		this.entries.delete(key);
	}

	set(key: string, value: V): void {
		this.entries.delete(key);
		this.entries.set(key, value);
		while (this.entries.size > this.capacity) {
			this.entries.delete(this.entries.keys().next().value as string);
		}
	}
}
