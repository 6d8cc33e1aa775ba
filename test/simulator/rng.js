'use strict';
// Seeded PRNG (mulberry32) so fault draws and random durations repeat run to run.

function createRng(seed) {
	let a = Number(seed) >>> 0 || 1;
	return function next() {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

module.exports = { createRng };
