import { readFileSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

// Scripts pass `--config ui/vite.config.ts` from the repo root; anchor paths to this folder
// instead of the working directory. Vite provides import.meta.dirname when bundling the config.
const root = import.meta.dirname;

/**
 * The dev CSP of tauri.conf.json (`app.security.devCsp`) as a header of the dev server: `tauri
 * dev` loads the page straight from this server, where Tauri cannot add it, so the server does.
 * One policy, written once, in tauri.conf.json.
 */
function devCsp(): string {
  const conf = JSON.parse(readFileSync(`${root}/../tauri.conf.json`, 'utf8'));
  const policy: Record<string, string> = conf.app.security.devCsp;
  return Object.entries(policy)
    .map(([directive, sources]) => `${directive} ${sources}`)
    .join('; ');
}

export default defineConfig({
  root,
  // Keep Vite's and Vitest's caches in the repo's (ignored) node_modules, not a new ui/node_modules.
  cacheDir: `${root}/../node_modules/.vite`,
  // Tauri loads the bundle from its own protocol; relative asset URLs work there and in `vite preview`.
  base: './',
  clearScreen: false,
  // Vite 8 transforms with oxc, not esbuild: point its JSX runtime at Preact.
  oxc: {
    jsx: { runtime: 'automatic', importSource: 'preact' },
  },
  server: {
    port: 5173,
    strictPort: true, // tauri.conf.json's devUrl is fixed to this port
    headers: { 'Content-Security-Policy': devCsp() },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
  },
  test: {
    environment: 'jsdom',
    // Relative to `root` (ui/), i.e. ui/src/**/*.test.ts(x).
    include: ['src/**/*.test.{ts,tsx}'],
  },
});
