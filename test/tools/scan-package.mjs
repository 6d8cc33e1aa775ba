#!/usr/bin/env node
// n8n's community-package scanner (@n8n/scan-community-package), run the way n8n runs it before it
// verifies a package, on this checkout instead of a published version (its CLI only scans the
// registry). Two legs, the scanner's own: the source (SOURCE_FILE_PATTERNS: package.json,
// nodes/, credentials/) and the `npm pack` tarball unpacked (its compiled .js and package.json).
// Inline eslint-disable comments are ignored, as at scan time. Exit 1 on any finding: there is no
// allow-list.
//
//   node test/tools/scan-package.mjs        # builds dist/ first when it is missing
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(import.meta.url);
// The package has no "exports" map: its scanner module is reached by path.
const scannerFile = require.resolve('@n8n/scan-community-package/scanner/scanner.mjs');
// The scanner makes a download folder at import; have it removed at exit.
createRequire(scannerFile)('tmp').setGracefulCleanup();
const { analyzePackage, SOURCE_FILE_PATTERNS } = await import(pathToFileURL(scannerFile).href);
const scannerVersion = JSON.parse(fs.readFileSync(path.join(path.dirname(scannerFile), '../package.json'), 'utf8')).version;

function run(command, args, options = {}) {
	return execFileSync(command, args, { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], ...options });
}

/** `npm pack` of the checkout, unpacked the way the scanner unpacks a downloaded tarball. */
function packAndUnpack(workDir) {
	if (!fs.existsSync(path.join(repoRoot, 'dist'))) {
		console.log('dist/ is missing: running `npm run build`');
		run('npm', ['run', '--silent', 'build'], { stdio: ['ignore', 'inherit', 'inherit'] });
	}
	const [{ filename }] = JSON.parse(run('npm', ['pack', '--json', '--silent', '--pack-destination', workDir]));
	const packageDir = path.join(workDir, 'package');
	fs.mkdirSync(packageDir);
	run('tar', ['-xzf', path.join(workDir, path.basename(filename)), '-C', packageDir, '--strip-components=1']);
	return { packageDir, tarball: path.basename(filename) };
}

async function leg(label, dir, patterns) {
	const result = await analyzePackage(dir, patterns);
	console.log(`${result.passed ? 'ok  ' : 'FAIL'} ${label} [${patterns.join(', ')}]${result.message ? `: ${result.message}` : ''}`);
	if (result.details) console.log(result.details);
	return result.passed;
}

const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tomoviee-scan-'));
try {
	console.log(`@n8n/scan-community-package ${scannerVersion}`);
	const sourcePassed = await leg('source', repoRoot, SOURCE_FILE_PATTERNS);
	const { packageDir, tarball } = packAndUnpack(workDir);
	const tarballPassed = await leg(`npm pack (${tarball})`, packageDir, ['**/*.js', 'package.json']);
	if (!sourcePassed || !tarballPassed) {
		console.log('n8n scanner: findings above (n8n would not verify this package)');
		process.exitCode = 1;
	} else {
		console.log('n8n scanner: 0 findings on the source and on the tarball');
	}
} finally {
	fs.rmSync(workDir, { recursive: true, force: true });
}
