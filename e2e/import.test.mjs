// Bulk onboarding in the real window, on the embedded sandbox: a messy CSV export (BOM, CRLF,
// semicolons, a quoted field with a semicolon and a line break, a Cyrillic name) is picked in
// the native dialog; the column the desk cannot guess is mapped by hand; the dry run refuses the
// bad rows at their fields and they are exported through the native save dialog; the job is
// sent at its pace, paused, resumed, and ends with every row's outcome; the roster shows the new
// users. Screenshots in target/e2e/.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { pickCsvInDialog, saveInDialog } from './dialog.mjs';
import { Session, byTestId, root, startDriver, dataFolder } from './webdriver.mjs';

const app = process.env.PARTNER_DESK_BIN ?? resolve(root, 'target/debug/partner-desk');
const files = mkdtempSync(join(tmpdir(), 'pd-import-'));
const csv = join(files, 'crm-export.csv');
const refusedCsv = join(files, 'refused.csv');
let driver;
let s;

before(async () => {
  assert.ok(existsSync(app), `build the app first: ${app}`);
  const rows = [
    'Customer ID;email;firstName;lastName;country;citizenship;hasAcceptedP100Tc;addressLine1',
    'imp-1;anna@example.com;Anna;Nowak;PL;PL;true;"Main St 1; flat 2"',
    'imp-2;olena@example.com;Олена;Шевченко;UA;UA;true;',
    'imp-3;not-an-email;Iga;Nowak;PL;PL;true;',
    'imp-4;ewa@example.com;Ewa;"Kowalska\r\nSmith";PL;PL;true;',
    'imp-1;again@example.com;Anna;Again;PL;PL;true;',
    'imp-5;zofia@example.com;Zofia;Wójcik;PL;PL;true;',
  ];
  writeFileSync(csv, `\uFEFF${rows.join('\r\n')}\r\n`);
  // Its own data folder (inside the session's, so the secrets scan still reads it): the other
  // files expect to start from an empty roster.
  const data = dataFolder('import-test');
  driver = await startDriver({ XDG_DATA_HOME: data });
  s = await Session.create(driver.base, app);
});

after(async () => {
  await s?.quit();
  driver?.stop();
});

async function click(testId) {
  await s.click(await s.waitFor(byTestId(testId)));
}

const text = async (testId) => s.text(await s.waitFor(byTestId(testId)));

test('a CSV picked in the native dialog is mapped by hand and dry-run, its refusals exported', async () => {
  await s.loaded();
  await s.waitFor(byTestId('roster-empty'));
  await click('import-open');
  await pickCsvInDialog(() => click('import-pick'), csv);
  assert.equal(await text('import-file'), 'crm-export.csv');
  // "Customer ID" is no field's name: nothing is planned until it is mapped.
  await s.waitFor(byTestId('import-mapping-problem'), { text: 'externalUserId' });
  await s.setValue(await s.waitFor(byTestId('import-map-0')), 'externalUserId');
  await s.waitFor(byTestId('import-summary'), { text: '6 rows' });
  assert.equal(await text('import-creates'), '3');
  assert.equal(await text('import-refused'), '3');
  const refusals = await s.script(
    'return [...document.querySelectorAll(\'[data-testid="import-refusal-fields"]\')].map((e) => e.textContent)',
  );
  // Row 3's e-mail, row 4's last name (a line break is no part of a name), row 5's repeated id.
  assert.deepEqual(refusals, ['email', 'lastName', 'externalUserId']);
  await s.screenshot('import-dry-run');
  await saveInDialog(() => click('import-export-refusals'), refusedCsv);
  await s.waitFor(byTestId('toast'), { text: 'refused rows' });
  const saved = readFileSync(refusedCsv, 'utf8');
  assert.match(saved, /^\uFEFFrow,externalUserId,outcome,fields,message\r\n3,imp-3,refused,email,/);
  assert.equal(saved.trim().split('\r\n').length, 4);
});

test('the job is sent at its pace, paused, resumed, and every row ends with its outcome', async () => {
  const pace = await s.waitFor(byTestId('import-per-second'));
  await s.cmd('POST', `/element/${pace}/clear`, {});
  await s.type(pace, '1');
  await click('import-start');
  const job = `${byTestId('import-job')}`;
  await s.waitFor(job);
  await s.waitUntil(
    'const j = document.querySelector(arguments[0]); return j && /[1-9]\\d* created/.test(j.textContent)',
    [job],
    { timeout: 30000, what: 'the first user is created' },
  );
  await click('import-pause');
  await s.waitUntil('return document.querySelector(arguments[0])?.dataset.state === "paused"', [job], {
    what: 'the job is paused',
  });
  await s.screenshot('import-paused');
  await click('import-resume');
  await s.waitUntil('return document.querySelector(arguments[0])?.dataset.state === "done"', [job], {
    timeout: 60000,
    what: 'the job is done',
  });
  assert.match(await text('import-job-counts'), /6 of 6 rows: 3 created, 0 tracked, 3 refused, 0 failed/);
  // The roster shows the new users (live, without a reload).
  await s.waitUntil(
    'const c = document.querySelector(arguments[0]); return c && c.textContent.startsWith("3 of 3")',
    [byTestId('roster-count')],
    { what: 'the roster shows the three new users' },
  );
  const names = await s.script(
    'return [...document.querySelectorAll(\'[data-testid="roster-name"]\')].map((e) => e.textContent).sort()',
  );
  assert.deepEqual(names, ['Anna Nowak', 'Zofia Wójcik', 'Олена Шевченко']);
  await s.screenshot('import-done');
});
