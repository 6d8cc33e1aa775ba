'use strict';
// Small, valid media files served as task results: mp4 (ftyp + moov/mvhd + mdat), mp3 (silent MPEG-1 Layer III frames), wav
// (PCM silence), jpeg (8x8 grey baseline) and png (png.js).
const { makeMaskPng } = require('./png');

const CONTENT_TYPES = { png: 'image/png', jpg: 'image/jpeg', mp4: 'video/mp4', mp3: 'audio/mpeg', wav: 'audio/wav' };

function box(type, ...parts) {
	const body = Buffer.concat(parts);
	const head = Buffer.alloc(8);
	head.writeUInt32BE(8 + body.length, 0);
	head.write(type, 4, 'ascii');
	return Buffer.concat([head, body]);
}

/** A 5-second "video": the boxes a player or `file` looks at first, no real tracks. */
function makeMp4() {
	const ftyp = box('ftyp', Buffer.from('isom'), Buffer.from([0, 0, 2, 0]), Buffer.from('isomiso2avc1mp41'));
	const mvhd = Buffer.alloc(100);
	mvhd.writeUInt32BE(1000, 12); // timescale
	mvhd.writeUInt32BE(5000, 16); // duration: 5 s
	mvhd.writeUInt32BE(0x00010000, 20); // rate 1.0
	mvhd.writeUInt16BE(0x0100, 24); // volume 1.0
	[0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000].forEach((n, i) => mvhd.writeUInt32BE(n, 36 + i * 4)); // unity matrix
	mvhd.writeUInt32BE(2, 96); // next track id
	return Buffer.concat([ftyp, box('moov', box('mvhd', mvhd)), box('mdat', Buffer.alloc(64))]);
}

/** Ten silent 128 kbps / 44.1 kHz frames (417 bytes each, header FF FB 90 64). */
function makeMp3() {
	const frame = Buffer.alloc(417);
	Buffer.from([0xff, 0xfb, 0x90, 0x64]).copy(frame);
	return Buffer.concat(Array.from({ length: 10 }, () => frame));
}

/** 0.25 s of 8 kHz mono 16-bit silence. */
function makeWav() {
	const data = Buffer.alloc(4000);
	const h = Buffer.alloc(44);
	h.write('RIFF', 0, 'ascii');
	h.writeUInt32LE(36 + data.length, 4);
	h.write('WAVEfmt ', 8, 'ascii');
	h.writeUInt32LE(16, 16); // fmt chunk size
	h.writeUInt16LE(1, 20); // PCM
	h.writeUInt16LE(1, 22); // mono
	h.writeUInt32LE(8000, 24); // sample rate
	h.writeUInt32LE(16000, 28); // byte rate
	h.writeUInt16LE(2, 32); // block align
	h.writeUInt16LE(16, 34); // bits per sample
	h.write('data', 36, 'ascii');
	h.writeUInt32LE(data.length, 40);
	return Buffer.concat([h, data]);
}

/** An 8x8 mid-grey baseline JPEG: one block whose DC and AC tables each hold a single 1-bit code. */
function makeJpeg() {
	const seg = (marker, body) => {
		const len = Buffer.alloc(2);
		len.writeUInt16BE(body.length + 2);
		return Buffer.concat([Buffer.from([0xff, marker]), len, body]);
	};
	const oneCodeTable = (tableClass) =>
		seg(0xc4, Buffer.concat([Buffer.from([tableClass << 4]), Buffer.from([1, ...new Array(15).fill(0)]), Buffer.from([0])]));
	const jfif = seg(0xe0, Buffer.from([0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]));
	const quantTable = seg(0xdb, Buffer.concat([Buffer.from([0]), Buffer.alloc(64, 1)]));
	const frame = seg(0xc0, Buffer.from([8, 0, 8, 0, 8, 1, 1, 0x11, 0]));
	const scan = seg(0xda, Buffer.from([1, 1, 0, 0, 63, 0]));
	const data = Buffer.from([0x3f]); // DC "no change" + AC end-of-block, padded with 1-bits
	return Buffer.concat([Buffer.from([0xff, 0xd8]), jfif, quantTable, frame, oneCodeTable(0), oneCodeTable(1), scan, data, Buffer.from([0xff, 0xd9])]);
}

/** File extension for an output kind under the current options. */
function extensionFor(kind, options) {
	if (kind === 'video') return 'mp4';
	if (kind === 'audio') return options.audioFormat === 'wav' ? 'wav' : 'mp3';
	if (kind === 'image' && options.imageFormat === 'jpeg') return 'jpg';
	return 'png';
}

const MAKERS = { mp4: makeMp4, mp3: makeMp3, wav: makeWav, jpg: makeJpeg };
const made = {};

/** The bytes of a result file; `pattern` picks the PNG drawing (a control type "0".."3"). */
const mediaBytes = (ext, pattern) => (MAKERS[ext] ? (made[ext] ??= MAKERS[ext]()) : makeMaskPng(pattern));

module.exports = { CONTENT_TYPES, extensionFor, mediaBytes };
