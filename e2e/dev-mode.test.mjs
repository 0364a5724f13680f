// End to end, the developer's path: what `npm run tauri dev` runs — Vite's dev server and the app
// built without its embedded pages (target/dev-mode/partner-desk, built by scripts/test.sh) — in
// the real window. The page comes from the dev server, talks to Rust under the dev CSP, the CSP
// still refuses other hosts, and a CSS edit reaches the window by hot reload without reloading.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { Session, byTestId, root, startDriver, dataFolder } from './webdriver.mjs';

const app = process.env.PARTNER_DESK_DEV_BIN ?? resolve(root, 'target/dev-mode/partner-desk');
const styles = resolve(root, 'ui/src/styles.css');
const original = readFileSync(styles, 'utf8');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let vite;
let driver;
let s;

before(async () => {
  assert.ok(existsSync(app), `build the dev-mode app first (scripts/test.sh does): ${app}`);
  vite = spawn('npx', ['vite', '--config', 'ui/vite.config.ts'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'], detached: true });
  const deadline = Date.now() + 30000;
  for (;;) {
    const up = await fetch('http://localhost:5173/').then((r) => r.ok, () => false);
    if (up) break;
    assert.ok(Date.now() < deadline, 'the Vite dev server did not start on port 5173');
    await sleep(200);
  }
  // Its own data folder: an empty roster whatever ran before.
  const data = dataFolder('dev-mode-test');
  driver = await startDriver({ XDG_DATA_HOME: data });
  s = await Session.create(driver.base, app);
});

after(async () => {
  writeFileSync(styles, original);
  await s?.quit();
  driver?.stop();
  if (vite) process.kill(-vite.pid, 'SIGTERM');
});

test("the page comes from Vite's dev server and reaches Rust through the dev CSP", async () => {
  await s.loaded();
  assert.equal(await s.script('return location.origin'), 'http://localhost:5173');
  await s.waitFor(byTestId('roster-empty'));
});

test('the dev CSP still refuses a host of its own choosing', async () => {
  const result = await s.cmd('POST', '/execute/async', {
    script: `const done = arguments[arguments.length - 1];
      document.addEventListener('securitypolicyviolation', (e) => done('refused by ' + e.violatedDirective), { once: true });
      fetch('http://127.0.0.1:9/').then(() => done('fetched'), () => setTimeout(() => done('failed, but not by the CSP'), 1000));`,
    args: [],
  });
  assert.match(result, /^refused by connect-src/);
});

test('a CSS edit reaches the window by hot reload, without a page load', async () => {
  await s.script('window.__pdNotReloaded = true');
  writeFileSync(styles, `${original}\n/* e2e hot-reload probe */\n:root { --pd-hot-reload-probe: 7; }\n`);
  await s.waitUntil(
    'return getComputedStyle(document.documentElement).getPropertyValue("--pd-hot-reload-probe").trim() === "7"',
    [],
    { what: 'the edited style applied', timeout: 20000 },
  );
  assert.equal(await s.script('return window.__pdNotReloaded === true'), true, 'the page was not reloaded');
});
