import { resourceDescription } from '../resourceDescription';
import { redraw } from './redraw.operation';
import { referenceToImage } from './referenceToImage.operation';

export const displayName = 'Image';

export const operations = { redraw, referenceToImage };

export const description = resourceDescription('image', operations);
