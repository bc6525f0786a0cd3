// Lint: typescript-eslint on every project, and Nx module boundaries ENFORCED by tag.
// scope:* says whose code it is, type:* what kind; the constraints below are the architecture.
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

// The architecture: which scopes may import which.
const depConstraints = [
  // Apps are leaves; libs never import apps (Nx forbids that outright).
  { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib'] },
  { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'] },
  // The model library is pure ML: no queue, no storage. It may read the shared contracts (zod
  // schemas only, no I/O): the model config is one schema there (docs/MODELS.md).
  { sourceTag: 'scope:models', onlyDependOnLibsWithTags: ['scope:models', 'scope:kernels', 'scope:shared'] },
  // The kernel library is tfjs backends and kernels only: it depends on no other fermx lib.
  { sourceTag: 'scope:kernels', onlyDependOnLibsWithTags: ['scope:kernels'] },
  // Data may use contracts and models' tensors, never the queue.
  { sourceTag: 'scope:data', onlyDependOnLibsWithTags: ['scope:data', 'scope:shared'] },
  { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
  { sourceTag: 'scope:testing', onlyDependOnLibsWithTags: ['scope:testing', 'scope:shared'] },
  { sourceTag: 'scope:dataset', onlyDependOnLibsWithTags: ['scope:data', 'scope:shared', 'scope:testing'] },
  // The queue lib holds the BullMQ/Redis adapters that orchestrator and worker share.
  { sourceTag: 'scope:queue', onlyDependOnLibsWithTags: ['scope:queue', 'scope:data', 'scope:shared', 'scope:testing'] },
  // The orchestrator may load the model factory lazily (await import) to count a sweep's models at
  // submit (constraints.parameters/flops); a static import is banned below.
  { sourceTag: 'scope:orchestrator', onlyDependOnLibsWithTags: ['scope:queue', 'scope:data', 'scope:shared', 'scope:testing', 'scope:models'] },
  { sourceTag: 'scope:infra', onlyDependOnLibsWithTags: ['scope:queue'] },
  { sourceTag: 'scope:demo', onlyDependOnLibsWithTags: ['scope:shared'] },
  { sourceTag: 'scope:worker', onlyDependOnLibsWithTags: ['scope:models', 'scope:kernels', 'scope:queue', 'scope:data', 'scope:shared', 'scope:testing'] },
];

export default tseslint.config(
  // Every TypeScript file, and the browser JS the leaderboard page is served as (no build step).
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '**/.nx/**',
      '**/.fermx/**',
      '**/coverage/**',
      '**/*.js',
      '**/*.mjs',
      '**/*.cjs',
      '!apps/orchestrator/src/web/public/**/*.js',
    ],
  },
  ...tseslint.configs.recommended,
  {
    // Type-aware rules: a promise nobody awaits loses its error (CONTRIBUTING.md "Conventions").
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: { '@typescript-eslint/no-floating-promises': 'error' },
  },
  {
    // The page's plain ES modules, typechecked through their own tsconfig (checkJs, DOM lib).
    files: ['apps/orchestrator/src/web/public/**/*.js'],
    languageOptions: { sourceType: 'module', parserOptions: { project: ['apps/orchestrator/tsconfig.web.json'], tsconfigRootDir: import.meta.dirname } },
    rules: { '@typescript-eslint/no-floating-promises': 'error' },
  },
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints,
        },
      ],
    },
  },
  {
    // Tests of the model, kernel and data libraries may use the test harness (it installs system
    // packages such as the Vulkan loader, and finds the data beside the checkout).
    files: ['libs/models/src/**/*.test.ts', 'libs/kernels/src/**/*.test.ts', 'libs/data/src/**/*.test.ts'],
    rules: { '@nx/enforce-module-boundaries': ['error', { enforceBuildableLibDependency: false, allow: ['@fermx/testing'], depConstraints }] },
  },
  {
    // Package-level bans the tag rules cannot express: models touch no queue or S3 SDK; data no queue.
    files: ['libs/models/**/*.ts', 'libs/kernels/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['bullmq', 'ioredis', '@aws-sdk/*', 's3rver'], message: 'libs/models and libs/kernels import no queue or S3 code.' }] },
      ],
    },
  },
  {
    // Test material stays out of production code (docs/ARCHITECTURE.md "Test material"): the test
    // harness, the libs' '/testing' entry points and every `testing/` folder are for *.test.ts,
    // test support and benches only; @fermx/testing is a devDependency of the packages.
    files: ['apps/*/src/**/*.ts', 'libs/*/src/**/*.ts', 'infra/**/*.ts'],
    ignores: ['**/*.test.ts', '**/testing/**', 'libs/testing/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@fermx/testing', '@fermx/*/testing', '**/testing/*', 's3rver', 'playwright-core', 'vitest'],
              message: 'test material (harness, fixtures, synthetic trainers) is imported by tests and benches only.',
            },
          ],
        },
      ],
    },
  },
  {
    // @fermx/models (tfjs) only through `await import()` (apps/orchestrator/src/sweeps/model-budget.ts):
    // the orchestrator starts without it (docs/ARCHITECTURE.md).
    files: ['apps/orchestrator/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: '@fermx/models', message: "the orchestrator loads @fermx/models lazily: await import('@fermx/models') where a model is counted." }] },
      ],
    },
  },
  {
    files: ['libs/data/**/*.ts', 'libs/contracts/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['bullmq', 'ioredis'], message: 'libs/data and libs/contracts import no queue code.' }] }],
    },
  },
);
