'use strict';
/**
 * Debian's Chromium, driven by puppeteer-core (no browser download). test/tools/ensure-chromium.sh installs it when missing and
 * prints its path. The flags are the ones that work on these machines: no sandbox (root, containers), no GPU, no background
 * traffic to Google's services.
 */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const puppeteer = require('puppeteer-core');

const ENSURE_SCRIPT = path.resolve(__dirname, '../../tools/ensure-chromium.sh');
const VIEWPORT = { width: 1440, height: 900 };

const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** A headless Chromium with a new, empty profile; close() also deletes the profile. */
async function launchBrowser() {
	const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tomoviee-chromium-'));
	const browser = await puppeteer.launch({
		// the Chromium binary, installed first if needed (its progress lines go to our stderr)
		executablePath: execFileSync('bash', [ENSURE_SCRIPT], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim(),
		headless: true,
		args: [...FLAGS, `--window-size=${VIEWPORT.width},${VIEWPORT.height}`],
		userDataDir,
		defaultViewport: VIEWPORT,
	});
	return {
		browser,
		async close() {
			await browser.close().catch(() => {});
			fs.rmSync(userDataDir, { recursive: true, force: true });
		},
	};
}

module.exports = { launchBrowser };
