// Lint rules: typescript-eslint strict, type-aware, zero warnings (see package.json "lint").
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The layers of src/ and what each may import (docs/architecture.md, "Where things live"): the
 * pure rooms import nothing with I/O; the engine (pipeline) sees sources and sinks only through
 * its contracts; sources and sinks never import each other or a transform; the simulator, the
 * tests' independent ground truth, never imports the code it checks. Every other folder of src/
 * is forbidden to the layer.
 */
const layers = {
  domain: [],
  events: ['domain'],
  transforms: ['domain', 'events'],
  config: ['domain', 'events'],
  telemetry: ['domain', 'events'],
  pipeline: ['config', 'domain', 'events', 'telemetry', 'transforms'],
  sources: ['config', 'domain', 'events', 'pipeline', 'telemetry'],
  sinks: ['config', 'domain', 'events', 'pipeline', 'telemetry'],
  simulate: ['config', 'domain', 'events'],
  report: ['config', 'domain'],
  http: [],
  stack: [],
};
const folders = [...Object.keys(layers), 'cli'];
const layerRules = Object.entries(layers).map(([layer, allowed]) => {
  const forbidden = folders.filter((f) => f !== layer && !allowed.includes(f));
  return {
    files: [`src/${layer}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: `^(\\.\\./)+(${forbidden.join('|')})/`,
              message: `src/${layer}/ may import only ${allowed.length === 0 ? 'its own folder' : allowed.join(', ')} (see eslint.config.js, layers)`,
            },
            {
              regex: '^(\\.\\./)+main\\.ts$',
              message: 'only the CLI starts the processor',
            },
          ],
        },
      ],
    },
  };
});

export default tseslint.config(
  { ignores: ['node_modules/**', '.stack/**', 'dist/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  ...layerRules,
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
);
