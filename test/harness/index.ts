export * from './credentials';
export { START_NODE_NAME, START_NODE_TYPE, type NodeTypeMap } from './node-types';
export type { Execution, HarnessOptions, ResumeDelivery, RunWorkflowOptions, TestNodeSpec, WorkflowRunResult } from './run-workflow';
export { DEFAULT_BASE_URL, runWorkflow } from './run-workflow';
export * from './webhook-server';
