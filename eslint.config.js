import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import jsxA11y from 'eslint-plugin-jsx-a11y-x';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

// The e2e tests are plain Node ESM; no `globals` package is installed, so list what Node offers.
const nodeGlobals = Object.fromEntries(
  [
    'AbortController', 'AbortSignal', 'Blob', 'Buffer', 'clearInterval', 'clearTimeout', 'console',
    'crypto', 'fetch', 'FormData', 'Headers', 'performance', 'process', 'queueMicrotask', 'Request',
    'Response', 'setImmediate', 'setInterval', 'setTimeout', 'structuredClone', 'TextDecoder',
    'TextEncoder', 'URL', 'URLSearchParams', 'WebSocket',
  ].map((name) => [name, 'readonly']),
);

export default defineConfig(
  { ignores: ['ui/dist/**', 'target/**', 'node_modules/**'] },
  {
    files: ['ui/src/**/*.{ts,tsx}'],
    // jsx-a11y-x: the maintained fork of eslint-plugin-jsx-a11y (same rules) that runs on ESLint 10.
    // Preact writes `class`, not `className`; the rules read roles, labels and handlers, not that.
    extends: [js.configs.recommended, tseslint.configs.recommended, jsxA11y.configs.strict],
    // The two classic hooks rules. The plugin's React Compiler rules are left out: they know
    // React's useRef by its import and read every Preact ref as a frozen value.
    plugins: { 'react-hooks': reactHooks },
    // Preact's label takes `for`; Select and CountrySelect render a <select>.
    settings: { 'jsx-a11y-x': { attributes: { for: ['for', 'htmlFor'] } } },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
      'jsx-a11y-x/label-has-associated-control': ['error', { controlComponents: ['Select', 'CountrySelect'] }],
      // A scrolling region is focusable so that the keyboard can scroll it (axe's
      // scrollable-region-focusable); it says what it is with role="region" and a label.
      'jsx-a11y-x/no-noninteractive-tabindex': ['error', { roles: ['tabpanel', 'region'] }],
    },
  },
  {
    files: ['e2e/**/*.{js,mjs}'],
    extends: [js.configs.recommended, tseslint.configs.recommended],
    languageOptions: { ecmaVersion: 'latest', sourceType: 'module', globals: nodeGlobals },
  },
);
