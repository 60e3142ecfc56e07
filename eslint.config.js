// Lint rules: typescript-eslint's recommended set, plus the boundary that keeps core free of SDKs.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const platformSdks = ['grammy', 'grammy/*', 'discord.js', '@slack/*', 'whatsapp-web.js', 'stripe', 'openai', 'fastify', 'better-sqlite3', 'drizzle-orm', 'drizzle-orm/*'];

export default tseslint.config(
  { ignores: ['node_modules/**', 'data/**', 'db/migrations/**', 'dist/**', '.build-test-*/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['core/**/*.ts'],
    ignores: ['core/**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: platformSdks, message: 'core/ speaks a neutral language: put SDK code in bots/, billing/, db/ or server/.' }] }],
    },
  },
);
