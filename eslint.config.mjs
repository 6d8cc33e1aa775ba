import globals from 'globals';
// The pair of rule sets n8n's package scanner applies (community-nodes recommended +
// n8n-nodes-base community/nodes/credentials), plus ordinary TypeScript rules for tests.
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';
import n8nNodesBase from 'eslint-plugin-n8n-nodes-base';
import tseslint from 'typescript-eslint';

const tsLanguage = {
	parser: tseslint.parser,
	parserOptions: { sourceType: 'module', extraFileExtensions: ['.json'] },
};

export default [
	{ ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'eslint.config.mjs', 'jest.config.js', 'gulpfile.js', 'index.js'] },
	{
		...n8nCommunityNodesPlugin.configs.recommended,
		files: ['nodes/**/*.ts', 'credentials/**/*.ts', 'package.json'],
		languageOptions: tsLanguage,
	},
	{
		files: ['package.json'],
		languageOptions: tsLanguage,
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		rules: { ...n8nNodesBase.configs.community.rules },
	},
	{
		files: ['credentials/**/*.ts'],
		languageOptions: tsLanguage,
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		rules: {
			...n8nNodesBase.configs.credentials.rules,
			// The documentation lives in this package's README, not on docs.n8n.io.
			'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
		},
	},
	{
		files: ['nodes/**/*.ts'],
		languageOptions: tsLanguage,
		plugins: { 'n8n-nodes-base': n8nNodesBase, '@typescript-eslint': tseslint.plugin },
		rules: {
			...n8nNodesBase.configs.nodes.rules,
			// These older rules want the string 'main'; the community-nodes rules (newer) want
			// NodeConnectionTypes.Main, which is the same value.
			'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
			'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
			'no-console': 'error',
			'@typescript-eslint/no-unused-vars': 'error',
		},
	},
	{
		// n8n gives a credential test function only the legacy `request` helper (no httpRequest);
		// the credential's verdict needs the answer's code and message, which a declarative
		// test rule cannot read. This is the one use, and n8n's scanner reports it.
		files: ['nodes/shared/transport/credentialTest.ts'],
		rules: { '@n8n/community-nodes/no-deprecated-workflow-functions': 'off' },
	},
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
		files: ['test/**/*.js'],
		languageOptions: {
			sourceType: 'commonjs',
			globals: { ...globals.node, ...globals.jest },
		},
		rules: { 'no-unused-vars': 'error', 'no-undef': 'error' },
	},
];
