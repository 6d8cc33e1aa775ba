/** A binary min-heap of values by a numeric key (ties in no particular order). */
export class MinHeap<T> {
	private readonly keys: number[] = [];

	private readonly values: T[] = [];

	get size(): number {
		return this.keys.length;
	}

	/** The smallest key, or Infinity when empty. */
	peekKey(): number {
		return this.keys.length > 0 ? this.keys[0] : Number.POSITIVE_INFINITY;
	}

	push(key: number, value: T): void {
		this.keys.push(key);
		this.values.push(value);
		let at = this.keys.length - 1;
		while (at > 0) {
			const parent = (at - 1) >> 1;
			if (this.keys[parent] <= key) break;
			this.swap(at, parent);
			at = parent;
		}
	}

	pop(): T | undefined {
		if (this.keys.length === 0) return undefined;
		const top = this.values[0];
		const lastKey = this.keys.pop() as number;
		const lastValue = this.values.pop() as T;
		if (this.keys.length > 0) {
			this.keys[0] = lastKey;
			this.values[0] = lastValue;
			let at = 0;
			for (;;) {
				const left = 2 * at + 1;
				const right = left + 1;
				let smallest = at;
				if (left < this.keys.length && this.keys[left] < this.keys[smallest]) smallest = left;
				if (right < this.keys.length && this.keys[right] < this.keys[smallest]) smallest = right;
				if (smallest === at) break;
				this.swap(at, smallest);
				at = smallest;
			}
		}
		return top;
	}

	private swap(a: number, b: number): void {
		[this.keys[a], this.keys[b]] = [this.keys[b], this.keys[a]];
		[this.values[a], this.values[b]] = [this.values[b], this.values[a]];
	}
}
