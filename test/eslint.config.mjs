// Lint settings of the tests (run as `eslint -c test/eslint.config.mjs test`). The package's own
// eslint.config.mjs is n8n's template, unchanged, and lints nodes/, credentials/ and package.json
// as `n8n-node lint` and n8n's scanner do; tests may use timers, console and process.
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default [
	...tseslint.configs.recommended.map((config) => ({ ...config, files: ['test/**/*.ts'] })),
	{
		files: ['test/**/*.ts'],
		rules: {
			'@typescript-eslint/no-explicit-any': 'off',
			'@typescript-eslint/no-require-imports': 'off',
			'@typescript-eslint/no-non-null-assertion': 'off',
		},
	},
	{
		files: ['test/**/*.js', 'test/**/*.mjs'],
		languageOptions: {
			sourceType: 'commonjs',
			globals: { ...globals.node, ...globals.jest },
		},
		rules: { 'no-unused-vars': 'error', 'no-undef': 'error' },
	},
	{ files: ['test/**/*.mjs'], languageOptions: { sourceType: 'module' } },
	// The editor stage hands functions to puppeteer that run in the page.
	{ files: ['test/editor/**/*.js'], languageOptions: { globals: { ...globals.node, ...globals.jest, ...globals.browser } } },
];
