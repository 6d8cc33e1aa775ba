import { resourceDescription } from '../resourceDescription';
import { textToMusic } from './textToMusic.operation';
import { textToSoundEffect } from './textToSoundEffect.operation';
import { videoSoundtrack } from './videoSoundtrack.operation';

export const displayName = 'Audio';

export const operations = { textToMusic, textToSoundEffect, videoSoundtrack };

export const description = resourceDescription('audio', operations);
