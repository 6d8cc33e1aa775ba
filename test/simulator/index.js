'use strict';
// Entry point: require('./test/simulator').createSimulator(options).
const { createSimulator } = require('./server');
const { DEFAULTS, LEGACY_OPTIONS } = require('./options');
const { callbackBody } = require('./callbacks');
const { makeMaskPng } = require('./png');

module.exports = { createSimulator, DEFAULTS, LEGACY_OPTIONS, callbackBody, makeMaskPng };
