// End to end through every user operation in the real window, on the embedded sandbox:
// create → Method A files (picked in the real native dialog) → verification → active →
// balances; proof of address; suspend/unsuspend; delete. A screenshot of each screen lands in
// target/e2e/.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { pickInDialog, saveInDialog } from './dialog.mjs';
import { PICTURE, sideways, size } from './fits.mjs';
import { ELEMENT, Session, byTestId, root, startDriver } from './webdriver.mjs';

const app = process.env.PARTNER_DESK_BIN ?? resolve(root, 'target/debug/partner-desk');
const files = mkdtempSync(join(tmpdir(), 'pd-e2e-'));
const passport = join(files, 'passport.jpg');
const selfie = join(files, 'selfie.jpg');
const bills = ['utility-bill.pdf', 'bank-statement.pdf', 'lease.pdf'].map((name) => join(files, name));
let driver;
let s;

before(async () => {
  assert.ok(existsSync(app), `build the app first: ${app}`);
  // Real images (ImageMagick, installed by the test command) so thumbnails are real too.
  execFileSync('convert', ['-size', '640x420', 'xc:#dfe7f5', '-fill', '#23408e', '-draw', 'rectangle 30,30 250,300', passport]);
  execFileSync('convert', ['-size', '480x480', 'xc:#f4e2d8', '-fill', '#7a4b2a', '-draw', 'circle 240,220 240,90', selfie]);
  // 4.5 MiB each (scanned documents; the desk takes up to 5 MiB), padded with a PDF comment.
  for (const bill of bills) {
    writeFileSync(bill, '%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n2 0 obj <</Type /Pages /Kids [3 0 R] /Count 1>> endobj\n3 0 obj <</Type /Page /Parent 2 0 R>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n' + `%${'x'.repeat(4.5 * 1024 * 1024)}\n`);
  }
  // The embedded sandbox reads uploads at 2 MiB/s, as over a real uplink, so the proof of address
  // (13.5 MiB) takes a few seconds and its progress can be watched. The first ~4 MiB go at once:
  // loopback's socket buffers take them.
  driver = await startDriver({ PARTNER_DESK_SANDBOX_UPLINK_KIBPS: '2048' });
  s = await Session.create(driver.base, app);
  await size(s, ...PICTURE);
});

after(async () => {
  await s?.quit();
  driver?.stop();
});

const el = (id) => ({ [ELEMENT]: id });

async function text(testId, opts) {
  return s.text(await s.waitFor(byTestId(testId), opts));
}

/** A screenshot with `testId`'s panel scrolled into view. */
async function shot(name, testId) {
  await s.script('document.querySelector(arguments[0])?.scrollIntoView({ block: "center" })', [byTestId(testId)]);
  await new Promise((r) => setTimeout(r, 150));
  await s.screenshot(name);
}

async function click(testId) {
  await s.click(await s.waitFor(byTestId(testId)));
}

/** Clicks `refresh` until `testId` shows `want` (the sandbox decides after its review delay). */
// P100's status as the user page holds it: shown in words, the code in the tooltip (data-code).
const codeIs = 'return document.querySelector(`[data-testid="${arguments[0]}"] [data-code]`)?.dataset.code === arguments[1]';

async function refreshUntil(refresh, testId, want, timeout = 20000) {
  const deadline = Date.now() + timeout;
  let last = '';
  while (Date.now() < deadline) {
    await click(refresh);
    await new Promise((r) => setTimeout(r, 700));
    last = await text(testId).catch(() => '');
    if (last.includes(want)) return last;
  }
  throw new Error(`${testId} never showed ${want}; last: ${last}`);
}

let ext;

test('create a user who lives in a proof-of-address country', async () => {
  // The page may still be loading when the session starts.
  await s.loaded();
  await s.createUser({ email: 'mariam@example.com', firstName: 'Mariam', lastName: 'Beridze', country: 'GE', birthDate: '1988-04-12' });
  const row = await s.waitFor(byTestId('roster-row'));
  ext = await s.attr(row, 'data-external-user-id');
  await s.click(await s.waitFor(`${byTestId('roster-row')}[data-external-user-id="${ext}"] ${byTestId('roster-open')}`));
  await s.waitFor(byTestId('user-detail'), { text: 'Mariam' });
  await s.screenshot('user-detail');
});

