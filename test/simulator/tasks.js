'use strict';
// Task lifecycle. A task's status is derived from its timestamps whenever it is read, so
// thousands of tasks cost no timers: queued for the first 10% of its duration, processing
// until the duration has passed, then its final outcome (chosen at submit from hints in its inputs).
const { codeFor } = require('./codes');
const { resultUrl } = require('./urls');
const { extensionFor } = require('./media');

const STATUS = {
	QUEUED: 1,
	PROCESSING: 2,
	SUCCEEDED: 3,
	FAILED: 4,
	CANCELLED: 5,
	TIMED_OUT: 6,
};

// Outcome hints (case-insensitive substrings of the capability's inputs); first match wins.
// `reason: null` on "fail" means the capability's own failure text.
const HINTS = [
	['never', null], // stays processing forever
	['timeout', { status: STATUS.TIMED_OUT, reason: 'task timed out', code: 'taskTimedOut' }],
	['cancel', { status: STATUS.CANCELLED, reason: 'task cancelled', code: 'taskCancelled' }],
	['insufficient', { status: STATUS.FAILED, reason: 'insufficient balance', code: 'insufficientBalance' }],
	['fail', { status: STATUS.FAILED, reason: null, code: 'taskFailed' }],
];
const SUCCESS = { status: STATUS.SUCCEEDED, reason: null, code: null };

/** Outcome for a hint text: {status, reason, code}, or null for "never finishes". */
function outcomeFor(hintText, failImages = [], failReason = 'image could not be recognized') {
	const text = String(hintText).toLowerCase();
	let found = SUCCESS;
	const hit = HINTS.find(([hint]) => text.includes(hint));
	if (hit) found = hit[1];
	else if (failImages.some((s) => s && text.includes(String(s).toLowerCase()))) found = HINTS[4][1];
	if (found && found.status === STATUS.FAILED && found.reason === null) return { ...found, reason: failReason };
	return found;
}

/** `duration=<ms>` in an input (URL query or prompt text) overrides the simulator's duration. */
function durationHint(hintText) {
	const m = /(?:^|[^A-Za-z0-9_])duration=(\d+)/i.exec(String(hintText));
	return m ? Number(m[1]) : undefined;
}

/** Media hints: `huge` (result streams hugeBytes) and `wrongtype` (result served as text/html). */
function mediaHints(hintText) {
	const text = String(hintText).toLowerCase();
	return { huge: text.includes('huge'), wrongtype: text.includes('wrongtype') };
}

function pickDuration(setting, rng) {
	if (Array.isArray(setting)) return Math.round(setting[0] + rng() * (setting[1] - setting[0]));
	return Number(setting);
}

class Task {
	/**
	 * @param {object} spec  capability spec (capabilities/)
	 * @param {object} body  validated submit body
	 * @param {object} o     {id, now, durationMs, options (at submit), opts: () => live options,
	 *                        base: () => public base URL}
	 */
	constructor(spec, body, o) {
		const options = o.options;
		const hintText = spec.hintText(body);
		this.task_id = o.id;
		this.capability = spec.name;
		this.wsid = body.wsid !== undefined ? body.wsid : options.wsid !== undefined ? Number(options.wsid) : 0;
		this.input = spec.input(body);
		this.callback = body.callback;
		this.params = typeof body.params === 'string' ? body.params : '';
		this.body = body;
		if (spec.family === 'recognition') {
			const first = body.template_info[0].input_params;
			this.init_image = first.init_image;
			this.control_type = first.control_type;
			this.template_info = body.template_info; // all entries recorded; only the first is processed
			this.storage_info = body.storage_info;
		}
		this.createdAt = o.now;
		const hinted = durationHint(hintText);
		this.durationMs = hinted !== undefined ? hinted : o.durationMs;
		this.outcome = outcomeFor(hintText, options.failImages, spec.failReason);
		this.hints = mediaHints(hintText);
		// `nocallback`: the task ends, but its callback is never sent (a callback lost on the way)
		this.callbackLost = /nocallback/i.test(String(hintText));
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

	/** True once the task has its final outcome at time `now` ("never" tasks: never). */
	isFinal(now = Date.now()) {
		return Boolean(this.outcome) && now - this.createdAt >= this.durationMs;
	}

	/** The task as the query route's `data` reports it at time `now`. */
	view(now = Date.now()) {
		const o = this.opts();
		const elapsed = now - this.createdAt;
		const d = this.durationMs;
		let status;
		let progress;
		let reason = '';
		let result = '';
		let position = -1;
		let waitTime = Math.ceil(Math.max(0, this.finishesAt - now) / 1000);
		if (this.isFinal(now)) {
			status = this.outcome.status;
			const ok = status === STATUS.SUCCEEDED;
			reason = ok ? o.successReason : this.outcome.reason;
			progress = ok ? 100 : 0;
			if (ok) result = JSON.stringify(this.resultObject());
			waitTime = Math.ceil(d / 1000);
		} else if (elapsed < d * 0.1) {
			status = STATUS.QUEUED;
			progress = 0;
			// One place per 100 ms of queue time left, so it counts down to 0.
			position = Math.floor((d * 0.1 - elapsed) / 100);
		} else {
			status = STATUS.PROCESSING;
			// "never" tasks creep towards 99 without reaching it.
			const frac = (elapsed - d * 0.1) / Math.max(1, d * 0.9);
			progress = Math.max(1, Math.min(99, Math.floor(frac * 100)));
		}
		if (!this.outcome) waitTime = Math.ceil(d / 1000);
		const pf = o.progressField;
		if (o.taskFields === 'minimal') {
			return { task_id: this.task_id, status, [pf]: progress, reason, result, params: this.params };
		}
		return {
			task_id: this.task_id,
			wsid: this.wsid,
			priority: 1,
			status,
			reason,
			[pf]: progress,
			position,
			wait_time: waitTime,
			delay: false,
			params: this.params,
			result,
		};
	}

	/** The query answer: code 0, or the task's own 68xxxx code with its reason, and the task. */
	answer(now = Date.now()) {
		const data = this.view(now);
		const failed = this.isFinal(now) && this.outcome.code;
		const code = failed ? codeFor(this.outcome.code, this.opts()) : 0;
		return { code, msg: code ? data.reason : 'success', data };
	}

	/** Public URLs of the task's outputs. */
	resultUrls() {
		const { count, ext, kind } = this.outputs;
		return Array.from({ length: count }, (_, n) =>
			resultUrl(this.task_id, n, {
				base: this.base(),
				form: this.urlForm,
				ext,
				expiresAt: this.expiresAt,
				huge: this.hugeBytes,
				legacyMask: kind === 'mask',
			}),
		);
	}

	resultObject() {
		return { [this.outputs.key]: this.resultUrls(), ...this.extra };
	}

	get status() {
		return this.view().status;
	}
	get progress() {
		return this.view()[this.opts().progressField];
	}
	get reason() {
		return this.view().reason;
	}
	get result() {
		return this.view().result;
	}

	toJSON() {
		return {
			...this.view(),
			capability: this.capability,
			wsid: this.wsid,
			input: this.input,
			body: this.body,
			control_type: this.control_type,
			init_image: this.init_image,
			template_info: this.template_info,
			storage_info: this.storage_info,
			callback: this.callback,
			callbackState: this.callbackState,
			createdAt: this.createdAt,
			durationMs: this.durationMs,
			finishesAt: Number.isFinite(this.finishesAt) ? this.finishesAt : null,
			expiresAt: this.expiresAt,
		};
	}
}

module.exports = {
	Task,
	STATUS,
	outcomeFor,
	durationHint,
	mediaHints,
	pickDuration,
};
