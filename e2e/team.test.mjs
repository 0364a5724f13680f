// End to end in team mode: the real app window connects to a real hub replica (the
// partner-desk-hub binary on the throwaway PostgreSQL cluster of scripts/with-postgres.sh, in
// front of the standalone sandbox), works on the team's roster, uploads documents through the hub, tracks users the partner's backend made, and moves live when another
// operator acts through the hub. The app gets a data folder of its own, which is searched for
// the operator's token afterwards.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, test } from 'node:test';
import { pickInDialog } from './dialog.mjs';
import { Session, byTestId, root, startDriver } from './webdriver.mjs';

const app = process.env.PARTNER_DESK_BIN ?? resolve(root, 'target/debug/partner-desk');
const hubBin = resolve(root, 'target/debug/partner-desk-hub');
const sandboxBin = resolve(root, 'target/debug/p100-sandbox');
const server = process.env.PARTNER_DESK_TEST_DATABASE_URL;
const P100_KEY = 'e2e-team-sandbox-key-41d9';
const WEBHOOK_TOKEN = 'whk_e2e-team-webhook-token-c0ffee42';
const work = mkdtempSync(join(tmpdir(), 'pd-e2e-team-'));
const dataHome = join(work, 'data');
const passport = join(work, 'team-passport.jpg');
const selfie = join(work, 'team-selfie.jpg');
let children = [];
let driver;
let s;
let hub;
let olga;
let sam;
let p100;

/** Starts a binary that prints `listening on ADDR` first; its address. */
function startServer(bin, args) {
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  return new Promise((ok, fail) => {
    const lines = createInterface({ input: child.stdout });
    lines.once('line', (line) => {
      const m = /^listening on (.+)$/.exec(line.trim());
      if (m) ok(`http://${m[1]}`);
      else fail(new Error(`${bin}: first line ${line}`));
    });
    child.once('exit', (code) => fail(new Error(`${bin} exited with ${code}`)));
  });
}

/** Picks `value` in a <select> once that option exists (the lists load asynchronously). */
async function choose(testId, value) {
  const css = `${byTestId(testId)} option[value="${value}"]`;
  await s.waitUntil('return !!document.querySelector(arguments[0])', [css], { what: `${testId} offers ${value}` });
  await s.setValue(await s.waitFor(byTestId(testId)), value);
}

const hubCli = (...args) => execFileSync(hubBin, args, { encoding: 'utf8' });

