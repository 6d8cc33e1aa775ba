'use strict';
/**
 * The set-up every real-n8n suite, the demo and the benches share: the ToMoviee simulator, the
 * package installed in a throwaway n8n, its owner logged in and a ToMoviee credential for the
 * simulator.
 *
 *   const stack = useStack({ sim: { taskDurationMs: 300 } });   // in a jest file: beforeAll/afterAll
 *   test('...', stack.withLogTail(async () => { stack.client, stack.sim, stack.credential ... }));
 *   const stack = await startStack({ ... }); ... await stack.stop();   // elsewhere
 */
const n8nLib = require('./n8n');
const fx = require('./fixtures');
const { createSimulator } = require('../../simulator');

const APP_KEY = 'test-key';
const APP_SECRET = 'test-secret';
const WSID = 4242;
const AUTHORIZATION = `Basic ${Buffer.from(`${APP_KEY}:${APP_SECRET}`).toString('base64')}`;

/**
 * Options: `sim` (createSimulator options, key and secret are APP_KEY/APP_SECRET), `version` ('2'
 * or '1'), `installWithNpm` (pack and `npm install` instead of linking), `env` (n8n's),
 * `credential` (false: none). Resolves to the stack; stop() stops and deletes everything.
 */
async function startStack(options = {}, stack = {}) {
	const { sim = {}, version, installWithNpm = false, env = {}, credential = true } = options;
	const stopping = { n8n: undefined, sim: undefined, pkg: undefined };
	stack.stop = async () => {
		const { n8n, sim, pkg } = stopping;
		Object.assign(stopping, { n8n: undefined, sim: undefined, pkg: undefined });
		await n8n?.cleanup();
		await sim?.stop();
		pkg?.remove();
	};
	try {
		stack.sim = stopping.sim = createSimulator({ appKey: APP_KEY, appSecret: APP_SECRET, wsid: WSID, ...sim });
		stack.simUrl = (await stack.sim.start(0, '127.0.0.1')).url;
		stack.pkg = stopping.pkg = installWithNpm ? fx.packPackage() : fx.stagePackage();
		stack.n8n = stopping.n8n = await n8nLib.startN8n({
			version,
			...(installWithNpm ? { packageTarball: stack.pkg.tarball } : { packageDir: stack.pkg.dir }),
			// n8n's own NODE_ENV (jest's "test" stops 2.x at start)
			env: { NODE_ENV: 'production', ...env },
		});
		stack.client = await n8nLib.setupOwner(stack.n8n.baseUrl, { major: stack.n8n.major });
		if (credential) {
			stack.credential = await stack.client.createCredential({
				name: 'ToMoviee (simulator)',
				type: fx.CREDENTIAL_TYPE,
				data: { appKey: APP_KEY, appSecret: APP_SECRET, wsid: WSID, baseUrl: stack.simUrl },
			});
		}
	} catch (error) {
		await stack.stop();
		throw error;
	}
	return stack;
}

/** A stack for one jest file: started in beforeAll (options may be a function), stopped in afterAll. */
function useStack(options) {
	const stack = {
		withLogTail: (run, lines) => n8nLib.withLogTail(() => stack.n8n, run, lines),
		webhook: (webhookPath) => n8nLib.waitForWebhook(stack.n8n.baseUrl, webhookPath),
		/** POSTs {"images":[{id, url}]} to a workflow's webhook; resolves to the answer (expected 200). */
		async postImages(webhookPath, urls) {
			const images = urls.map((url, id) => (typeof url === 'string' ? { id, url } : url));
			const response = await n8nLib.postJson(await stack.webhook(webhookPath), { images });
			expect(response.status).toBe(200);
			return response;
		},
		/** Simulator requests since index `from` that pass `filter`. */
		requestsSince: (from, filter = () => true) => stack.sim.requests.slice(from).filter(filter),
	};
	beforeAll(() => startStack(typeof options === 'function' ? options() : options, stack), 1_200_000); // a first run installs Node + n8n: minutes
	afterAll(() => stack.stop?.());
	return stack;
}

const isSubmit = (request) => request.path.startsWith('/v1/open/capacity/application/');
const isQuery = (request) => request.path === '/v1/open/pub/task';

module.exports = { APP_KEY, APP_SECRET, WSID, AUTHORIZATION, startStack, useStack, isSubmit, isQuery };
