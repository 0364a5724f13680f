import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
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
    extends: [js.configs.recommended, tseslint.configs.recommended],
  },
  {
    files: ['e2e/**/*.{js,mjs}'],
    extends: [js.configs.recommended, tseslint.configs.recommended],
    languageOptions: { ecmaVersion: 'latest', sourceType: 'module', globals: nodeGlobals },
  },
);
