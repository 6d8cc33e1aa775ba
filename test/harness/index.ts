export { runWorkflow, type RunWorkflowOptions, type WorkflowRunResult, type TestNodeSpec, type HarnessOptions } from './run-workflow';
export { TestCredentials, type TestCredential, type CredentialMap, type CredentialTypeMap } from './test-credentials';
export { START_NODE_NAME, START_NODE_TYPE } from './start-node';
