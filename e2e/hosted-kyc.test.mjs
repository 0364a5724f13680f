// End to end: hosted KYC (Method B) from the real window. The desk hands the verification link
// to the OS's URL handler, never to its own webview. No browser can run here, so `xdg-open` is
// replaced by a stand-in that records the URL (the one mock in these tests: the OS's handler);
// the test then plays the end user with plain HTTP: the loading page, the provider page, "Pass".
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { Session, byTestId, root, startDriver } from './webdriver.mjs';

const app = process.env.PARTNER_DESK_BIN ?? resolve(root, 'target/debug/partner-desk');
const bin = mkdtempSync(join(tmpdir(), 'pd-opener-'));
const opened = join(bin, 'opened.txt');
let driver;
let s;

before(async () => {
  assert.ok(existsSync(app), `build the app first: ${app}`);
  writeFileSync(join(bin, 'xdg-open'), `#!/bin/sh\nprintf '%s\\n' "$1" >> '${opened}'\n`);
  chmodSync(join(bin, 'xdg-open'), 0o755);
  driver = await startDriver({ PATH: `${bin}:${process.env.PATH}` });
  s = await Session.create(driver.base, app);
});

after(async () => {
  await s?.quit();
  driver?.stop();
});

const click = async (id) => s.click(await s.waitFor(byTestId(id)));

test('hosted KYC opens in the system browser and its result comes back to the desk', async () => {
  await s.loaded();
  await s.createUser({ email: 'hosted@example.com', firstName: 'Hana', lastName: 'Hosted' });
  await click('roster-open');
  await s.waitFor(byTestId('user-detail'), { text: 'Hana' });

  await s.setValue(await s.waitFor(byTestId('hosted-documentType')), 'ID_CARD');
  await s.setValue(await s.waitFor(byTestId('hosted-country')), 'PL');
  await s.setValue(await s.waitFor(byTestId('hosted-incomeSource')), 'SALARY');
  await s.setValue(await s.waitFor(byTestId('hosted-occupation')), 'ENGINEERING');
  await s.type(await s.waitFor(byTestId('hosted-additionalInfo')), 'Structural engineer');
  await s.setValue(await s.waitFor(byTestId('hosted-openAccountReason')), 'DAILY_USE');
  await click('hosted-start');
  await s.waitFor(byTestId('hosted-session'));
  await click('hosted-open');
  const deadline = Date.now() + 10000;
  while (!existsSync(opened) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  const url = readFileSync(opened, 'utf8').trim();
  assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/v1\/kyc\/verification\/[0-9a-f-]{36}\/[0-9a-f-]{36}$/);
  assert.match(await s.script('return location.href'), /^tauri:\/\/localhost\/?$/, 'the webview did not navigate');
  await s.screenshot('hosted-kyc');

  // The end user's browser: the loading page leads to the provider, who passes the check.
  const loading = await fetch(url);
  assert.equal(loading.status, 200);
  const provider = (await loading.text()).match(/\/_sandbox\/provider\/[^"<]+/)[0];
  const done = await fetch(new URL(provider, url), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'outcome=pass',
  });
  assert.equal(done.status, 200);

  // Back at the desk: refresh until P100's (the sandbox's) decision shows.
  const until = Date.now() + 20000;
  // P100's codes as the user page holds them (shown in words; the code in data-code).
  const code = (id) => s.script('return document.querySelector(`[data-testid="${arguments[0]}"] [data-code]`)?.dataset.code ?? null', [id]);
  let attempt = null;
  while (Date.now() < until && attempt !== 'SUCCESSFUL') {
    await click('kyc-refresh');
    await new Promise((r) => setTimeout(r, 700));
    attempt = await code('kyc-attempt');
  }
  assert.equal(attempt, 'SUCCESSFUL', 'the hosted check passed');
  assert.equal(await code('kyc-verification'), 'VERIFIED');
  assert.match(await s.text(await s.waitFor('[data-testid="kyc-verification"]')), /Verified/);
});
