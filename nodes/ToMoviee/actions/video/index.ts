import { resourceDescription } from '../resourceDescription';
import { framesToVideo } from './framesToVideo.operation';
import { imageToVideo } from './imageToVideo.operation';
import { textToVideo } from './textToVideo.operation';

export const displayName = 'Video';

export const operations = { framesToVideo, imageToVideo, textToVideo };

export const description = resourceDescription('video', operations);
