/** Three suites: pure helpers (unit), real workflows through n8n-core's engine (engine), and a real n8n (e2e). */
const tsTransform = {
	'^.+\\.ts$': ['ts-jest', { tsconfig: 'test/tsconfig.json', diagnostics: false }],
};

const common = {
	testEnvironment: 'node',
	transform: tsTransform,
	moduleFileExtensions: ['ts', 'js', 'json'],
};

module.exports = {
	projects: [
		{ ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
		{ ...common, displayName: 'engine', testMatch: ['<rootDir>/test/engine/**/*.test.ts'] },
		{ ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.test.ts'] },
	],
};
