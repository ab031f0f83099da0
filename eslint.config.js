import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * A `no-restricted-imports` block: files matching `files` may not import paths matching `banned`, nor the
 * test fakes (a later block replaces an earlier one's rule, so every block carries that ban itself).
 */
function layer(files, banned) {
  return [
    {
      files: Array.isArray(files) ? files.filter((f) => !f.startsWith('!')) : [files],
      ignores: Array.isArray(files) ? files.filter((f) => f.startsWith('!')).map((f) => f.slice(1)) : [],
      rules: {
        'no-restricted-imports': [
          'error',
          {
            patterns: [
              {
                group: [...banned, '**/fakes/**', '**/test/**'],
                message: 'Imports point down the one-way house (STYLE.md).',
              },
            ],
          },
        ],
      },
    },
  ];
}

export default tseslint.config(
  { ignores: ['dist/', 'coverage/', 'node_modules/', 'bench/results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Only src/config.ts reads process.env.' },
      ],
    },
  },
  {
    files: [
      'src/config.ts',
      'src/index.ts',
      'src/worker.ts',
      'src/cli/index.ts',
      'src/healthcheck.ts',
      'scripts/**',
      'test/**',
      'fakes/**',
      'bench/**',
      'vitest.config.ts',
    ],
    rules: { 'no-restricted-properties': 'off' },
  },
  // The one-way house (STYLE.md): entry points → commands → components → views/lookup → services → root.
  // Each block names what a folder may not import; `src/**` may never reach the test fakes.
  ...layer('src/**', []),
  ...layer('src/commands/**', ['**/bot/**', '**/cli/**', '**/jobs/**']),
  ...layer('src/components/**', ['**/commands/**', '**/bot/**', '**/cli/**', '**/jobs/**']),
  ...layer('src/lookup/**', [
    '**/commands/**',
    '**/components/**',
    '**/views/**',
    '**/bot/**',
    '**/cli/**',
    '**/jobs/**',
  ]),
  ...layer('src/views/**', [
    '**/commands/**',
    '**/components/**',
    '**/lookup/**',
    '**/context.ts',
    '**/bot/**',
    '**/cli/**',
    '**/jobs/**',
  ]),
  ...layer('src/services/**', [
    '**/reply.ts',
    '**/context.ts',
    '**/views/**',
    '**/components/**',
    '**/commands/**',
    '**/lookup/**',
    '**/bot/**',
    '**/cli/**',
    '**/jobs/**',
  ]),
  ...layer(
    ['src/*.ts', '!src/index.ts', '!src/healthcheck.ts'],
    [
      '**/commands/**',
      '**/components/**',
      '**/views/**',
      '**/lookup/**',
      '**/bot/**',
      '**/cli/**',
      '**/jobs/**',
    ],
  ),
  // Plain-JS test executables (the fake demucs) start with node alone, and the web demo's page script runs in
  // the browser (its globals named in the file), so no tsconfig project covers them.
  {
    files: ['eslint.config.js', 'fakes/**/*.mjs', 'bench/**/*.mjs', 'scripts/web-demo/*.js'],
    ...tseslint.configs.disableTypeChecked,
  },
);
