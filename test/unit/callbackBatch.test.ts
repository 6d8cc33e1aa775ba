import { otherTasksInCheckOrder, parkedItemsFromOutput } from '../../nodes/ToMoviee/helpers/callbackBatch';

describe('parked callback batch', () => {
	const parked = parkedItemsFromOutput([
		{ taskId: 't0', status: 'queued', controlType: '0', imageUrl: 'https://x/0.png' },
		{ controlType: null, imageUrl: 'ftp://x', error: 'Image URL must use http [item 1, field "imageUrl"]', errorDescription: 'Use https' },
		{ taskId: 't2', status: 'queued', controlType: '2', imageUrl: 'https://x/2.png' },
		{ taskId: 't3', status: 'queued', controlType: '3', imageUrl: 'https://x/3.png' },
	]);

	it('reads tasks and errors back from the parked items', () => {
		expect(parked[0]).toEqual({ context: { controlType: '0', imageUrl: 'https://x/0.png' }, taskId: 't0' });
		expect(parked[1]).toEqual({
			context: { controlType: null, imageUrl: 'ftp://x' },
			error: { message: 'Image URL must use http [item 1, field "imageUrl"]', description: 'Use https' },
		});
		expect(parkedItemsFromOutput(undefined)).toEqual([]);
	});

	it('checks the other tasks starting after the one that reported, wrapping around', () => {
		expect(otherTasksInCheckOrder(parked, 't2').map((t) => t.taskId)).toEqual(['t3', 't0']);
		expect(otherTasksInCheckOrder(parked, 't3').map((t) => [t.index, t.taskId])).toEqual([
			[0, 't0'],
			[2, 't2'],
		]);
		expect(otherTasksInCheckOrder(parked, 'unknown')).toHaveLength(3);
	});
});
