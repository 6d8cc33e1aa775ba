'use strict';
// Field rules for submit bodies. Each message starts with the offending field's name, as a real
// gateway's "invalid parameter" answer would, so clients can surface it to the user.

function isHttpUrl(value) {
	if (typeof value !== 'string') return false;
	try {
		const u = new URL(value);
		return u.protocol === 'http:' || u.protocol === 'https:';
	} catch {
		return false;
	}
}

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const list = (values) => values.map((v) => JSON.stringify(v)).join(', ');

// A rule is (value, fieldName, body) => message | null. `required`/`optional` wrap a value rule.
const required = (rule) => (v, f, b) => (v === undefined || v === null ? `${f} is required` : rule(v, f, b));
const optional = (rule) => (v, f, b) => (v === undefined ? null : rule(v, f, b));

const text = (max) => (v, f) => {
	if (typeof v !== 'string' || v.trim() === '') return `${f} must be a non-empty string`;
	return max && v.length > max ? `${f} must be at most ${max} characters` : null;
};
const anyString = () => (v, f) => (typeof v === 'string' ? null : `${f} must be a string`);
const httpUrl = () => (v, f) => (isHttpUrl(v) ? null : `${f} must be an http(s) URL`);
const oneOf = (values) => (v, f) => (values.includes(v) ? null : `${f} must be one of ${list(values)}`);
const integer = (min, max) => (v, f) =>
	Number.isInteger(v) && v >= min && v <= max ? null : `${f} must be an integer from ${min} to ${max}`;
const number = (min, max) => (v, f) =>
	typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max
		? null
		: `${f} must be a number from ${min} to ${max}`;
/** A number strictly between min and max (music duration: 0 < d < 95). */
const between = (min, max) => (v, f) =>
	typeof v === 'number' && Number.isFinite(v) && v > min && v < max
		? null
		: `${f} must be a number greater than ${min} and less than ${max}`;
const boolean = () => (v, f) => (typeof v === 'boolean' ? null : `${f} must be a boolean`);
const object = () => (v, f) => (isObject(v) ? null : `${f} must be an object`);
const positiveInteger = () => (v, f) =>
	typeof v === 'number' && Number.isInteger(v) && v > 0 ? null : `${f} must be a positive integer`;

/** First message from `rules` ({field: rule}) applied to `body`, or null. */
function checkRules(body, rules) {
	for (const [field, rule] of Object.entries(rules)) {
		const problem = rule(body[field], field, body);
		if (problem) return problem;
	}
	return null;
}

/** Fields every capability shares: wsid, storage_info (optional; recognition may require it), callback, params. */
function commonRules({ requireStorageInfo = false } = {}) {
	return {
		wsid: optional(positiveInteger()),
		storage_info: requireStorageInfo ? required(object()) : optional(object()),
		callback: optional((v, f) => (isHttpUrl(v) ? null : `${f} must be an http(s) URL string`)),
		params: optional(anyString()),
	};
}

module.exports = {
	isHttpUrl,
	isObject,
	checkRules,
	commonRules,
	required,
	optional,
	text,
	httpUrl,
	oneOf,
	integer,
	number,
	between,
	boolean,
	object,
};
