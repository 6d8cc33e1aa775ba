'use strict';
/**
 * The compatibility cases (lib/compat-suite.js) in a real n8n 1.123.81 on Node 22, the newest 1.x
 * the registry has. The package is packed and installed with `npm install --omit=peer`, the
 * README's manual install. First run on a fresh machine installs Node 22 + n8n 1.123.81 into
 * ~/.cache (about 8 minutes). Its own stage in test/run-all.sh.
 */
const { describeCompatSuite } = require('./lib/compat-suite');

jest.setTimeout(180_000);

describeCompatSuite({ version: '1', installWithNpm: true });
