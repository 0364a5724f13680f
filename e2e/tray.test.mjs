// End to end: closing the window, with and without a tray to come back by. With a
// StatusNotifierWatcher on the session bus (a stand-in, e2e/sni-watcher.py: no package here
// provides one without a whole desktop), the desk's tray icon registers with it, closing the
// window (a WM_DELETE_WINDOW, as a window manager's close button sends) hides it while the desk
// keeps running, a notification says so once, and a second launch brings the window back.
// Without one, closing the window quits, as it always did.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import { Session, root, startDriver } from './webdriver.mjs';
import { alive, notifications, visibleWindow, xdotool } from './desktop.mjs';

const app = process.env.PARTNER_DESK_BIN ?? resolve(root, 'target/debug/partner-desk');
const here = dirname(fileURLToPath(import.meta.url));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const cleanups = [];

after(async () => {
  for (const clean of cleanups.reverse()) await clean();
});


async function until(what, check, timeout = 15000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(150);
  }
}

/** The app on its own data folder, through WebDriver, loaded; its window and pid. */
async function start(name) {
  assert.ok(existsSync(app), `build the app first: ${app}`);
  const data = join(process.env.XDG_DATA_HOME ?? tmpdir(), name);
  mkdirSync(data, { recursive: true });
  const driver = await startDriver({ XDG_DATA_HOME: data });
  const s = await Session.create(driver.base, app);
  cleanups.push(async () => {
    await s.quit();
    driver.stop();
  });
  await s.loaded();
  const win = await until('the window is on the display', visibleWindow);
  return { data, s, win, pid: Number(xdotool('getwindowpid', win)) };
}

const closeWindow = (win) => execFileSync('/usr/bin/python3', [join(here, 'close-window.py'), win]);

test('without a tray host, closing the window quits', async () => {
  const { win, pid } = await start('tray-test-none');
  assert.ok(pid > 0);
  closeWindow(win);
  await until('the desk has left', () => !alive(pid));
  assert.equal(visibleWindow(), undefined);
});

test('with a tray host, the icon registers, closing hides the window, the desk runs on and comes back', async (t) => {
  const watcher = spawn('/usr/bin/python3', [join(here, 'sni-watcher.py')], { stdio: ['ignore', 'pipe', 'inherit'] });
  cleanups.push(() => watcher.kill('SIGTERM'));
  let said = '';
  watcher.stdout.on('data', (d) => (said += d));
  await until('the stand-in watcher owns its name', () => said.includes('ready'));

  const { data, s, win, pid } = await start('tray-test-host');
  await until('the tray icon registered with the watcher', () => /registered \S+/.test(said), 20000);
  t.diagnostic(`the watcher: ${said.trim().replace(/\n/g, '; ')}`);

  closeWindow(win);
  await until('the window is hidden', () => visibleWindow() === undefined);
  await sleep(500);
  assert.ok(alive(pid), 'the desk still runs');
  // Still at work: the page answers through the hidden window.
  assert.equal(await s.script('return document.querySelector(\'[data-testid="env-select"]\').value'), 'sandbox');
  const told = await until('the notification that it runs on', () => notifications().some((n) => n.summary === 'Partner Desk is still running'));
  assert.ok(told);

  // A second launch on the same folder shows the hidden window and leaves.
  const second = spawn(app, [], { env: { ...process.env, XDG_DATA_HOME: data }, stdio: 'ignore' });
  const code = await new Promise((ok) => second.on('exit', ok));
  assert.equal(code, 0);
  await until('the window is back', visibleWindow);
  assert.ok(alive(pid));
});
