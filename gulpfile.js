const path = require('path');
const { task, src, dest } = require('gulp');

// tsc compiles the code; the icons still have to sit next to the compiled nodes and credentials.
function copyIcons() {
	const nodeIcons = src(path.resolve('nodes', '**', '*.{png,svg}'), { encoding: false });
	const nodeDestination = path.resolve('dist', 'nodes');
	return nodeIcons.pipe(dest(nodeDestination));
}

task('build:icons', copyIcons);