test('Method A: files picked in the native dialog, uploaded with progress', async () => {
  await s.setValue(await s.waitFor(byTestId('kyc-document-type')), 'PASSPORT');
  await pickInDialog(() => click('kyc-pick-front'), passport);
  await s.waitFor(byTestId('kyc-slot-front'), { text: 'passport.jpg' });
  const thumb = await s.script('const i = document.querySelector(\'[data-testid="kyc-slot-front"] img\'); return i ? i.src.slice(0, 22) : null');
  assert.equal(thumb, 'data:image/png;base64,', 'a thumbnail made by the desk from the real file');
  await pickInDialog(() => click('kyc-pick-selfie'), selfie);
  await s.waitFor(byTestId('kyc-slot-selfie'), { text: 'selfie.jpg' });
  await shot('kyc-files', 'kyc-slot-front');
  // Record every value the progress bars take: the bars are fed by the Rust side's channel.
  await s.script(`window.__progress = [];
    new MutationObserver(() => document.querySelectorAll('progress[data-testid^="upload-progress-"]')
      .forEach((p) => window.__progress.push([p.dataset.testid, Number(p.value), Number(p.max)])))
      .observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['value', 'max'] });`);
  await click('kyc-upload');
  // This upload's own toast: the one from creating the user may still be showing, and reading
  // the bars before the answer would catch them mid-way (CI saw 0 of 6836 once).
  await s.waitFor(byTestId('toast'), { text: 'Sent the identity documents of' });
  const progress = await s.waitUntil('return window.__progress.length ? window.__progress : null', [], { what: 'progress reported' });
  const finals = new Map(progress.map(([id, value, max]) => [id, [value, max]]));
  assert.deepEqual([...finals.keys()].sort(), ['upload-progress-0', 'upload-progress-1'], 'one bar per file');
  for (const [id, [value, max]] of finals) assert.equal(value, max, `${id} reached 100%`);
  await s.waitUntil(codeIs, ['kyc-attempt', 'PENDING'], { what: 'KYC pending after upload' });
});

test('verification data, then the sandbox activates the user; balances show the IBAN', async () => {
  await s.setValue(await s.waitFor(byTestId('verify-documentType')), 'PASSPORT');
  await s.type(await s.waitFor(byTestId('verify-documentNumber')), 'AB1234567');
  await s.setValue(await s.waitFor(byTestId('verify-issuingCountry')), 'GE');
  await s.setValue(await s.waitFor(byTestId('verify-expiryDate')), '2031-06-30');
  await click('verify-submit');
  await s.waitUntil(codeIs, ['kyc-attempt', 'VERIFICATION'], { what: 'verification under review' });
  await click('tab-money');
  await refreshUntil('balances-refresh', 'balances', 'EUR');
  const balances = await text('balances');
  assert.match(balances, /LT\d{18}/, 'a Lithuanian IBAN');
  await refreshUntil('kyc-refresh', 'detail-status', 'Active');
  await click('copy-iban');
  const copied = await s.waitUntil(
    'const t = document.querySelector(\'[data-testid="copy-iban"]\').parentElement.textContent; return /Copied|Could not/.test(t) && t',
    [],
    { what: 'the copy result' },
  );
  assert.match(copied, /Copied/, 'the IBAN reached the clipboard');
  await shot('balances', 'balances');
});

test('transactions: paged, and exported to CSV through the native save dialog', async () => {
  await click('tx-apply'); // loaded when the user had no history yet
  await s.waitFor(byTestId('tx-row'));
  await shot('transactions', 'transactions');
  const csv = join(files, 'history.csv');
  await saveInDialog(() => click('tx-export'), csv);
  await s.waitFor(byTestId('tx-export-status'), { text: 'history.csv' });
  const lines = readFileSync(csv, 'utf8').replace(/^\uFEFF/, '').trim().split('\r\n');
  assert.equal(lines[0], 'id,createdAt,type,status,currency,amount,description');
  assert.ok(lines.length > 8, `the sandbox seeds at least 8 transactions: ${lines.length - 1}`);
});

test('the user page with balances and transactions fits 1024×700 and 1920×1080: nothing scrolls sideways', async () => {
  for (const [width, height] of [
    [1024, 700],
    [1920, 1080],
  ]) {
    await size(s, width, height);
    assert.deepEqual(await sideways(s), [], `sideways scrolling at ${width}×${height}`);
  }
  await size(s, ...PICTURE);
});

