// End to end: the webview stays home. A page that tries to leave — `location` to another site,
// a file, a data: or about: page; `window.open`; a link with target=_blank — stays where it
// is, and no second window opens. It also cannot listen to Tauri's events (whose drag-and-drop
// ones carry paths of the operator's disk): the listen command is not allowed.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { Session, root, startDriver } from './webdriver.mjs';

const app = process.env.PARTNER_DESK_BIN ?? resolve(root, 'target/debug/partner-desk');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let driver;
let s;

before(async () => {
  assert.ok(existsSync(app), `build the app first: ${app}`);
  driver = await startDriver();
  s = await Session.create(driver.base, app);
  await s.loaded();
});

after(async () => {
  await s?.quit();
  driver?.stop();
});

const here = () => s.script('return location.href');
const handles = () => s.cmd('GET', '/window/handles');

test('the page cannot navigate away from the app', async () => {
  const home = await here();
  assert.match(home, /^tauri:\/\/localhost/);
  // A mark in the page: a navigation (even one back to the same URL) would lose it.
  await s.script('window.__pdStillHere = true');
  for (const away of ['https://example.com/', 'http://127.0.0.1:9/', 'file:///etc/hostname', 'data:text/html,<h1>away</h1>', 'about:blank']) {
    await s.script('location.href = arguments[0]', [away]);
    await sleep(400);
    assert.equal(await here(), home, `still home after location = ${away}`);
    assert.equal(await s.script('return window.__pdStillHere === true'), true, `the page was not replaced (${away})`);
  }
  await s.script('location.assign("https://example.com/"); history.pushState({}, "", "#pushed")');
  await sleep(400);
  assert.equal(await s.script('return location.origin'), 'tauri://localhost');
  assert.equal(await s.script('return window.__pdStillHere === true'), true);
});

test('the page cannot open windows', async () => {
  const before = await handles();
  assert.equal(before.length, 1);
  const opened = await s.script('return window.open("https://example.com/", "_blank") === null');
  assert.equal(opened, true, 'window.open returns null');
  await s.script('window.open("tauri://localhost/index.html")');
  await s.script(
    `const a = document.createElement('a');
     a.href = 'https://example.com/'; a.target = '_blank'; a.textContent = 'away';
     a.setAttribute('data-testid', 'probe-link'); document.body.appendChild(a); a.click(); a.remove();`,
  );
  await sleep(800);
  assert.deepEqual(await handles(), before, 'no new window');
  assert.equal(await s.script('return window.__pdStillHere === true'), true);
});

test('the page may not listen to Tauri events (drag and drop ones carry paths)', async () => {
  const result = await s.cmd('POST', '/execute/async', {
    script: `const done = arguments[arguments.length - 1];
      const t = window.__TAURI_INTERNALS__;
      const handler = t.transformCallback(() => {});
      Promise.all(['tauri://drag-drop', 'tauri://drag-enter', 'documents-dropped'].map((event) =>
        t.invoke('plugin:event|listen', { event, target: { kind: 'Any' }, handler })
          .then(() => 'allowed', (e) => 'refused: ' + String(e))))
        .then(done);`,
    args: [],
  });
  assert.equal(result.length, 3);
  for (const r of result) assert.match(r, /^refused: .*not allowed/i, r);
});
