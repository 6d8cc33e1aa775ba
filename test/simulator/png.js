'use strict';
// Minimal PNG writer (8-bit grayscale) so mask URLs return real, decodable images without any image library. One pattern per
// control type, so tests can tell them apart.
const zlib = require('zlib');

function chunk(type, data) {
	const len = Buffer.alloc(4);
	len.writeUInt32BE(data.length);
	const typeAndData = Buffer.concat([Buffer.from(type, 'ascii'), data]);
	const crc = Buffer.alloc(4);
	crc.writeUInt32BE(zlib.crc32(typeAndData));
	return Buffer.concat([len, typeAndData, crc]);
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Encode a grayscale image; pixel(x, y) returns 0..255. */
function encodeGray(width, height, pixel) {
	const ihdr = Buffer.alloc(13);
	ihdr.writeUInt32BE(width, 0);
	ihdr.writeUInt32BE(height, 4);
	ihdr[8] = 8; // bit depth; colour type 0 (grayscale), compression, filter and interlace 0
	const raw = Buffer.alloc((width + 1) * height);
	for (let y = 0; y < height; y++) {
		raw[y * (width + 1)] = 0; // filter type "none" for each scanline
		for (let x = 0; x < width; x++) raw[y * (width + 1) + 1 + x] = pixel(x, y) & 0xff;
	}
	return Buffer.concat([PNG_SIGNATURE, chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

function distToSegment(px, py, ax, ay, bx, by) {
	const dx = bx - ax;
	const dy = by - ay;
	const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy || 1)));
	return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

const white = (inside) => (inside ? 255 : 0);
const BONES = [[0.5, 0.28, 0.5, 0.62], [0.5, 0.38, 0.25, 0.5], [0.5, 0.38, 0.75, 0.5], [0.5, 0.62, 0.33, 0.92], [0.5, 0.62, 0.67, 0.92]];

// Patterns on a unit square (u, v in 0..1) so any size works.
const PATTERNS = {
	// "0" edge: outlines of a head and a body, like a contour map.
	0: (u, v) => {
		const [du, dv] = [Math.abs(u - 0.5), Math.abs(v - 0.72)];
		return white(Math.abs(Math.hypot(u - 0.5, v - 0.28) - 0.14) < 0.02 || (du < 0.26 && dv < 0.2 && (du > 0.23 || dv > 0.17)));
	},
	// "1" pose: a stick figure (head, spine, arms, legs).
	1: (u, v) => white(Math.hypot(u - 0.5, v - 0.17) < 0.09 || BONES.some((b) => distToSegment(u, v, ...b) < 0.025)),
	// "2" subject: a filled silhouette (white subject on black background).
	2: (u, v) => white(Math.hypot(u - 0.5, v - 0.25) < 0.15 || ((u - 0.5) / 0.28) ** 2 + ((v - 0.75) / 0.3) ** 2 < 1),
	// "3" depth: near (bright) at the bottom, far (dark) at the top, with a closer blob.
	3: (u, v) => Math.min(255, Math.round(v * 200 + (Math.hypot(u - 0.5, v - 0.6) < 0.2 ? 55 : 0))),
};

const cache = new Map();

/** A PNG mask for control type "0".."3" (anything else falls back to "2"). Cached. */
function makeMaskPng(controlType, size = 64) {
	const key = `${controlType}:${size}`;
	const pattern = PATTERNS[controlType] || PATTERNS[2];
	if (!cache.has(key)) cache.set(key, encodeGray(size, size, (x, y) => pattern((x + 0.5) / size, (y + 0.5) / size)));
	return cache.get(key);
}

module.exports = { makeMaskPng };
