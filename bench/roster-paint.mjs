// First roster paint at 100,000 users vs at 10, in the real WebKit view.
//
// Seeds two desk databases through the desk's own store (bench's `seed-roster`): one with 10
// users, one with 100,000 (ROSTER_USERS sets another number). Starts the real app on each in
// turn through tauri-driver, RUNS times each, interleaved so that both see the same machine, and
// takes two figures per start:
// - the page's own: `roster-drawn`, the mark the roster screen sets once the store's first answer
//   is drawn, in ms from the page's navigation start;
// - the wall clock from asking tauri-driver for the session (the app's process starting) until
//   WebDriver sees the roster's count, which includes the process start and the polling.
// Start-up should not grow with the roster: the ratio of the medians is the figure.
//
// Run inside a desktop session: `scripts/with-desktop.sh node bench/roster-paint.mjs`
// (bench/roster-filter.sh builds what it needs).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Session, byTestId, root, startDriver } from '../e2e/webdriver.mjs';

const LARGE = Number(process.env.ROSTER_USERS ?? 100000);
const RUNS = Number(process.env.RUNS ?? 5);
const app = process.env.PARTNER_DESK_BIN ?? resolve(root, 'target/debug/partner-desk');
const seeder = process.env.SEED_ROSTER_BIN ?? resolve(root, 'target/debug/seed-roster');

function seeded(users) {
  const data = mkdtempSync(join(tmpdir(), `pd-paint-${users}-`));
  const appDir = join(data, 'io.partnerdesk.app');
  mkdirSync(appDir, { recursive: true });
  execFileSync(seeder, [join(appDir, 'partner-desk.sqlite3'), String(users)], { stdio: 'inherit' });
  return data;
}

const profiles = { 10: seeded(10), [LARGE]: seeded(LARGE) };
const results = { 10: { page: [], wall: [] }, [LARGE]: { page: [], wall: [] } };

async function once(users) {
  const driver = await startDriver({ XDG_DATA_HOME: profiles[users] });
  const t0 = performance.now();
  const s = await Session.create(driver.base, app);
  try {
    await s.waitUntil(
      'const c = document.querySelector(arguments[0]); return !!c && c.textContent.split(" of ").map((n) => n.replace(/\\D/g, "")).every((n) => n === arguments[1])',
      [byTestId('roster-count'), String(users)],
      { timeout: 60000, interval: 5, what: `the roster shows ${users} users` },
    );
    const wall = performance.now() - t0;
    const page = await s.script(
      "const m = performance.getEntriesByName('roster-drawn')[0]; return m ? m.startTime : null",
    );
    results[users].page.push(page);
    results[users].wall.push(wall);
  } finally {
    await s.quit();
    driver.stop();
  }
}

// One start of each first (caches warm), not counted; then interleaved.
await once(10);
await once(LARGE);
for (const r of Object.values(results)) (r.page.length = 0), (r.wall.length = 0);
for (let i = 0; i < RUNS; i++) {
  await once(10);
  await once(LARGE);
}

const median = (xs) => {
  const v = [...xs].sort((a, b) => a - b);
  return (v[(v.length - 1) >> 1] + v[v.length >> 1]) / 2;
};
console.log(`first roster paint, ${LARGE} users vs 10, ${RUNS} starts each, interleaved (WebKitGTK)`);
for (const users of [10, LARGE]) {
  const r = results[users];
  console.log(
    `  ${String(users).padStart(6)} users: page mark median ${median(r.page).toFixed(1)} ms (${r.page.map((v) => v.toFixed(0)).join(' ')}), ` +
      `wall median ${median(r.wall).toFixed(0)} ms (${r.wall.map((v) => v.toFixed(0)).join(' ')})`,
  );
}
const ratio = (k) => median(results[LARGE][k]) / median(results[10][k]);
console.log(`  ratio ${LARGE} / 10: page mark ${ratio('page').toFixed(2)}×, wall ${ratio('wall').toFixed(2)}×`);
if (process.env.ROSTER_JSON) console.log(JSON.stringify({ large: LARGE, results }));
