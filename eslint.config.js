// One lint setup for the workspace. Beyond style, it holds the architecture's lines: the domain
// stays pure, services never import each other, and only entry points read the environment.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const IO_MODULES = ['fastify', 'fastify-*', '@fastify/*', 'kysely', 'pg', 'bullmq', 'ioredis', 'pino', 'pino-*', 'node:*', 'fs', 'http', 'https', 'net', 'child_process'];

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', 'coverage/**', 'var/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Read configuration once, in the entry point, through @fordra/config.' }],
    },
  },
  {
    files: ['packages/domain/src/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: IO_MODULES, message: 'The domain is pure: no I/O, frameworks or Node APIs.' }] }],
      'no-restricted-globals': ['error', { name: 'process', message: 'The domain is pure.' }, { name: 'Buffer', message: 'Use Uint8Array in the domain.' }],
    },
  },
  ...['api', 'worker', 'notifier'].map((service) => ({
    files: [`services/${service}/src/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@fordra/api', '@fordra/worker', '@fordra/notifier', '**/services/*'].filter((p) => p !== `@fordra/${service}`),
              message: 'Services never import each other; share code through a package.',
            },
          ],
        },
      ],
    },
  })),
  {
    // Entry points, the test kit and benchmarks are where the environment is read.
    files: ['services/*/src/main.ts', 'services/*/src/server.ts', 'packages/db/src/cli.ts', 'packages/testkit/src/**/*.ts', 'bench/**/*.ts', 'vitest.config.ts'],
    rules: { 'no-restricted-properties': 'off' },
  },
);