async function api(token, method, path, body) {
  const r = await fetch(`${hub}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: r.status, body: await r.json() };
}

before(async () => {
  assert.ok(server, 'run under scripts/with-postgres.sh (scripts/test.sh does): no database');
  for (const bin of [app, hubBin, sandboxBin]) assert.ok(existsSync(bin), `build it first: ${bin}`);
  const db = `e2e_team_${process.pid}`;
  execFileSync('psql', [server, '-qc', `CREATE DATABASE ${db}`]);
  const url = server.replace(/\/[^/]*$/, `/${db}`);
  hubCli('migrate', '--database-url', url);
  olga = hubCli('operator', 'add', 'olga', '--role', 'operator', '--database-url', url).trim().split('\n').at(-1);
  sam = hubCli('operator', 'add', 'sam', '--role', 'supervisor', '--database-url', url).trim().split('\n').at(-1);
  const sandbox = await startServer(sandboxBin, ['--listen', '127.0.0.1:0', '--api-key', P100_KEY]);
  p100 = sandbox;
  const keyFile = join(work, 'p100.key');
  const tokenFile = join(work, 'webhook.token');
  writeFileSync(keyFile, `${P100_KEY}\n`);
  writeFileSync(tokenFile, `${WEBHOOK_TOKEN}\n`);
  chmodSync(keyFile, 0o600);
  chmodSync(tokenFile, 0o600);
  hub = await startServer(hubBin, [
    'serve', '--listen', '127.0.0.1:0', '--database-url', url, '--p100-url', sandbox,
    '--p100-key-file', keyFile, '--webhook-token-file', tokenFile,
  ]);
  execFileSync('convert', ['-size', '640x420', 'xc:#e4ecf7', '-fill', '#1d3f7a', '-draw', 'rectangle 40,40 260,320', passport]);
  execFileSync('convert', ['-size', '480x480', 'xc:#f1e6da', '-fill', '#6b4226', '-draw', 'circle 240,220 240,90', selfie]);
  driver = await startDriver({ XDG_DATA_HOME: dataHome, RUST_LOG: 'info,partner_desk_lib=debug' });
  s = await Session.create(driver.base, app);
});

after(async () => {
  await s?.quit();
  driver?.stop();
  for (const c of children) c.kill('SIGTERM');
});

test('the window connects to the team hub with an operator token', async () => {
  await s.click(await s.waitFor(byTestId('nav-settings')));
  await s.waitFor(byTestId('team-status'), { text: 'Solo' });
  await s.type(await s.waitFor(byTestId('team-hub-url')), hub);
  await s.type(await s.waitFor(byTestId('team-token')), olga);
  await s.click(await s.waitFor(byTestId('team-connect')));
  await s.waitFor(byTestId('team-operator'), { text: 'olga' });
  // The screens now show the team's environment (the hub's sandbox is a Custom one).
  await s.waitUntil('return document.querySelector(arguments[0])?.value === "custom"', [byTestId('env-select')], {
    what: "the header shows the hub's environment",
  });
  const page = await s.script(
    'return document.documentElement.outerHTML + [...document.querySelectorAll("input")].map((i) => i.value).join("|")',
  );
  assert.ok(!page.includes(olga), 'the token appears nowhere in the page once connected');
  await s.screenshot('team-connected');
});

test("another operator's new user appears in the window without a click", async () => {
  await s.click(await s.waitFor(byTestId('nav-roster')));
  await s.waitFor(byTestId('roster-empty'));
  const created = await api(sam, 'POST', '/api/users', {
    hasAcceptedP100Tc: true, email: 'sam.made.this@example.com', firstName: 'Grace', lastName: 'Hopper',
    country: 'PL', citizenship: 'PL',
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  await s.waitFor(byTestId('roster-email'), { text: 'sam.made.this@example.com', timeout: 5000 });
});

test('a user created in the window is on the team roster, journaled as the operator, and moves live', async () => {
  await s.click(await s.waitFor(byTestId('nav-new-user')));
  await s.type(await s.waitFor(byTestId('field-email')), 'olga.made.this@example.com');
  await s.type(await s.waitFor(byTestId('field-firstName')), 'Ada');
  await s.type(await s.waitFor(byTestId('field-lastName')), 'Lovelace');
  await s.setValue(await s.waitFor(byTestId('field-country')), 'PL');
  await s.setValue(await s.waitFor(byTestId('field-citizenship')), 'PL');
  await s.click(await s.waitFor(byTestId('field-hasAcceptedP100Tc')));
  await s.click(await s.waitFor(byTestId('create-submit')));
  await s.waitFor(byTestId('toast'), { text: 'Ada Lovelace' });

  const roster = await api(sam, 'GET', '/api/users');
  const mine = roster.body.find((u) => u.email === 'olga.made.this@example.com');
  assert.ok(mine, 'the hub has the user the window created');
  const journal = await api(sam, 'POST', '/api/ops/journal_recent', { limit: 5 });
  assert.equal(journal.body[0].operator, 'olga');
  assert.equal(journal.body[0].operation, 'createUser');

  // Her documents stream from the window through the hub to P100, journaled as Olga.
  await s.click(await s.waitFor(byTestId('nav-roster')));
  await s.click(await s.waitFor(`${byTestId('roster-row')}[data-external-user-id="${mine.externalUserId}"] ${byTestId('roster-open')}`));
  await s.waitFor(byTestId('detail-stage'), { text: 'Created' });
  await choose('kyc-document-type', 'PASSPORT');
  await pickInDialog(async () => s.click(await s.waitFor(byTestId('kyc-pick-front'))), passport);
  await s.waitFor(byTestId('kyc-slot-front'), { text: 'team-passport.jpg' });
  await pickInDialog(async () => s.click(await s.waitFor(byTestId('kyc-pick-selfie'))), selfie);
  await s.waitFor(byTestId('kyc-slot-selfie'), { text: 'team-selfie.jpg' });
  await s.click(await s.waitFor(byTestId('kyc-upload')));
  await s.waitFor(byTestId('detail-stage'), { text: 'Identity documents' });
  const uploads = await api(sam, 'POST', '/api/ops/user_timeline', { externalUserId: mine.externalUserId });
  const uploaded = uploads.body.find((e) => e.kind === 'kycFilesUploaded');
  assert.ok(uploaded, `the upload is on the team's timeline: ${JSON.stringify(uploads.body)}`);
  assert.equal(uploaded.actor, 'olga');
  assert.deepEqual(uploaded.detail.files.map((f) => f.name).sort(), ['team-passport.jpg', 'team-selfie.jpg']);
  await s.click(await s.waitFor(byTestId('detail-back')));

  // Sam suspends her through the hub: the window shows it without a click.
  await s.click(await s.waitFor(byTestId('nav-roster')));
  const suspended = await api(sam, 'POST', '/api/ops/user_suspend', { externalUserId: mine.externalUserId, reason: 'review' });
  assert.equal(suspended.status, 200, JSON.stringify(suspended.body));
  await s.waitUntil(
    'return [...document.querySelectorAll(arguments[0])].some((r) => r.dataset.externalUserId === arguments[1] && /suspend/i.test(r.textContent))',
    ['[data-testid="roster-row"]', mine.externalUserId],
    { timeout: 5000, what: 'the suspension reaches the window' },
  );
  await s.screenshot('team-roster');
});

