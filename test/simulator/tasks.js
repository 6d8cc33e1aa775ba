'use strict';
// Task lifecycle. A task's status is derived from its timestamps whenever it is read, so thousands of tasks cost no timers:
// queued for the first 10% of its duration, processing until the duration has passed, then its final outcome (chosen at submit
// from hints in its inputs).
const crypto = require('crypto');
const { codeFor } = require('./codes');
const { extensionFor } = require('./media');

const STATUS = { QUEUED: 1, PROCESSING: 2, SUCCEEDED: 3, FAILED: 4, CANCELLED: 5, TIMED_OUT: 6 };

// Outcome hints (case-insensitive substrings of the capability's inputs); first match wins. `reason: null` means the
// capability's own failure text.
const FAILED = { status: STATUS.FAILED, reason: null, code: 'taskFailed' };
const HINTS = [
	['never', null], // stays processing forever
	['timeout', { status: STATUS.TIMED_OUT, reason: 'task timed out', code: 'taskTimedOut' }],
	['cancel', { status: STATUS.CANCELLED, reason: 'task cancelled', code: 'taskCancelled' }],
	['insufficient', { status: STATUS.FAILED, reason: 'insufficient balance', code: 'insufficientBalance' }],
	['fail', FAILED],
];
const SUCCESS = { status: STATUS.SUCCEEDED, reason: null, code: null };

/** Outcome for a hint text: {status, reason, code}, or null for "never finishes". */
function outcomeFor(hintText, failImages, failReason) {
	const text = hintText.toLowerCase();
	const hit = HINTS.find(([hint]) => text.includes(hint));
	const found = hit ? hit[1] : failImages.some((s) => s && text.includes(s.toLowerCase())) ? FAILED : SUCCESS;
	return found && found.reason === null && found.code ? { ...found, reason: failReason } : found;
}

// Random bytes fetched in blocks: one crypto call per task costs more than the rest of a submit.
let pool = Buffer.alloc(0);
let poolAt = 0;
function randomHex(bytes) {
	if (poolAt + bytes > pool.length) [pool, poolAt] = [crypto.randomBytes(12 * 512), 0];
	poolAt += bytes;
	return pool.toString('hex', poolAt - bytes, poolAt);
}

/** Vendor form `<capability>-0-<yyyyMMddHHmm UTC><10 hex>` (ToMoviee's sample), or `tm_<24 hex>`. */
function newTaskId(capability, form, now, taken) {
	const stamp = new Date(now).toISOString().slice(0, 16).replace(/\D/g, '');
	for (;;) {
		const id = form === 'hex' ? `tm_${randomHex(12)}` : `${capability}-0-${stamp}${randomHex(5)}`;
		if (!taken(id)) return id;
	}
}

/** ToMoviee's result links are signed storage URLs (`?Expires=<epoch s>&OSSAccessKeyId=…&Signature=…`). */
function sign(pathAndQuery, expiresAt) {
	const signature = crypto.createHmac('sha1', 'sim').update(`${pathAndQuery}\n${expiresAt}`).digest('base64');
	const sep = pathAndQuery.includes('?') ? '&' : '?';
	return `${pathAndQuery}${sep}Expires=${expiresAt}&OSSAccessKeyId=sim&Signature=${encodeURIComponent(signature)}`;
}

class Task {
	/** o: {id, now, durationMs, options (at submit), opts: () => live options, base: () => public base URL} */
	constructor(spec, body, o) {
		const options = o.options;
		const hintText = spec.hintText(body);
		Object.assign(this, spec.recorded ? spec.recorded(body) : {});
		this.task_id = o.id;
		this.capability = spec.name;
		this.wsid = body.wsid !== undefined ? body.wsid : options.wsid !== undefined ? Number(options.wsid) : 0;
		this.input = spec.input(body);
		this.callback = body.callback;
		this.params = typeof body.params === 'string' ? body.params : '';
		this.body = body;
		this.createdAt = o.now;
		const hinted = /(?:^|[^A-Za-z0-9_])duration=(\d+)/i.exec(hintText); // `duration=<ms>` in a URL query or a prompt
		this.durationMs = hinted ? Number(hinted[1]) : o.durationMs;
		this.outcome = outcomeFor(hintText, options.failImages, spec.failReason);
		const text = hintText.toLowerCase();
		this.hints = { huge: text.includes('huge'), wrongtype: text.includes('wrongtype') };
		// `nocallback`: the task ends, but its callback is never sent (a callback lost on the way)
		this.callbackLost = text.includes('nocallback');
		const out = spec.outputs(body, options);
		this.outputs = { ...out, ext: extensionFor(out.kind, options) };
		this.extra = spec.extra(body);
		this.pattern = typeof body.control_type === 'string' ? body.control_type : this.control_type || '3';
		this.urlForm = options.resultUrlForm;
		this.expiresAt = Math.floor(o.now / 1000) + options.resultUrlTtlSeconds;
		this.hugeBytes = options.hugeResults || this.hints.huge ? options.hugeBytes : undefined;
		this.callbackState = body.callback ? 'pending' : 'none';
		// Non-enumerable: keeps JSON/inspect output to the task's own data.
		Object.defineProperty(this, 'base', { value: o.base, enumerable: false });
		Object.defineProperty(this, 'opts', { value: o.opts, enumerable: false });
	}

