import { validateMediaUrl } from '../../../shared/parameters/validation';
import { generationOperation, urlProperty } from '../generation';

/** The vendor page: MP4, MOV, AVI, M4V, MKV, TS, FLV, MPG and MPEG-2. */
const VIDEO_EXTENSIONS = ['mp4', 'mov', 'avi', 'm4v', 'mkv', 'ts', 'flv', 'mpg', 'mpeg', 'm2v'];

/** The result key is unverified (audio_path, or video_path for the video with its music): both are read. */
export const videoSoundtrack = generationOperation({
	resource: 'audio',
	operation: 'videoSoundtrack',
	capability: 'tm_video_scoring',
	fileLabel: 'soundtrack',
	menu: {
		name: 'Video Soundtrack',
		description: 'Make background music that fits a video',
		action: 'Generate a soundtrack for a video',
	},
	prompt: {
		description: 'The style of the background music (fewer than 77 tokens recommended)',
		placeholder: 'e.g. Calm piano with soft strings, building gently towards the end',
	},
	properties: [
		urlProperty(
			'Video URL',
			'videoUrl',
			'https://cdn.example.com/clips/product-teaser.mp4',
			'Public http(s) URL of the video to score: mp4, mov, avi, m4v, mkv, ts, flv, mpg or MPEG-2, up to 120 MB and 95 seconds, 360p-1080p, 15-60 fps',
		),
	],
	parameterOf: { file_link: 'Video URL' },
	read(itemIndex) {
		const videoUrl = validateMediaUrl('videoUrl', 'Video URL', this.getNodeParameter('videoUrl', itemIndex), VIDEO_EXTENSIONS);
		return { fields: { file_link: videoUrl }, inputs: { videoUrl }, subject: `video ${videoUrl}` };
	},
});
