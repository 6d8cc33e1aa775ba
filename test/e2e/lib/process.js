'use strict';
/**
 * Child processes and polling for the e2e library, the demo and the benches: free ports, commands
 * run to completion, long-lived processes in a process group of their own (so stopping one stops
 * its task runner too), their logs, and their resident memory.
 */
const { execFile, spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it returns a truthy value, which it resolves to; throws past `timeoutMs`. */
async function until(what, check, { timeoutMs = 60_000, pollMs = 250 } = {}) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await check();
		if (value) return value;
		if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${typeof what === 'function' ? what() : what}`);
		await sleep(pollMs);
	}
}

function freePort() {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address();
			server.close(() => resolve(port));
		});
	});
}

/** Runs a command to its end; resolves to { code, stdout, stderr } and never throws on exit codes. */
function run(file, args, options = {}) {
	return new Promise((resolve) => {
		execFile(file, args, { maxBuffer: 256 * 1024 * 1024, ...options }, (error, stdout, stderr) => {
			resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
		});
	});
}

const readText = (file) => {
	try {
		return fs.readFileSync(file, 'utf8');
	} catch {
		return '';
	}
};
const fileSize = (file) => (fs.existsSync(file) ? fs.statSync(file).size : 0);
const tail = (file, lines = 40) => readText(file).trimEnd().split('\n').slice(-lines).join('\n');

/** What a log file gained since `offset` (a byte length from fileSize()). */
function logSince(file, offset) {
	return fs.existsSync(file) ? fs.readFileSync(file).subarray(offset).toString('utf8') : '';
}

/** Sends `signal` to every process of a group; false when the group is gone (signal 0 only asks). */
function signalGroup(pgid, signal) {
	try {
		process.kill(-pgid, signal);
		return true;
	} catch {
		return false;
	}
}

/** Stops a process group: SIGTERM and up to 20 s to exit (unless `graceful` is false), then SIGKILL. */
async function killGroup(pgid, { graceful = true } = {}) {
	if (graceful && signalGroup(pgid, 'SIGTERM')) {
		const deadline = Date.now() + 20_000;
		while (signalGroup(pgid, 0) && Date.now() < deadline) await sleep(100);
	}
	if (!signalGroup(pgid, 'SIGKILL')) return;
	while (signalGroup(pgid, 0)) await sleep(50);
}

/**
 * Starts a long-lived process in its own process group (so stopping it stops its children), stdout
 * and stderr appended to `logFile`; `onSpawn(child)` sees it at once. Waits until `isReady()`;
 * fails with the log's tail when it exits first or is not ready within `timeoutMs`.
 */
async function startGroup(file, args, { name, timeoutMs, isReady, onSpawn, cwd, env, logFile }) {
	const log = fs.openSync(logFile, 'a');
	const child = spawn(file, args, { cwd, env, detached: true, stdio: ['ignore', log, log] });
	fs.closeSync(log);
	child.once('exit', (code, signal) => (child.exited = { code, signal }));
	onSpawn?.(child);
	try {
		await until(
			() => `${name} to be ready. Log tail:\n${tail(logFile)}`,
			async () => {
				if (child.exited) {
					await sleep(200); // let the last log lines land
					throw new Error(`${name} exited during start (${JSON.stringify(child.exited)}). Log tail:\n${tail(logFile)}`);
				}
				return isReady();
			},
			{ timeoutMs },
		);
	} catch (error) {
		await killGroup(child.pid);
		throw error;
	}
	return child;
}

/** VmRSS (and VmHWM, its peak) of a process in bytes, from /proc/<pid>/status. */
function residentBytes(pid) {
	const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
	const kb = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
	return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

/** Resident memory (bytes) of every process in each group: Map<pgid, bytes>. */
function groupRss(pgids) {
	const totals = new Map(pgids.map((pgid) => [pgid, 0]));
	for (const pid of fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
		const stat = readText(`/proc/${pid}/stat`);
		// after the command name "(...)": state ppid pgrp ...; rss (in pages) is the 24th field overall
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		if (totals.has(Number(fields[2]))) totals.set(Number(fields[2]), totals.get(Number(fields[2])) + Number(fields[21]) * 4096);
	}
	return totals;
}

/** Samples `measure()` (bytes) every `everyMs` until stop(); stop() resolves to the highest seen. */
function sampleHighest(measure, everyMs = 50) {
	let highest = 0;
	const take = () => {
		try {
			highest = Math.max(highest, measure());
		} catch {
			// the process ended
		}
	};
	take();
	const timer = setInterval(take, everyMs);
	timer.unref();
	return {
		stop() {
			clearInterval(timer);
			take();
			return highest;
		},
	};
}

function percentile(values, p) {
	if (values.length === 0) return undefined;
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

const megabytes = (bytes) => +(bytes / 1024 / 1024).toFixed(1);

module.exports = { sleep, until, freePort, run, readText, fileSize, tail, logSince, startGroup, killGroup, residentBytes, groupRss, sampleHighest, percentile, megabytes };
