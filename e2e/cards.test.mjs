// End to end, a user's cards in the real window: a user onboarded and extended, a card created
// with its PIN typed twice, its number revealed and hidden again, then a suspension P100 refuses
// for the active card (P454) resolved by "block every active card, then suspend"; unsuspended
// and the card unblocked. The number appears on the page only while revealed. Then the user's
// money: funded from the partner balance (the balance changes without a reload), and an exchange
// with a 40-second rate lock, finalized.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { axeViolations, serious } from './axe.mjs';
import { clipboardText } from './desktop.mjs';
import { pickInDialog } from './dialog.mjs';
import { Session, byTestId, root, startDriver, dataFolder } from './webdriver.mjs';

const app = process.env.PARTNER_DESK_BIN ?? resolve(root, 'target/debug/partner-desk');
const files = mkdtempSync(join(tmpdir(), 'pd-cards-'));
const passport = join(files, 'passport.jpg');
const selfie = join(files, 'selfie.jpg');
let driver;
let s;

before(async () => {
  assert.ok(existsSync(app), `build the app first: ${app}`);
  execFileSync('convert', ['-size', '640x420', 'xc:#dfe7f5', passport]);
  execFileSync('convert', ['-size', '480x480', 'xc:#f4e2d8', selfie]);
  const data = dataFolder('cards-test');
  driver = await startDriver({ XDG_DATA_HOME: data });
  s = await Session.create(driver.base, app);
  await s.loaded();
});

after(async () => {
  await s?.quit();
  driver?.stop();
});

const click = async (testId) => s.click(await s.waitFor(byTestId(testId)));
const status = () => s.script('return document.querySelector(\'[data-testid="card-row"]\')?.dataset.status ?? null');
const pageText = () => s.script('return document.body.textContent');

test('a user is onboarded and extended', async () => {
  await s.createUser({ email: 'carla@example.com', firstName: 'Carla', lastName: 'Cardholder', country: 'PL' });
  await click('roster-open');
  await s.waitFor(byTestId('user-detail'), { text: 'Carla' });
  await s.setValue(await s.waitFor(byTestId('kyc-document-type')), 'PASSPORT');
  await pickInDialog(() => click('kyc-pick-front'), passport);
  await s.waitFor(byTestId('kyc-slot-front'), { text: 'passport.jpg' });
  await pickInDialog(() => click('kyc-pick-selfie'), selfie);
  await click('kyc-upload');
  await s.waitFor(byTestId('toast'), { text: 'Sent the identity documents of' });
  await s.setValue(await s.waitFor(byTestId('verify-documentType')), 'PASSPORT');
  await s.type(await s.waitFor(byTestId('verify-documentNumber')), 'PL7770001');
  await s.setValue(await s.waitFor(byTestId('verify-issuingCountry')), 'PL');
  await s.setValue(await s.waitFor(byTestId('verify-expiryDate')), '2033-03-03');
  await click('verify-submit');
  // The sandbox decides and its webhook moves the page (live sync).
  await s.waitFor(byTestId('detail-stage'), { text: 'Active', timeout: 30000 });
  await click('action-extend');
  await s.waitFor(byTestId('toast'), { text: 'now has the extended level' });
});

test('a card is created with its PIN typed twice; its number shows only while revealed', async () => {
  await click('tab-cards');
  await s.waitFor(byTestId('cards-empty'));
  await s.type(await s.waitFor(byTestId('card-label')), 'Groceries');
  await s.type(await s.waitFor(byTestId('card-pin')), '2580');
  await s.type(await s.waitFor(byTestId('card-pinAgain')), '2581');
  await click('card-create');
  await s.waitFor(byTestId('card-error-pinAgain'), { text: 'The two PINs differ' });
  await s.type(await s.waitFor(byTestId('card-pinAgain')), '2580');
  await click('card-create');
  await s.waitFor(byTestId('toast'), { text: 'Card “Groceries” created' });
  await s.waitFor(byTestId('card-row'), { text: 'Groceries' });
  assert.equal(await status(), 'ACTIVE');
  const last4 = (await s.content(await s.waitFor(byTestId('card-row')))).match(/•••• (\d{4})/)[1];

  await click('card-reveal');
  const number = (await s.content(await s.waitFor(byTestId('card-number')))).replaceAll(' ', '');
  assert.match(number, /^\d{16}$/);
  assert.ok(number.endsWith(last4), 'the revealed card is the listed one');
  assert.match(await s.content(await s.waitFor(byTestId('card-hides-in'))), /hidden again in \d+ s/);
  assert.deepEqual(serious(await axeViolations(s)), [], 'axe with a card revealed');
  await s.screenshot('cards');
  await click('card-hide');
  await s.waitUntil('return !document.querySelector(\'[data-testid="card-number"]\')', [], { what: 'the number hidden' });
  assert.ok(!(await pageText()).includes(number), 'the number left the page');

  // Copied by Rust, not the page: on the clipboard for 30 s, then gone.
  await click('card-copy');
  await s.waitFor(byTestId('card-copied'), { text: `ending ${last4} is on the clipboard for 30 s` });
  assert.equal(clipboardText(), number);
  assert.ok(!(await pageText()).includes(number), 'the copy did not pass through the page');
  await new Promise((r) => setTimeout(r, 31_000));
  assert.equal(clipboardText(), '', 'the clipboard was emptied after 30 s');
});

