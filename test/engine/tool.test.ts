import { createNodeAsTool } from 'n8n-core/dist/execution-engine/node-execution-context/utils/create-node-as-tool';
import type { INode } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import { ToMoviee } from '../../nodes/ToMoviee/ToMoviee.node';
import { NODE_TYPE, runToMoviee, useSimulator } from './fixtures';

const simulator = useSimulator({ taskDurationMs: 100 }, { resetEachTest: false });

/** The parameters a user gets when adding the node to an AI Agent, with $fromAI() placeholders. */
const toolParameters = {
	resource: 'imageRecognition',
	operation: 'recognize',
	imageUrl: "={{ $fromAI('imageUrl', 'Public URL of a jpg or png image', 'string') }}",
	controlType: "={{ $fromAI('controlType', '0 edge, 1 pose, 2 subject, 3 depth', 'string') }}",
	waitForCompletion: true,
	options: { pollInterval: 0.1, timeout: 20 },
};

describe('ToMoviee as an AI agent tool', () => {
	const nodeType = new ToMoviee();
	const node: INode = {
		id: 'tool-1',
		name: 'Image masks',
		type: NODE_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters: { ...toolParameters, descriptionType: 'auto' },
	};

	it('is declared usable as a tool, with a description that explains each control type', () => {
		const usable = nodeType.description.usableAsTool;
		expect(usable).toBeTruthy();
		const description = typeof usable === 'object' ? usable.replacements?.description : nodeType.description.description;
		for (const word of ['Edge', 'Pose', 'Subject', 'Depth', 'resultUrls', 'Task > Get']) expect(description).toContain(word);
	});

	it('gets a tool name, description and argument schema from n8n-core the way the AI Agent does', async () => {
		const calls: unknown[] = [];
		const { response: tool } = createNodeAsTool({
			node,
			nodeType,
			handleToolInvocation: async (args) => {
				calls.push(args);
				return 'ok';
			},
		});
		expect(tool.name).toBe('Image_masks');
		expect(NodeHelpers.getToolDescriptionForNode(node, nodeType)).toBe(
			'Extract a mask from an image in ToMoviee',
		);
		expect(tool.description).toContain('mask');
		expect(Object.keys((tool.schema as any).shape).sort()).toEqual(['controlType', 'imageUrl']);
		await tool.invoke({ imageUrl: 'https://x.test/agent.png', controlType: '2' });
		expect(calls).toEqual([{ imageUrl: 'https://x.test/agent.png', controlType: '2' }]);
	});

	it('runs with the arguments an agent fills in through $fromAI()', async () => {
		// The agent's arguments reach the node as the input item, which $fromAI() reads.
		const run = await runToMoviee(simulator, { parameters: toolParameters, items: [{ json: { imageUrl: 'https://x.test/agent.png', controlType: '2' } }] });
		expect(run.error).toBeUndefined();
		expect(run.items[0].json).toMatchObject({ status: 'succeeded', controlType: '2', imageUrl: 'https://x.test/agent.png' });
		expect((run.items[0].json.resultUrls as string[])[0]).toMatch(/\/files\/tm_reference_img2mask-0-\w+\/0\.png\?Expires=\d+/);
	});
});
