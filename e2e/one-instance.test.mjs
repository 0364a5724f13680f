// End to end: one Partner Desk per data folder. A second launch on the folder the running one
// holds brings that window forward and leaves (exit 0) without opening the database; a desk
// that cannot open its folder — a database written by a newer desk — says why in a native
// dialog and leaves without touching the file.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
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

/** Runs the app binary; resolves with its exit code and output, or rejects after `ms`. */
function launch(env, ms) {
  return new Promise((ok, fail) => {
    const child = spawn(app, [], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`still running after ${ms} ms:\n${out}`));
    }, ms);
    child.on('exit', (code) => {
      clearTimeout(timer);
      ok({ code, out, child });
    });
  });
}

const dataHome = () => process.env.XDG_DATA_HOME ?? join(process.env.HOME, '.local/share');

test('a second launch on the same data folder brings the first window forward and leaves', async () => {
  const { code, out } = await launch({}, 20000);
  assert.equal(code, 0, out);
  assert.match(out, /already running/i);
  assert.match(out, /focused: true|focused=true/);
  // The first one heard it (its log file, in the app's log folder) and is still at work.
  const logs = join(dataHome(), 'io.partnerdesk.app', 'logs');
  const text = readdirSync(logs)
    .filter((f) => f.startsWith('partner-desk'))
    .map((f) => readFileSync(join(logs, f), 'utf8'))
    .join('\n');
  assert.match(text, /another launch asked for this window/);
  assert.equal(await s.script('return !!document.querySelector(\'[data-testid="env-select"]\')'), true);
});

test('a database from a newer desk is refused in a dialog, untouched', async () => {
  const home = mkdtempSync(join(tmpdir(), 'pd-newer-'));
  const dir = join(home, 'io.partnerdesk.app');
  mkdirSync(dir, { recursive: true });
  const db = join(dir, 'partner-desk.sqlite3');
  execFileSync('python3', ['-c', `import sqlite3; c = sqlite3.connect(${JSON.stringify(db)}); c.execute('CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)'); c.execute('PRAGMA user_version = 99'); c.commit()`]);
  const digest = () => createHash('sha256').update(readFileSync(db)).digest('hex');
  const before = digest();
  const running = launch({ XDG_DATA_HOME: home }, 30000);
  const title = 'Partner Desk cannot start';
  let win;
  for (let i = 0; i < 100 && !win; i++) {
    try {
      win = execFileSync('xdotool', ['search', '--name', title], { encoding: 'utf8' }).split('\n').find(Boolean);
    } catch {
      await sleep(150);
    }
  }
  assert.ok(win, 'the dialog opened');
  await sleep(300);
  mkdirSync(join(root, 'target/e2e'), { recursive: true });
  execFileSync('import', ['-window', 'root', join(root, 'target/e2e/newer-database-dialog.png')]);
  execFileSync('xdotool', ['windowfocus', '--sync', win]);
  execFileSync('xdotool', ['key', 'Return']);
  const { code, out } = await running;
  assert.equal(code, 1, out);
  assert.match(out, /newer Partner Desk/);
  assert.equal(digest(), before, 'the database is as it was');
  assert.ok(!existsSync(`${db}-wal`), 'not even a write-ahead log was started');
});