test('proof of address: three 4.5 MiB PDFs, their progress seen moving, then waiting for review', async () => {
  await click('tab-onboarding');
  for (const [i, bill] of bills.entries()) {
    await pickInDialog(() => click('poa-pick'), bill);
    await s.waitUntil('return document.querySelectorAll(arguments[0]).length === arguments[1]', [byTestId('poa-file'), i + 1], {
      what: `${i + 1} proof of address files listed`,
    });
  }
  // Every value each bar takes, with when.
  await s.script(`window.__progress = [];
    new MutationObserver(() => document.querySelectorAll('progress[data-testid^="upload-progress-"]')
      .forEach((p) => window.__progress.push([p.dataset.testid, Number(p.value), Number(p.max)])))
      .observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['value', 'max'] });`);
  await click('poa-upload');
  // Mid-way: a bar drawn part full.
  const mid = await s.waitUntil(
    `for (const p of document.querySelectorAll('progress[data-testid^="upload-progress-"]'))
       if (p.value > 0 && p.value < p.max * 0.95) return [p.dataset.testid, p.value];
     return null;`,
    [],
    { what: 'a proof of address file part sent', timeout: 15000 },
  );
  await shot('upload-progress', mid[0]);
  await s.waitUntil(codeIs, ['poa-status', 'WAITING'], { what: 'POA waiting', timeout: 30000 });
  const seen = await s.script('return window.__progress');
  const bars = new Map();
  for (const [id, value, max] of seen) bars.set(id, [...(bars.get(id) ?? []), [value, max]]);
  assert.deepEqual([...bars.keys()].sort(), ['upload-progress-0', 'upload-progress-1', 'upload-progress-2'], 'a bar per file');
  for (const [id, values] of bars) {
    assert.ok(values.every(([v], i) => i === 0 || v >= values[i - 1][0]), `${id} only goes up: ${values}`);
    assert.equal(values.at(-1)[0], values.at(-1)[1], `${id} reaches the whole file`);
  }
  const moving = bars.get(mid[0]).filter(([v, max]) => v > 0 && v < max);
  assert.ok(moving.length >= 2, `${mid[0]} was seen at several points on its way: ${bars.get(mid[0])}`);
  await shot('poa', 'poa-upload');
});

test('suspend with a reason, then unsuspend', async () => {
  // The proof of address's success toast sits fixed over the bottom right of the window, where
  // the Account panel's buttons can be: a click there lands on the toast. Wait for it to fade.
  await s.waitUntil('return !document.querySelector(arguments[0])', ['[data-testid="toast"]'], {
    timeout: 15000,
    what: 'the toast faded',
  });
  await click('action-suspend');
  await s.type(await s.waitFor(byTestId('suspend-reason')), 'Chargeback under investigation');
  await click('suspend-confirm');
  await s.waitUntil('return document.querySelector(\'[data-testid="detail-status"]\').textContent.includes("Suspended")', [], {
    what: 'suspended',
  });
  await shot('suspended', 'user-detail');
  await click('action-unsuspend');
  const confirm = await s.waitFor(byTestId('unsuspend-confirm'));
  await s.script('arguments[0].scrollIntoView({ block: "center" })', [{ [ELEMENT]: confirm }]);
  // What would take the click, if anything does (the suspension's toast, fixed bottom right).
  const over = await s.script(
    'const r = arguments[0].getBoundingClientRect(); const e = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2); return e === arguments[0] || arguments[0].contains(e) ? null : e?.outerHTML.slice(0, 120)',
    [{ [ELEMENT]: confirm }],
  );
  if (over) {
    await s.waitUntil('return !document.querySelector(arguments[0])', ['[data-testid="toast"]'], { timeout: 15000, what: `the toast faded (over the button: ${over})` });
  }
  await click('unsuspend-confirm');
  // The status badge, not the page: the timeline keeps the suspension on record.
  await s.waitUntil(
    'return !document.querySelector(\'[data-testid="detail-status"]\').textContent.includes("Suspended")',
    [],
    { what: 'unsuspended' },
  );
});

test('delete asks for the typed e-mail and leaves a tombstone', async () => {
  await click('action-delete');
  const confirm = await s.waitFor(byTestId('delete-confirm'));
  assert.equal(await s.script('return arguments[0].disabled', [el(confirm)]), true);
  await s.type(await s.waitFor(byTestId('delete-confirmation')), 'mariam@example.com');
  await s.screenshot('delete-confirm');
  await s.click(confirm);
  await s.waitFor(byTestId('roster'));
  await s.waitFor(`${byTestId('roster-row')}[data-external-user-id="${ext}"]`, { text: 'Deleted' });
  await s.screenshot('roster-after-delete');
});
