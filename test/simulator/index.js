'use strict';
// Entry point: require('./test/simulator').createSimulator(options).
const { createSimulator } = require('./server');
const { makeMaskPng, PNG_SIGNATURE } = require('./png');
const { STATUS } = require('./tasks');
const { DEFAULTS, LEGACY_OPTIONS, FAULT_KINDS } = require('./options');
const { PATHS, SUBMIT_PREFIX } = require('./routes');
const { CAPABILITY_NAMES } = require('./capabilities');
const { VENDOR_CODES, LEGACY_CODES } = require('./codes');
const { CONTENT_TYPES } = require('./media');

module.exports = {
	createSimulator,
	makeMaskPng,
	PNG_SIGNATURE,
	STATUS,
	DEFAULTS,
	LEGACY_OPTIONS,
	FAULT_KINDS,
	PATHS,
	SUBMIT_PREFIX,
	CAPABILITY_NAMES,
	VENDOR_CODES,
	LEGACY_CODES,
	CONTENT_TYPES,
};
