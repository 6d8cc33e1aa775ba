import { BoundedCache } from '../../nodes/shared/callbacks/boundedCache';

describe('BoundedCache', () => {
	it('stores and forgets keys', () => {
		const cache = new BoundedCache<number>(10);
		expect(cache.has('a')).toBe(false);
		cache.set('a', 1);
		expect(cache.has('a')).toBe(true);
		expect(cache.get('a')).toBe(1);
		expect(cache.get('b')).toBeUndefined();
		cache.delete('a');
		expect(cache.has('a')).toBe(false);
		expect(cache.size).toBe(0);
	});

	it('stays bounded, forgetting the oldest first', () => {
		const cache = new BoundedCache<boolean>(3);
		for (const key of ['a', 'b', 'c', 'd']) cache.set(key, true);
		expect(cache.size).toBe(3);
		expect(cache.has('a')).toBe(false);
		expect(['b', 'c', 'd'].every((key) => cache.has(key))).toBe(true);
		cache.set('a', true);
		expect(cache.has('a')).toBe(true);
		expect(cache.has('b')).toBe(false);
	});

	it('counts setting a key again as its newest use', () => {
		const cache = new BoundedCache<number>(2);
		cache.set('a', 1);
		cache.set('b', 2);
		cache.set('a', 3);
		cache.set('c', 4);
		expect(cache.get('a')).toBe(3);
		expect(cache.has('b')).toBe(false);
		expect(cache.size).toBe(2);
	});

	it('treats prototype names as ordinary keys', () => {
		const cache = new BoundedCache<number>(5);
		expect(cache.has('constructor')).toBe(false);
		expect(cache.has('__proto__')).toBe(false);
		cache.set('__proto__', 1);
		expect(cache.get('__proto__')).toBe(1);
	});

	it('holds many keys within the bound', () => {
		const cache = new BoundedCache<number>(1000);
		for (let index = 0; index < 50_000; index++) cache.set(`k${index}`, index);
		expect(cache.size).toBe(1000);
		expect(cache.has('k48999')).toBe(false);
		expect(cache.get('k49000')).toBe(49000);
	});

	it('counts a read as a use: a key read recently outlives one written later but never read', () => {
		const cache = new BoundedCache<number>(2);
		cache.set('a', 1);
		cache.set('b', 2);
		expect(cache.get('a')).toBe(1);
		cache.set('c', 3);
		expect(cache.has('a')).toBe(true);
		expect(cache.has('b')).toBe(false);
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
