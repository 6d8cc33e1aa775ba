'use strict';
// tm_reference_img2mask (image recognition): the only capability with a template_info body.
const v = require('../validate');

const TEMPLATE_ID = 'tm_reference_img2mask_template_spatial';
const CONTROL_TYPES = ['0', '1', '2', '3'];

function checkTemplates(templates) {
	if (!Array.isArray(templates) || templates.length === 0)
		return 'template_info must be a non-empty array';
	for (let i = 0; i < templates.length; i++) {
		const at = `template_info[${i}]`;
		if (!v.isObject(templates[i])) return `${at} must be an object`;
		const p = templates[i].input_params;
		if (!v.isObject(p)) return `${at}.input_params must be an object`;
		if (typeof p.control_type !== 'string' || !CONTROL_TYPES.includes(p.control_type)) {
			return `${at}.input_params.control_type must be one of "0","1","2","3" (a string)`;
		}
		if (!v.isHttpUrl(p.init_image)) return `${at}.input_params.init_image must be an http(s) URL`;
		if (p.template_id !== TEMPLATE_ID)
			return `${at}.input_params.template_id must be ${TEMPLATE_ID}`;
	}
	return null;
}

const first = (body) => body.template_info[0].input_params;

module.exports = {
	name: 'tm_reference_img2mask',
	family: 'recognition',
	failReason: 'image could not be recognized',
	validate(body, options) {
		const { wsid, ...rest } = v.commonRules(options);
		return v.checkRules(body, { wsid, template_info: checkTemplates, ...rest });
	},
	/** One task per submit, from template_info[0]; the others are recorded only. */
	input: (body) => first(body).init_image,
	hintText: (body) => first(body).init_image,
	outputs: (body, options) => ({ key: options.maskResultKey, kind: 'mask', count: 1 }),
	extra: (body) => ({ control_type: first(body).control_type }),
	TEMPLATE_ID,
	CONTROL_TYPES,
};
