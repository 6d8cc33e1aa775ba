export {
	runWorkflow,
	type HarnessOptions,
	type RunWorkflowOptions,
	type TestNodeSpec,
	type WorkflowRunResult,
} from './run-workflow';
export {
	runWebhook,
	type RunWebhookOptions,
	type WebhookRunResult,
	type WebhookTargetOptions,
} from './run-webhook';
export {
	startWebhookServer,
	type StartedExecution,
	type WebhookServer,
	type WebhookServerOptions,
} from './webhook-server';
export type { RecordedResponse, WebhookRequestSpec } from './webhook-http';
export {
	TestCredentials,
	type CredentialMap,
	type CredentialTypeMap,
	type TestCredential,
} from './test-credentials';
export { START_NODE_NAME, START_NODE_TYPE } from './start-node';
export { DEFAULT_BASE_URL } from './additional-data';
