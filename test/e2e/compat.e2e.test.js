'use strict';
/**
 * The compatibility cases (lib/compat-suite.js) in a real n8n 2.41.1 on Node 24, so the matrix
 * compares the same cases on both lines (n8n1.e2e.test.js runs them on 1.123.81). The package is
 * linked in as an installed community package, like the rest of the 2.41 suite.
 */
const { describeCompatSuite } = require('./lib/compat-suite');

jest.setTimeout(180_000);

describeCompatSuite({ version: '2' });