test('P454: the suspension waits for the active card; one action blocks it and suspends', async () => {
  await click('tab-onboarding');
  await click('action-suspend');
  await s.type(await s.waitFor(byTestId('suspend-reason')), 'Card used from two countries at once');
  await click('suspend-confirm');
  await s.waitFor(byTestId('suspend-p454'), { text: 'active cards' });
  await click('suspend-block-cards');
  await s.waitFor(byTestId('detail-status'), { text: 'Suspended' });
  await click('tab-cards');
  await s.waitUntil('return document.querySelector(\'[data-testid="card-row"]\')?.dataset.status === "LOCKED_BY_USER"', [], {
    what: 'the card blocked',
  });
  assert.match(await s.content(await s.waitFor(byTestId('card-row'))), /Blocked/);
});

test('unsuspended, the card is unblocked and pays again', async () => {
  await click('tab-onboarding');
  await click('action-unsuspend');
  await click('unsuspend-confirm');
  await s.waitFor(byTestId('detail-status'), { text: 'Active' });
  await click('tab-cards');
  await click('card-unblock');
  await s.waitUntil('return document.querySelector(\'[data-testid="card-row"]\')?.dataset.status === "ACTIVE"', [], {
    what: 'the card active again',
  });
  await click('tab-onboarding');
  const kinds = await s.waitUntil(
    `const k = [...document.querySelectorAll('[data-testid="timeline-event"]')].map((e) => e.dataset.kind);
     return k.includes('unsuspended') && k`,
    [],
    { what: 'the timeline loaded' },
  );
  for (const kind of ['cardCreated', 'cardChanged', 'suspended', 'unsuspended']) {
    assert.ok(kinds.includes(kind), `${kind} on the timeline: ${kinds.join(', ')}`);
  }
});

/** The user's balance of `currency` on the Money tab, as P100 wrote it. */
const held = (currency) =>
  s.script(
    `const row = [...document.querySelectorAll('[data-testid="fiat-row"], [data-testid="crypto-row"]')]
       .find((r) => r.querySelector('td')?.textContent === arguments[0].toUpperCase());
     return row?.querySelector('.amount')?.dataset.amount ?? null`,
    [currency],
  );

test('the user is funded from the partner balance and the balance changes without a reload', async () => {
  await click('tab-money');
  await s.waitFor(byTestId('fiat-row'));
  const before = Number(await held('eur'));
  await s.type(await s.waitFor(byTestId('transfer-amount')), '250.755');
  await click('transfer-submit');
  await s.waitFor(byTestId('transfer-error-amount'), { text: 'At most 2 decimal places for EUR' });
  await s.type(await s.waitFor(byTestId('transfer-amount')), '250.75');
  await click('transfer-submit');
  await click('transfer-confirm');
  await s.waitFor(byTestId('toast'), { text: 'Funded 250.75 EUR' });
  await s.waitUntil('return document.querySelector(\'[data-testid="fiat-row"] .amount\')?.dataset.amount === arguments[0]', [
    (before + 250.75).toFixed(2),
  ], { what: 'the EUR balance up by 250.75' });
  assert.deepEqual(serious(await axeViolations(s)), [], 'axe on the Money tab');
});

test('a rate is locked for 40 s and the exchange is finalized with it', async () => {
  const [eur, btc] = [Number(await held('eur')), Number(await held('btc'))];
  await s.type(await s.waitFor(byTestId('exchange-amount')), '100');
  await click('exchange-lock');
  await s.waitFor(byTestId('exchange-countdown'), { text: 'lock holds for' });
  assert.match(await s.content(await s.waitFor(byTestId('exchange-quote'))), /1 EUR = [\d.e-]+ BTC · fee 1\.49%/);
  await s.screenshot('money');
  await click('exchange-submit');
  await click('exchange-confirm');
  await s.waitUntil('return document.querySelector(\'[data-testid="exchange-result"]\')?.dataset.status === "COMPLETED"', [], {
    what: 'the exchange completed at P100',
    timeout: 20000,
  });
  await s.waitUntil('return document.querySelector(\'[data-testid="fiat-row"] .amount\')?.dataset.amount === arguments[0]', [
    (eur - 100).toFixed(2),
  ], { what: 'the EUR balance down by 100' });
  await s.waitUntil(
    `const row = [...document.querySelectorAll('[data-testid="crypto-row"]')].find((r) => r.querySelector('td')?.textContent === 'BTC');
     return Number(row?.querySelector('.amount')?.dataset.amount) > arguments[0]`,
    [btc],
    { what: 'BTC bought' },
  );
  await click('tab-onboarding');
  const kinds = await s.waitUntil(
    `const k = [...document.querySelectorAll('[data-testid="timeline-event"]')].map((e) => e.dataset.kind);
     return k.includes('exchanged') && k`,
    [],
    { what: 'the moves on the timeline' },
  );
  assert.ok(kinds.includes('transferred'), kinds.join(', '));
});