	get finishesAt() {
		return this.outcome ? this.createdAt + this.durationMs : Infinity;
	}

	isFinal(now = Date.now()) {
		return Boolean(this.outcome) && now - this.createdAt >= this.durationMs;
	}

	/** The task as the query route's `data` reports it at time `now`. */
	view(now = Date.now()) {
		const o = this.opts();
		const elapsed = now - this.createdAt;
		const d = this.durationMs;
		let [status, progress, reason, result, position] = [STATUS.PROCESSING, 0, '', '', -1];
		let waitTime = Math.ceil((this.outcome ? Math.max(0, this.finishesAt - now) : d) / 1000);
		if (this.isFinal(now)) {
			status = this.outcome.status;
			const ok = status === STATUS.SUCCEEDED;
			reason = ok ? o.successReason : this.outcome.reason;
			progress = ok ? 100 : 0;
			if (ok) result = JSON.stringify({ [this.outputs.key]: this.resultUrls(), ...this.extra });
			waitTime = Math.ceil(d / 1000);
		} else if (elapsed < d * 0.1) {
			status = STATUS.QUEUED;
			position = Math.floor((d * 0.1 - elapsed) / 100); // one place per 100 ms of queue time left
		} else {
			// "never" tasks creep towards 99 without reaching it.
			progress = Math.max(1, Math.min(99, Math.floor(((elapsed - d * 0.1) / Math.max(1, d * 0.9)) * 100)));
		}
		const pf = o.progressField;
		if (o.taskFields === 'minimal') return { task_id: this.task_id, status, [pf]: progress, reason, result, params: this.params };
		return { task_id: this.task_id, wsid: this.wsid, priority: 1, status, reason, [pf]: progress, position, wait_time: waitTime, delay: false, params: this.params, result };
	}

	/** The query answer: code 0, or the task's own 68xxxx code with its reason, and the task. */
	answer(now = Date.now()) {
		const data = this.view(now);
		const code = this.isFinal(now) && this.outcome.code ? codeFor(this.outcome.code, this.opts()) : 0;
		return { code, msg: code ? data.reason : 'success', data };
	}

	/** Public URLs of the task's outputs: signed `/files/` links, the older `/masks/` one, or the huge route. */
	resultUrls() {
		const { count, ext, kind } = this.outputs;
		return Array.from({ length: count }, (_, n) => {
			let path = `/files/${this.task_id}/${n}.${ext}`;
			if (this.hugeBytes !== undefined) path = `/files/huge.${ext}?bytes=${this.hugeBytes}&task_id=${encodeURIComponent(this.task_id)}`;
			else if (this.urlForm === 'plain' && kind === 'mask') path = `/masks/${this.task_id}.png`;
			return this.base() + (this.urlForm === 'signed' ? sign(path, this.expiresAt) : path);
		});
	}

	get status() { return this.view().status; }
	get progress() { return this.view()[this.opts().progressField]; }
	get reason() { return this.view().reason; }
	get result() { return this.view().result; }

	toJSON() {
		const { capability, wsid, input, body, control_type, init_image, template_info, storage_info, callback, callbackState, createdAt, durationMs, expiresAt } = this;
		const finishesAt = Number.isFinite(this.finishesAt) ? this.finishesAt : null;
		return { ...this.view(), capability, wsid, input, body, control_type, init_image, template_info, storage_info, callback, callbackState, createdAt, durationMs, finishesAt, expiresAt };
	}
}

module.exports = { Task, STATUS, newTaskId };
