import { resourceDescription } from '../resourceDescription';
import { recognize } from './recognize.operation';

export const displayName = 'Image Recognition';

export const operations = { recognize };

export const description = resourceDescription('imageRecognition', operations);
