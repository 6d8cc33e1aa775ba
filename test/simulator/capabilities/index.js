'use strict';
// The capability registry: name -> spec {name, family, failReason, validate(body, options),
// input(body) (key for createdByInput), hintText(body) (where outcome hints are read),
// outputs(body, options) -> {key, kind, count}, extra(body) (more result fields)}.
const recognition = require('./recognition');

const ALL = [recognition, ...require('./video'), ...require('./image'), ...require('./audio')];
const CAPABILITIES = Object.freeze(Object.fromEntries(ALL.map((c) => [c.name, c])));

/** The spec for a capability name, or undefined (own properties only: "__proto__" is no capability). */
const capabilityNamed = (name) =>
	Object.prototype.hasOwnProperty.call(CAPABILITIES, name) ? CAPABILITIES[name] : undefined;

module.exports = { CAPABILITIES, CAPABILITY_NAMES: ALL.map((c) => c.name), capabilityNamed };
