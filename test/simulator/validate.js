'use strict';
// Body checks for the submit route. Each message names the offending field, as a real
// gateway's 40001 would, so clients can surface it to the user.

const TEMPLATE_ID = 'tm_reference_img2mask_template_spatial';
const CONTROL_TYPES = ['0', '1', '2', '3'];

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

/** Returns an error message, or null when the submit body is acceptable. */
function validateSubmit(body) {
	if (!isObject(body)) return 'request body must be a JSON object';
	const { wsid, template_info: templates, storage_info: storage, callback, params } = body;
	if (wsid === undefined) return 'wsid is required';
	if (typeof wsid !== 'number' || !Number.isInteger(wsid) || wsid <= 0) {
		return 'wsid must be a positive integer';
	}
	if (!Array.isArray(templates) || templates.length === 0)
		return 'template_info must be a non-empty array';
	for (let i = 0; i < templates.length; i++) {
		const at = `template_info[${i}]`;
		if (!isObject(templates[i])) return `${at} must be an object`;
		const p = templates[i].input_params;
		if (!isObject(p)) return `${at}.input_params must be an object`;
		if (typeof p.control_type !== 'string' || !CONTROL_TYPES.includes(p.control_type)) {
			return `${at}.input_params.control_type must be one of "0","1","2","3" (a string)`;
		}
		if (!isHttpUrl(p.init_image)) return `${at}.input_params.init_image must be an http(s) URL`;
		if (p.template_id !== TEMPLATE_ID)
			return `${at}.input_params.template_id must be ${TEMPLATE_ID}`;
	}
	if (storage === undefined) return 'storage_info is required';
	if (!isObject(storage)) return 'storage_info must be an object';
	if (callback !== undefined && !isHttpUrl(callback))
		return 'callback must be an http(s) URL string';
	if (params !== undefined && typeof params !== 'string') return 'params must be a string';
	return null;
}

module.exports = { validateSubmit, isHttpUrl, TEMPLATE_ID, CONTROL_TYPES };
