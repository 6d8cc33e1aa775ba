import type { IExecuteFunctions, INodeExecutionData, INodeType } from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError, sleep } from 'n8n-workflow';
import { runWorkflow } from '../harness';

const desc = (name: string) => ({
	displayName: name, name, group: ['transform'], version: 1, description: '',
	defaults: { name }, inputs: [NodeConnectionTypes.Main], outputs: [NodeConnectionTypes.Main],
	properties: [],
});

class Thrower implements INodeType {
	description = desc('thrower');
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		throw new NodeOperationError(this.getNode(), 'boom', { itemIndex: 0 });
	}
}
class Sleeper implements INodeType {
	description = desc('sleeper');
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const t = Date.now();
		try { await sleep(10000, this.getExecutionCancelSignal()); } catch (e) { console.log('sleep rejected', e, Date.now() - t); throw e; }
		return [[{ json: { slept: true } }]];
	}
}
class Waiter implements INodeType {
	description = desc('waiter');
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const url = this.evaluateExpression('{{ $execution.resumeUrl }}', 0);
		await this.putExecutionToWait(new Date(Date.now() + 60000));
		return [[{ json: { url } as never }]];
	}
}

test('throw', async () => {
	const r = await runWorkflow({ nodeTypes: { 't.thrower': new Thrower() }, node: { type: 't.thrower' } });
	console.log('throw', r.status, r.error?.constructor.name, r.error?.message, r.items, r.run.data.resultData.error?.constructor.name);
	const r2 = await runWorkflow({ nodeTypes: { 't.thrower': new Thrower() }, node: { type: 't.thrower', continueOnFail: true }, items: [{json:{a:1}},{json:{a:2}}] });
	console.log('cof', r2.status, r2.error, JSON.stringify(r2.items));
});
test('cancel', async () => {
	const t = Date.now();
	const r = await runWorkflow({ nodeTypes: { 't.sleeper': new Sleeper() }, node: { type: 't.sleeper' }, abortAfterMs: 200 });
	console.log('cancel', Date.now() - t, r.status, r.error?.constructor.name, r.error?.message, r.items, JSON.stringify(r.runData['sleeper']?.map(t => t.executionStatus)), r.run.data.resultData.error?.constructor.name);
});
test('wait', async () => {
	const r = await runWorkflow({ nodeTypes: { 't.waiter': new Waiter() }, node: { type: 't.waiter' } });
	console.log('wait', r.status, r.waitTill, r.error, JSON.stringify(r.items));
});
