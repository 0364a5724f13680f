// End to end: the window comes back at the size and place the operator left it in, and a
// remembered geometry that cannot be believed (a damaged file) gives the default window.
// The real app under Xvfb, restarted on the same data directory; WebDriver moves and sizes it.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, test } from 'node:test';
import { Session, root, startDriver } from './webdriver.mjs';

const app = process.env.PARTNER_DESK_BIN ?? resolve(root, 'target/debug/partner-desk');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const data = mkdtempSync(join(tmpdir(), 'pd-window-'));
const remembered = join(data, 'io.partnerdesk.app', 'window.json');

after(() => rmSync(data, { recursive: true, force: true }));

/** Starts the app on `data`, runs `body` with its session, and closes it. */
async function launch(body) {
  const driver = await startDriver({ XDG_DATA_HOME: data });
  const s = await Session.create(driver.base, app);
  try {
    await s.loaded();
    return await body(s);
  } finally {
    await s.quit();
    driver.stop();
    await sleep(500);
  }
}

const rect = (s) => s.cmd('GET', '/window/rect');
const close = (a, b) => Math.abs(a - b) <= 2;

test('the window reopens where and as large as it was left; a damaged memory gives the default', async () => {
  assert.ok(existsSync(app), `build the app first: ${app}`);
  const first = await launch(async (s) => {
    const start = await rect(s);
    assert.ok(start.width >= 900 && start.height >= 600, `a first window of the configured size: ${JSON.stringify(start)}`);
    await s.cmd('POST', '/window/rect', { x: 60, y: 40, width: 1000, height: 680 });
    const moved = await rect(s);
    assert.ok(close(moved.width, 1000) && close(moved.height, 680), `sized: ${JSON.stringify(moved)}`);
    // Written once the window is still (not only at a clean exit).
    const deadline = Date.now() + 5000;
    while (!existsSync(remembered) || JSON.parse(readFileSync(remembered, 'utf8')).width > 1010) {
      assert.ok(Date.now() < deadline, 'the size was written within 5 s');
      await sleep(100);
    }
    return { start, moved };
  });

  const again = await launch((s) => rect(s));
  assert.ok(close(again.width, first.moved.width) && close(again.height, first.moved.height), `the size came back: ${JSON.stringify(again)} vs ${JSON.stringify(first.moved)}`);
  assert.ok(close(again.x, first.moved.x) && close(again.y, first.moved.y), `the place came back: ${JSON.stringify(again)} vs ${JSON.stringify(first.moved)}`);

  writeFileSync(remembered, '{"width": 1e9, "height": -3');
  const fresh = await launch((s) => rect(s));
  assert.ok(close(fresh.width, first.start.width) && close(fresh.height, first.start.height), `the default size: ${JSON.stringify(fresh)} vs ${JSON.stringify(first.start)}`);
});
