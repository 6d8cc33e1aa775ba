import { resourceDescription } from '../resourceDescription';
import { get } from './get.operation';

export const displayName = 'Task';

export const operations = { get };

export const description = resourceDescription('task', operations);
