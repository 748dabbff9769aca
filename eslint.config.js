// ESLint flat config. The restricted-imports rule is the dependency rule of docs/architecture.md:
// scripts/core imports nothing from adapters, handlers, config or any vendor SDK.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const vendorPackages = [
  '@aws-sdk/*',
  '@okta/*',
  '@slack/*',
  'better-sqlite3',
  'minisearch',
  'yaml',
  'ajv',
  'ajv/*',
  'zod',
  '@octokit/*',
  '@googleapis/*',
  'google-auth-library',
  '@microsoft/*',
  '@azure/*',
  '@peculiar/*',
  'echarts',
  'echarts/*',
  '@resvg/*',
  'dejavu-fonts-ttf',
  'playwright-core',
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['scripts/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: vendorPackages, message: 'scripts/core imports no vendor SDK: put it behind a port in scripts/adapters.' },
            {
              group: ['**/adapters/**', '**/handlers/**', '**/config/**', '**/cli/**', '**/standins/**', '**/tools/**', '**/reports/**'],
              message: 'scripts/core depends only on itself: see docs/architecture.md.',
            },
          ],
        },
      ],
    },
  },
);
