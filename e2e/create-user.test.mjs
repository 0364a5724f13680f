// End to end: the real partner-desk binary, in a real WebKitGTK window under Xvfb, driven by
// WebDriver. It starts on the embedded sandbox (the default), refuses an incomplete form at the
// fields, creates a user and shows the user in the roster, and keeps an API key in the OS
// keychain without ever showing it.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { ELEMENT, Session, byTestId, root, startDriver } from './webdriver.mjs';

const app = process.env.PARTNER_DESK_BIN ?? resolve(root, 'target/debug/partner-desk');
let driver;
let s;

before(async () => {
  assert.ok(existsSync(app), `build the app first: ${app}`);
  driver = await startDriver();
  s = await Session.create(driver.base, app);
});

after(async () => {
  await s?.quit();
  driver?.stop();
});

test('the app opens on the embedded sandbox', async () => {
  const env = await s.waitFor(byTestId('env-select'));
  // The select shows "Loading…" until the desk answers; then it must say Sandbox, the default.
  const kind = await s.waitUntil('return arguments[0].disabled ? null : arguments[0].value', [{ [ELEMENT]: env }], {
    what: 'the environment is loaded',
  });
  assert.equal(kind, 'sandbox');
  await s.waitFor(byTestId('roster-empty'));
  assert.equal((await s.findAll(byTestId('production-banner'))).length, 0);
});

test('an incomplete form is refused at the fields and keeps what was typed', async () => {
  await s.click(await s.waitFor(byTestId('nav-new-user')));
  await s.type(await s.waitFor(byTestId('field-email')), 'not-an-email');
  await s.type(await s.waitFor(byTestId('field-firstName')), 'Ada');
  await s.click(await s.waitFor(byTestId('create-submit')));

  await s.waitFor(byTestId('error-email'), { text: 'email' });
  await s.waitFor(byTestId('error-hasAcceptedP100Tc'));
  await s.waitFor(byTestId('error-lastName'));
  assert.equal(await s.script('return document.querySelector(\'[data-testid="field-firstName"]\').value'), 'Ada');
  await s.screenshot('form-errors');
});

test('a complete form creates the user, who appears in the roster', async () => {
  await s.type(await s.waitFor(byTestId('field-email')), 'ada@example.com');
  await s.type(await s.waitFor(byTestId('field-lastName')), 'Lovelace');
  await s.type(await s.waitFor(byTestId('field-phone')), '48500000000');
  await s.type(await s.waitFor(byTestId('field-city')), 'Warsaw');
  await s.setValue(await s.waitFor(byTestId('field-country')), 'PL');
  await s.setValue(await s.waitFor(byTestId('field-citizenship')), 'PL');
  await s.setValue(await s.waitFor(byTestId('field-birthDate')), '1990-01-31');
  await s.click(await s.waitFor(byTestId('field-hasAcceptedP100Tc')));
  await s.screenshot('form-filled');
  await s.click(await s.waitFor(byTestId('create-submit')));

  await s.waitFor(byTestId('toast'), { text: 'Ada Lovelace' });
  const row = await s.waitFor(byTestId('roster-row'));
  assert.match(await s.attr(row, 'data-external-user-id'), /^[0-9a-f-]{36}$/);
  // The cells end in an ellipsis when too narrow; their text is what a person reads (and hovers).
  assert.equal(await s.content(await s.waitFor(byTestId('roster-name'))), 'Ada Lovelace');
  assert.equal(await s.content(await s.waitFor(byTestId('roster-email'))), 'ada@example.com');
  assert.match(await s.content(await s.waitFor(byTestId('roster-status'))), /waiting/i);
  assert.equal((await s.findAll(byTestId('roster-row'))).length, 1);

  const shot = await s.screenshot('roster');
  assert.ok(statSync(shot).size > 10_000, 'a real picture of the window');
});

test('a key is stored in the real Secret Service, never shown, and removed', async () => {
  const secret = 'e2e-staging-key-7f3a9c';
  await s.click(await s.waitFor(byTestId('nav-settings')));
  await s.waitFor(byTestId('cred-status-staging'), { text: 'No key' });
  await s.type(await s.waitFor(byTestId('cred-input-staging')), secret);
  await s.click(await s.waitFor(byTestId('cred-save-staging')));
  await s.waitFor(byTestId('cred-status-staging'), { text: 'Key set' });

  const page = await s.script(
    'return document.documentElement.outerHTML + [...document.querySelectorAll("input")].map((i) => i.value).join("|")',
  );
  assert.ok(!page.includes(secret), 'the key appears nowhere in the page after saving');
  await s.screenshot('settings');
  // A second client of the same Secret Service finds it under the desk's service name.
  const stored = execFileSync('secret-tool', ['lookup', 'service', 'io.partnerdesk.app', 'username', 'api-key/staging']);
  assert.equal(stored.toString().trim(), secret);

  await s.click(await s.waitFor(byTestId('cred-remove-staging')));
  await s.click(await s.waitFor(byTestId('cred-remove-confirm-staging')));
  await s.waitFor(byTestId('cred-status-staging'), { text: 'No key' });
});
