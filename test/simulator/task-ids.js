'use strict';
// Task ids. Vendor form `<capability>-0-<yyyyMMddHHmm><10 hex>` (ToMoviee's sample:
// tm_text2video_customize-0-2025080109295bd73652d4); `taskIdForm: 'hex'` gives `tm_<24 hex>`.
const crypto = require('crypto');

// Random bytes fetched in blocks: one crypto call per task costs more than the rest of a submit.
let pool = Buffer.alloc(0);
let poolAt = 0;
function randomHex(bytes) {
	if (poolAt + bytes > pool.length) {
		pool = crypto.randomBytes(12 * 512);
		poolAt = 0;
	}
	poolAt += bytes;
	return pool.toString('hex', poolAt - bytes, poolAt);
}

const pad = (n) => String(n).padStart(2, '0');
/** yyyyMMddHHmm in UTC. */
function stamp(ms) {
	const d = new Date(ms);
	return `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}`;
}

/** A fresh id; `taken(id)` lets the caller guarantee uniqueness among live tasks. */
function newTaskId(capability, form, now = Date.now(), taken = () => false) {
	for (;;) {
		const id = form === 'hex' ? `tm_${randomHex(12)}` : `${capability}-0-${stamp(now)}${randomHex(5)}`;
		if (!taken(id)) return id;
	}
}

const TASK_ID_RE = /^[A-Za-z0-9_-]+$/;

module.exports = { newTaskId, TASK_ID_RE, stamp };
