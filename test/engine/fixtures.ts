import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { createHmac } from 'crypto';
import { request } from 'undici';

import { ToMovieeApi } from '../../credentials/ToMovieeApi.credentials';
import { ToMoviee } from '../../nodes/ToMoviee/ToMoviee.node';
import { ToMovieeTrigger } from '../../nodes/ToMovieeTrigger/ToMovieeTrigger.node';
import { runWorkflow, startWebhookServer, type HarnessOptions, type TestNodeSpec, type WebhookServer, type WorkflowRunResult } from '../harness';

const { createSimulator } = require('../simulator');

export const APP_KEY = 'engine-key';
export const APP_SECRET = 'engine-secret-Ω';
export const WSID = 578691780;
export const NODE_TYPE = 'n8n-nodes-tomoviee.toMoviee';

export interface Simulator {
	url: string;
	requests: Array<{ method: string; path: string; headers: Record<string, string>; body: any; query: any }>;
	callbacks: any[];
	stats: any;
	tasks: Map<string, any>;
	configure(options: IDataObject): void;
	injectFaults(faults: IDataObject[]): void;
	reset(): void;
	stop(): Promise<void>;
}

/**
 * The simulator of a test file: started before its tests, stopped after them and, unless
 * `resetEachTest` is false, reset before each test (then configured with `eachTest`).
 */
export function useSimulator(options: IDataObject = {}, { resetEachTest = true, eachTest = {} as IDataObject } = {}): Simulator {
	const simulator: Simulator & { start(port: number, host: string): Promise<void> } = createSimulator({ appKey: APP_KEY, appSecret: APP_SECRET, taskDurationMs: 150, ...options });
	beforeAll(async () => await simulator.start(0, '127.0.0.1'));
	afterAll(async () => await simulator.stop());
	if (resetEachTest) {
		beforeEach(() => {
			simulator.reset();
			simulator.configure(eachTest);
		});
	}
	return simulator;
}

export function apiRequests(simulator: Simulator, kind: 'submit' | 'query') {
	const path = kind === 'submit' ? '/v1/open/capacity/application/tm_reference_img2mask' : '/v1/open/pub/task';
	return simulator.requests.filter((request) => request.path === path);
}

export interface RunOptions {
	parameters: INodeParameters;
	items?: INodeExecutionData[];
	continueOnFail?: boolean;
	credentials?: IDataObject;
	abortAfterMs?: number;
	/** Node settings such as onError, retryOnFail, maxTries, waitBetweenTries. */
	settings?: Partial<TestNodeSpec>;
}

/** The ToMoviee node type and a credential for the simulator. */
export function toMovieeHarness(simulator: Simulator, credentials: IDataObject = {}): HarnessOptions {
	return {
		nodeTypes: { [NODE_TYPE]: new ToMoviee() },
		credentialTypes: { toMovieeApi: new ToMovieeApi() },
		credentials: {
			toMovieeApi: {
				id: '1',
				name: 'ToMoviee account',
				data: { appKey: APP_KEY, appSecret: APP_SECRET, wsid: WSID, baseUrl: simulator.url, ...credentials },
			},
		},
	};
}

/** Start -> ToMoviee, through n8n-core's engine, against the simulator. */
export async function runToMoviee(simulator: Simulator, options: RunOptions): Promise<WorkflowRunResult> {
	return await runWorkflow({
		...toMovieeHarness(simulator, options.credentials),
		items: options.items ?? [{ json: {} }],
		node: {
			type: NODE_TYPE,
			typeVersion: 1,
			parameters: options.parameters,
			continueOnFail: options.continueOnFail,
			...options.settings,
		},
		abortAfterMs: options.abortAfterMs,
	});
}

/** Fast polling so tests finish quickly; the schedule itself is unit-tested. */
export const FAST_WAIT = { pollInterval: 0.1, timeout: 20 };

export function recognize(imageUrl: string, extra: IDataObject = {}, options: IDataObject = {}): INodeParameters {
	return {
		resource: 'imageRecognition',
		operation: 'recognize',
		imageUrl,
		controlType: '0',
		waitForCompletion: true,
		...extra,
		options: { ...FAST_WAIT, ...options },
	} as INodeParameters;
}

export function imagesItems(urls: string[]): INodeExecutionData[] {
	return urls.map((imageUrl) => ({ json: { imageUrl } }));
}

/** A ToMoviee Trigger served by the harness, its credential pointing at `baseUrl` (the simulator). */
export async function startTrigger(
	parameters: INodeParameters,
	{ baseUrl, ...server }: { baseUrl?: string; failStarts?: number; nodeId?: string; webhookId?: string; nodeType?: ToMovieeTrigger } = {},
): Promise<WebhookServer> {
	return await startWebhookServer({
		nodeType: server.nodeType ?? new ToMovieeTrigger(),
		node: { webhookId: server.webhookId ?? `hook-${Math.random().toString(36).slice(2)}`, ...(server.nodeId ? { id: server.nodeId } : {}), parameters },
		credentialTypes: { toMovieeApi: new ToMovieeApi() },
		credentials: { toMovieeApi: { id: '1', name: 'ToMoviee account', data: { appKey: APP_KEY, appSecret: APP_SECRET, wsid: WSID, ...(baseUrl ? { baseUrl } : {}) } } },
		failStarts: server.failStarts,
	});
}

/** tm_signature = base64url(HMAC-SHA256(secret, origin + pathname)), as the README's signer. */
export function signed(url: string, secret = APP_SECRET): string {
	const parsed = new URL(url);
	parsed.searchParams.set('tm_signature', createHmac('sha256', secret).update(parsed.origin + parsed.pathname).digest('base64url'));
	return parsed.toString();
}

/** POSTs JSON (a string is sent as it is): the status, the text and, when it is JSON, the parsed body. */
export async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
	const response = await request(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
	const text = await response.body.text();
	let json: any;
	try {
		json = JSON.parse(text);
	} catch {
		json = text;
	}
	return { status: response.statusCode, text, json };
}
