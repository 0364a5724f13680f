// Roster filter → repaint in the real WebKit view, with the issue's 100,000 users (ROSTER_USERS
// sets another number).
//
// Seeds a desk database (bench's `seed-roster`, through the desk's own store), starts the real
// app on it through tauri-driver, and types into the roster's search box with WebDriver key
// events. For each keystroke the page records the time from the `keydown` event to the first
// moment after the frame that shows the store's answer was painted (a `setTimeout(0)` queued from
// `requestAnimationFrame` runs after that frame's paint), i.e. what the operator waits for.
// Prints the median and p90 of 20.
//
// Run inside a desktop session: `scripts/with-desktop.sh node bench/roster-filter.mjs`
// (bench/roster-filter.sh builds what it needs and does that).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Session, byTestId, root, startDriver } from '../e2e/webdriver.mjs';

const USERS = Number(process.env.ROSTER_USERS ?? 100000);
// ROSTER_KEYS=page: the page dispatches each key's events itself instead of WebDriver typing
// them (WebDriver's key events pass through the app's UI process, which also carries the IPC).
const IN_PAGE = process.env.ROSTER_KEYS === 'page';
const app = process.env.PARTNER_DESK_BIN ?? resolve(root, 'target/debug/partner-desk');
const seeder = process.env.SEED_ROSTER_BIN ?? resolve(root, 'target/debug/seed-roster');
const data = mkdtempSync(join(tmpdir(), 'pd-bench-'));
const appDir = join(data, 'io.partnerdesk.app');
mkdirSync(appDir, { recursive: true });
execFileSync(seeder, [join(appDir, 'partner-desk.sqlite3'), String(USERS)], { stdio: 'inherit' });

const driver = await startDriver({ XDG_DATA_HOME: data });
const s = await Session.create(driver.base, app);
try {
  // "100,000 of 100,000" (the digits are compared, whatever separates them).
  await s.waitUntil(
    'const c = document.querySelector(arguments[0]); return !!c && c.textContent.split(" of ").map((n) => n.replace(/\\D/g, "")).every((n) => n === arguments[1])',
    [byTestId('roster-count'), String(USERS)],
    { timeout: 60000, what: `the roster shows ${USERS} users` },
  );
  const rowsDrawn = await s.script('return document.querySelectorAll(\'[data-testid="roster-row"]\').length');
  // The store answers each key (the page holds only the rows on screen), so a key's time runs
  // from its `keydown` to the frame painted after the answer was drawn: the roster table's
  // `data-answer` counts the answers drawn. Besides the total, each key's time is split where it
  // goes: to the answer drawn (the input handler, the call to the store, the render), the wait
  // for the next frame, style and layout (forced at the frame's start), and the paint up to the
  // task after the frame.
  await s.script(`
    window.__lat = [];
    window.__phases = [];
    const input = document.querySelector('[data-testid="roster-search"]');
    const table = document.querySelector('[data-testid="roster"]');
    let t0 = 0;
    let waiting = false;
    input.addEventListener('keydown', (e) => {
      t0 = e.timeStamp;
      waiting = true;
    });
    new MutationObserver(() => {
      if (!waiting) return;
      waiting = false;
      const drawn = performance.now();
      const at = (name) => performance.getEntriesByName(name)[0]?.startTime ?? NaN;
      window.__store = window.__store ?? [];
      window.__store.push([at('roster-asked') - t0, at('roster-answered') - at('roster-asked'), drawn - at('roster-answered')]);
      requestAnimationFrame(() => {
        const frame = performance.now();
        void document.body.offsetHeight;
        const laid = performance.now();
        setTimeout(() => {
          const end = performance.now();
          window.__lat.push(end - t0);
          window.__phases.push([drawn - t0, frame - drawn, laid - frame, end - laid]);
        }, 0);
      });
    }).observe(table, { attributes: true, attributeFilter: ['data-answer'] });`);
  const search = await s.waitFor(byTestId('roster-search'));
  // 20 keystrokes: "nowak" typed and erased twice; each narrows or widens the roster.
  const keys = [...'nowak', ...'\uE003'.repeat(5), ...'nowak', ...'\uE003'.repeat(5)];
  const counts = [];
  for (const k of keys) {
    const before = await s.script('return window.__lat.length');
    if (IN_PAGE) {
      // The page types the key itself: a keydown, the value changed, an input event.
      await s.script(
        `const input = document.querySelector('[data-testid="roster-search"]');
         input.dispatchEvent(new KeyboardEvent('keydown', { key: arguments[0] }));
         input.value = arguments[0] === 'Backspace' ? input.value.slice(0, -1) : input.value + arguments[0];
         input.dispatchEvent(new Event('input', { bubbles: true }));`,
        [k === '\uE003' ? 'Backspace' : k],
      );
    } else {
      await s.cmd('POST', `/element/${search}/value`, { text: k });
    }
    await s.waitUntil('return window.__lat.length > arguments[0]', [before], { what: 'the repaint after a key' });
    counts.push(await s.text(await s.waitFor(byTestId('roster-count'))));
  }
  const lat = await s.script('return window.__lat');
  const sorted = [...lat].sort((a, b) => a - b);
  const median = (sorted[9] + sorted[10]) / 2;
  console.log(
    `roster filter → repaint, ${USERS} users, ${lat.length} keystrokes in WebKitGTK (${IN_PAGE ? 'typed by the page' : 'typed by WebDriver'})`,
  );
  console.log(`  rows drawn (virtualized): ${rowsDrawn}`);
  console.log(`  shown after each key: ${counts.join(' | ')}`);
  console.log(`  per key (ms): ${lat.map((v) => v.toFixed(1)).join(' ')}`);
  const phases = await s.script('return window.__phases');
  const med = (xs) => {
    const v = [...xs].sort((a, b) => a - b);
    return (v[(v.length - 1) >> 1] + v[v.length >> 1]) / 2;
  };
  const names = ['answer drawn', 'wait for frame', 'style+layout', 'paint'];
  console.log(`  median per phase (ms): ${names.map((n, i) => `${n} ${med(phases.map((p) => p[i])).toFixed(1)}`).join(', ')}`);
  // Each call to the store is a fetch of Tauri's IPC protocol: its resource timing is the
  // round trip (the query in Rust included).
  const ipc = await s.script(
    "return performance.getEntriesByType('resource').filter((e) => e.name.includes('users_query')).map((e) => e.duration)",
  );
  if (ipc.length) console.log(`  users_query round trips: ${ipc.length}, median ${med(ipc).toFixed(1)} ms`);
  const store = await s.script('return window.__store');
  console.log(
    `  answer drawn, split (median ms): to the call ${med(store.map((x) => x[0])).toFixed(1)}, the call (IPC and the store) ${med(store.map((x) => x[1])).toFixed(1)}, the render ${med(store.map((x) => x[2])).toFixed(1)}`,
  );
  console.log(`  median ${median.toFixed(1)} ms, p90 ${sorted[17].toFixed(1)} ms, max ${sorted[19].toFixed(1)} ms (target < 50 ms)`);
  if (process.env.ROSTER_JSON) console.log(JSON.stringify({ users: USERS, medianMs: median, samples: lat }));
} finally {
  await s.quit();
  driver.stop();
}
