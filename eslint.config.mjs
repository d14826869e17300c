import nx from '@nx/eslint-plugin';

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  {
    ignores: ['**/dist', '**/out-tsc', '**/node_modules', '**/.next', 'tmp', 'coverage', '**/jest.config.cjs', 'jest.preset.cjs'],
  },
  {
    files: ['**/*.ts', '**/*.tsx'],
    rules: {
      // Real constraints: apps never import apps, libs never import apps, contracts import nothing of ours.
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: true,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:persistence', onlyDependOnLibsWithTags: ['scope:persistence', 'scope:shared'] },
            { sourceTag: 'scope:voice', onlyDependOnLibsWithTags: ['scope:voice', 'scope:shared'] },
            { sourceTag: 'scope:web', onlyDependOnLibsWithTags: ['scope:web', 'scope:shared'] },
          ],
        },
      ],
    },
  },
  {
    files: ['libs/contracts/**/*.ts'],
    rules: {
      // contracts depends on zod and nothing else of ours.
      'no-restricted-imports': ['error', { patterns: [{ group: ['@voice/*'], message: 'contracts imports nothing of ours' }] }],
    },
  },
  {
    // Type-aware: a promise nobody awaits loses its errors. Say `void` where that is the intent.
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: { '@typescript-eslint/no-floating-promises': 'error' },
  },
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
];
