import { BoundedCache } from '../../nodes/shared/callbacks/boundedCache';

/** The keys of `keys` that `cache` holds. */
const held = <T>(cache: BoundedCache<T>, keys: string[]) => keys.filter((key) => cache.has(key));

describe('BoundedCache', () => {
	it('stores and forgets keys; prototype names are ordinary keys', () => {
		const cache = new BoundedCache<number>(10);
		expect(held(cache, ['a', 'constructor', '__proto__'])).toEqual([]);
		cache.set('a', 1);
		cache.set('__proto__', 2);
		expect([cache.get('a'), cache.get('__proto__'), cache.get('b')]).toEqual([1, 2, undefined]);
		cache.delete('a');
		cache.delete('__proto__');
		expect(cache.has('a')).toBe(false);
		expect(cache.size).toBe(0);
	});

	it('stays bounded, forgetting the oldest first', () => {
		const cache = new BoundedCache<boolean>(3);
		for (const key of ['a', 'b', 'c', 'd']) cache.set(key, true);
		expect(held(cache, ['a', 'b', 'c', 'd'])).toEqual(['b', 'c', 'd']);
		cache.set('a', true);
		expect(held(cache, ['a', 'b', 'c', 'd'])).toEqual(['a', 'c', 'd']);
		expect(cache.size).toBe(3);
	});

	it('counts setting a key again as its newest use', () => {
		const cache = new BoundedCache<number>(2);
		for (const [key, value] of [['a', 1], ['b', 2], ['a', 3], ['c', 4]] as const) cache.set(key, value);
		expect(cache.get('a')).toBe(3);
		expect(held(cache, ['a', 'b', 'c'])).toEqual(['a', 'c']);
	});

	it('counts a read as a use: a key read recently outlives one written later but never read', () => {
		const cache = new BoundedCache<number>(2);
		cache.set('a', 1);
		cache.set('b', 2);
		expect(cache.get('a')).toBe(1);
		cache.set('c', 3);
		expect(held(cache, ['a', 'b', 'c'])).toEqual(['a', 'c']);
	});

	it('holds many keys within the bound', () => {
		const cache = new BoundedCache<number>(1000);
		for (let index = 0; index < 50_000; index++) cache.set(`k${index}`, index);
		expect(cache.size).toBe(1000);
		expect(cache.has('k48999')).toBe(false);
		expect(cache.get('k49000')).toBe(49000);
	});

	it('never forgets a pinned entry (a ledger mid-resume), however many come after it', () => {
		const cache = new BoundedCache<{ resuming: boolean }>(3, (value) => value.resuming);
		const resuming = { resuming: true };
		cache.set('busy', resuming);
		for (let index = 0; index < 100; index++) cache.set(`k${index}`, { resuming: false });
		expect(cache.get('busy')).toBe(resuming);
		expect(cache.size).toBe(3);
		resuming.resuming = false;
		for (let index = 100; index < 103; index++) cache.set(`k${index}`, { resuming: false });
		expect(cache.has('busy')).toBe(false);
	});
});
