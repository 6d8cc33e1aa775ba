'use strict';
/**
 * Summarises a V8 CPU profile (`BENCH_CPU_PROFILE=x.cpuprofile` on runner.js, or `node --cpu-prof`):
 * the top functions by self time, and by total (inclusive) time, and self time per package.
 *
 *   node test/bench/profile.js x.cpuprofile [--top 25] [--match nodes/]
 *
 * `--match` keeps only functions whose file path contains the text (inclusive time is then the
 * time spent in and under those functions).
 */
const fs = require('node:fs');
const path = require('node:path');

const REPO = path.resolve(__dirname, '../..');

function where(frame) {
	const url = frame.url.replace(/^file:\/\//, '');
	if (!url) return '';
	const modules = url.lastIndexOf('node_modules/');
	const short = modules >= 0 ? url.slice(modules + 'node_modules/'.length) : url.startsWith(REPO) ? url.slice(REPO.length + 1) : url;
	return `${short}:${frame.lineNumber + 1}`;
}

function packageOf(frame) {
	const url = frame.url.replace(/^file:\/\//, '');
	if (!url) return frame.functionName.startsWith('(') ? frame.functionName : '(native)';
	if (url.startsWith('node:')) return 'node:internal';
	const modules = url.lastIndexOf('node_modules/');
	if (modules >= 0) {
		const rest = url.slice(modules + 'node_modules/'.length).split('/');
		return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
	}
	if (url.startsWith(REPO)) return url.slice(REPO.length + 1).split('/').slice(0, 2).join('/');
	return url;
}

function summarise(profile, { top = 25, match } = {}) {
	const byId = new Map(profile.nodes.map((node) => [node.id, node]));
	const parent = new Map();
	for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
	const selfMs = new Map();
	const deltas = profile.timeDeltas;
	for (let i = 0; i < profile.samples.length; i++) {
		const ms = (deltas[i + 1] ?? 0) / 1000;
		selfMs.set(profile.samples[i], (selfMs.get(profile.samples[i]) ?? 0) + ms);
	}
	const totalMs = [...selfMs.values()].reduce((a, b) => a + b, 0);
	const key = (frame) => `${frame.functionName || '(anonymous)'} ${where(frame)}`;
	const self = new Map();
	const inclusive = new Map();
	const packages = new Map();
	for (const [id, ms] of selfMs) {
		const node = byId.get(id);
		const k = key(node.callFrame);
		if (!match || node.callFrame.url.includes(match)) self.set(k, (self.get(k) ?? 0) + ms);
		const pkg = packageOf(node.callFrame);
		packages.set(pkg, (packages.get(pkg) ?? 0) + ms);
		// Inclusive: once per distinct function on the stack of this sample.
		const seen = new Set();
		for (let at = id; at !== undefined; at = parent.get(at)) {
			const frame = byId.get(at).callFrame;
			const fk = key(frame);
			if (seen.has(fk) || (match && !frame.url.includes(match))) continue;
			seen.add(fk);
			inclusive.set(fk, (inclusive.get(fk) ?? 0) + ms);
		}
	}
	const sorted = (map) => [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
	const pct = (ms) => `${((100 * ms) / totalMs).toFixed(1)} %`;
	const lines = [`total sampled ${totalMs.toFixed(0)} ms`, '', '| self ms | % | function |', '|---:|---:|---|'];
	for (const [k, ms] of sorted(self)) lines.push(`| ${ms.toFixed(0)} | ${pct(ms)} | ${k} |`);
	lines.push('', '| total ms | % | function (inclusive) |', '|---:|---:|---|');
	for (const [k, ms] of sorted(inclusive)) lines.push(`| ${ms.toFixed(0)} | ${pct(ms)} | ${k} |`);
	lines.push('', '| self ms | % | package |', '|---:|---:|---|');
	for (const [k, ms] of sorted(packages)) lines.push(`| ${ms.toFixed(0)} | ${pct(ms)} | ${k} |`);
	return lines.join('\n');
}

if (require.main === module) {
	const args = process.argv.slice(2);
	const file = args[0]?.startsWith('--') ? undefined : args[0];
	const flag = (name) => {
		const i = args.indexOf(`--${name}`);
		return i >= 0 ? args[i + 1] : undefined;
	};
	if (!file) {
		console.error('usage: node test/bench/profile.js FILE.cpuprofile [--top 25] [--match text]');
		process.exit(2);
	}
	const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
	console.log(summarise(profile, { top: Number(flag('top') ?? 25), match: flag('match') }));
}

module.exports = { summarise };
