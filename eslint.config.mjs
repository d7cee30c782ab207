// The house's lint rules (npm run lint; part of npm test): typescript-eslint's recommended set,
// with type information where it finds real bugs (floating promises), no unused code, and
// imports as `import` (a `require` only where a package has no types or is loaded lazily,
// each marked by a comment saying why).
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['build/**', 'node_modules/**', 'web/dist/**', 'gallery/**', 'artifacts/**', 'course/**', '.venv*/**', 'hub/node_modules/**', '**/*.js', '**/*.mjs'] },
  ...tseslint.configs.recommended,
  {
    files: ['lib/**/*.ts', 'test/**/*.ts', 'web/src/**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // node:test's test()/before()/after() return promises that the runner itself awaits.
      '@typescript-eslint/no-floating-promises': ['error', { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'before', 'after', 'beforeEach', 'afterEach'] }] }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-unused-private-class-members': 'error',
      'prefer-const': 'error',
    },
  },
);