test("users the partner's backend made at P100 are tracked from the window, by pasted ids", async () => {
  // The partner's backend creates a user at P100 directly; the team has never seen it.
  const made = await fetch(`${p100}/v1/user/balances/crypto-and-fiat`, {
    method: 'POST',
    headers: { 'x-api-key': P100_KEY, 'content-type': 'application/json' },
    body: JSON.stringify({
      externalUserId: 'crm-e2e-1', hasAcceptedP100Tc: true, email: 'crm@partner.example', firstName: 'Ines',
      lastName: 'Moreau', country: 'PL', citizenship: 'PL',
    }),
  });
  assert.equal(made.status, 201, await made.text());
  await s.click(await s.waitFor(byTestId('nav-roster')));
  await s.click(await s.waitFor(byTestId('track-open')));
  await s.type(await s.waitFor(byTestId('track-ids')), 'crm-e2e-1, nobody-at-p100');
  await s.click(await s.waitFor(byTestId('track-submit')));
  const answered = await s.waitUntil(
    `const d = document.querySelector('[data-testid="track-dialog"]');
     return d && (d.querySelector('[data-testid="track-results"]') || d.querySelector('[role="alert"], .field-error')) ? d.textContent : null;`,
    [],
    { what: 'the tracking answered' },
  );
  assert.ok(answered.includes('Tracked: 1'), answered);
  await s.waitFor(byTestId('track-count-unknown'), { text: 'Not at P100: 1' });
  await s.screenshot('team-track-users');
  const roster = await api(sam, 'GET', '/api/users');
  const tracked = roster.body.find((u) => u.externalUserId === 'crm-e2e-1');
  assert.ok(tracked, 'the hub has the tracked user');
  assert.equal(tracked.stage, 'created');
  assert.ok(!roster.body.some((u) => u.externalUserId === 'nobody-at-p100'), 'an id P100 does not know is not added');
  const timeline = await api(sam, 'POST', '/api/ops/user_timeline', { externalUserId: 'crm-e2e-1' });
  assert.equal(timeline.body[0].kind, 'tracked');
  assert.equal(timeline.body[0].actor, 'olga');
  // Closed; the roster shows the tracked row.
  await s.click(await s.waitFor(byTestId('track-close')));
  await s.waitUntil(
    'return [...document.querySelectorAll(arguments[0])].some((r) => r.dataset.externalUserId === arguments[1])',
    ['[data-testid="roster-row"]', 'crm-e2e-1'],
    { timeout: 5000, what: 'the tracked user is on the roster' },
  );
});

test("the operator's token is nowhere in the app's data or logs", () => {
  const walk = (dir) =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
  const files = walk(dataHome).filter((f) => statSync(f).isFile() && statSync(f).size < 64 * 1024 * 1024);
  assert.ok(files.length > 0, 'the app wrote its data folder');
  for (const f of files) {
    assert.ok(!readFileSync(f).includes(olga), `the operator token is in ${f}`);
  }
});
