import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { ToMovieeApi } from '../../credentials/ToMovieeApi.credentials';
import { ToMoviee } from '../../nodes/ToMoviee/ToMoviee.node';
import { runWorkflow, type HarnessOptions, type TestNodeSpec, type WorkflowRunResult } from '../harness';

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
