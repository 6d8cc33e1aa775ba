'use strict';
// Entry point: require('./test/simulator').createSimulator(options).
const { createSimulator } = require('./server');
const { makeMaskPng, PNG_SIGNATURE } = require('./png');
const { STATUS } = require('./tasks');
const { DEFAULTS } = require('./options');
const { PATHS } = require('./routes');

module.exports = {
	createSimulator,
	makeMaskPng,
	PNG_SIGNATURE,
	STATUS,
	DEFAULTS,
	PATHS,
};
