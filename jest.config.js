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
	// A loaded 2-core CI machine runs engine tests several times slower than an idle one.
	testTimeout: 30_000,
	projects: [
		{ ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
		{ ...common, displayName: 'engine', testMatch: ['<rootDir>/test/engine/**/*.test.ts'] },
		// A real n8n 2.41.1 (test/e2e/lib/n8n.js); the first run installs it into ~/.cache (minutes).
		// Test files set their own long timeouts (jest.setTimeout): testTimeout is not a project option.
		{
			...common,
			displayName: 'e2e',
			testMatch: ['<rootDir>/test/e2e/**/*.test.{js,ts}'],
			testPathIgnorePatterns: ['/node_modules/', 'queue\\.e2e\\.test\\.js$'],
		},
		// n8n 2.41.1's editor in Chromium (test/editor): its own stage, after the e2e one.
		{ ...common, displayName: 'editor', testMatch: ['<rootDir>/test/editor/**/*.test.js'] },
		// n8n in queue mode (main + worker + 2 webhook processes, PostgreSQL, Redis): its own stage.
		{ ...common, displayName: 'e2e-queue', testMatch: ['<rootDir>/test/e2e/queue.e2e.test.js'] },
	],
};
