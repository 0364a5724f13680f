// The onboarding board in the real window: a user's card sits in "Verification submitted"
// while the embedded sandbox reviews (slowed to 15 s for the test, so a loaded machine still sees it), then moves to "Active" with
// no click — the sandbox's webhook reaches the desk's receiver and the roster follows. Then the
// funnel, the user's timeline and the journal. Screenshots in target/e2e/.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { pickInDialog } from './dialog.mjs';
import { PICTURE, size } from './fits.mjs';
import { Session, byTestId, root, startDriver, dataFolder } from './webdriver.mjs';

const app = process.env.PARTNER_DESK_BIN ?? resolve(root, 'target/debug/partner-desk');
const files = mkdtempSync(join(tmpdir(), 'pd-board-'));
const passport = join(files, 'passport.jpg');
const selfie = join(files, 'selfie.jpg');
let driver;
let s;
let ext;

before(async () => {
  assert.ok(existsSync(app), `build the app first: ${app}`);
  execFileSync('convert', ['-size', '640x420', 'xc:#e4ecf7', '-fill', '#1d3f7a', '-draw', 'rectangle 40,40 260,320', passport]);
  execFileSync('convert', ['-size', '480x480', 'xc:#f1e6da', '-fill', '#6b4226', '-draw', 'circle 240,220 240,90', selfie]);
  // Its own data folder (inside the session's, so the secrets scan still reads it): the other
  // files expect to start from an empty roster.
  const data = dataFolder('board-test');
  driver = await startDriver({ PARTNER_DESK_SANDBOX_REVIEW_MS: '15000', XDG_DATA_HOME: data });
  s = await Session.create(driver.base, app);
  await size(s, ...PICTURE);
});

after(async () => {
  await s?.quit();
  driver?.stop();
});

async function click(testId) {
  await s.click(await s.waitFor(byTestId(testId)));
}

const card = (stage) => `${byTestId(`column-${stage}`)} ${byTestId('card')}[data-external-user-id="${ext}"]`;

test('create a user and submit Method A verification', async () => {
  await s.loaded();
  await s.createUser({ email: 'nino.board@example.com', firstName: 'Nino', lastName: 'Kapanadze', birthDate: '1990-02-03' });
  const row = await s.waitFor(`${byTestId('roster-row')}`, { text: 'Nino Kapanadze' });
  ext = await s.attr(row, 'data-external-user-id');

  await click('nav-board');
  await s.waitFor(card('created'));
  await s.click(await s.waitFor(card('created')));
  await s.waitFor(byTestId('detail-stage'), { text: 'Created' });
  await s.choose('kyc-document-type', 'PASSPORT');
  await pickInDialog(() => click('kyc-pick-front'), passport);
  await s.waitFor(byTestId('kyc-slot-front'), { text: 'passport.jpg' });
  await pickInDialog(() => click('kyc-pick-selfie'), selfie);
  await s.waitFor(byTestId('kyc-slot-selfie'), { text: 'selfie.jpg' });
  await click('kyc-upload');
  await s.waitFor(byTestId('detail-stage'), { text: 'Identity documents' });
  await s.choose('verify-documentType', 'PASSPORT');
  await s.type(await s.waitFor(byTestId('verify-documentNumber')), 'PL7654321');
  await s.choose('verify-issuingCountry', 'PL');
  await s.setValue(await s.waitFor(byTestId('verify-expiryDate')), '2032-09-30');
  await click('verify-submit');
  // Either the stage moves, or the panel says why not (shown in the failure, not a bare timeout).
  const outcome = await s.waitUntil(
    `const stage = document.querySelector('[data-testid="detail-stage"]').textContent;
     const error = document.querySelector('[data-testid="verify-error"]')?.textContent ?? '';
     const fields = [...document.querySelectorAll('[id^="verify-"][aria-invalid="true"]')].map((e) => e.id).join(',');
     return stage.includes('Verification submitted') ? 'submitted' : (error || fields) ? 'refused: ' + error + ' ' + fields : null;`,
    [],
    { what: 'the verification answered' },
  );
  assert.equal(outcome, 'submitted');
});

test('the card moves from "Verification submitted" to "Active" with no click', async () => {
  await click('detail-back');
  await s.waitFor(byTestId('board'));
  await s.waitFor(card('verificationSubmitted'), { text: "Waiting for P100's review" });
  await s.screenshot('board');
  // From here on the test only watches: no click, no reload.
  const moved = await s.waitUntil(
    'return document.querySelector(arguments[0]) ? Date.now() : null',
    [card('active')],
    { timeout: 45000, what: 'the card reaches Active' },
  );
  assert.ok(moved);
  assert.equal(await s.script('return document.querySelector(arguments[0])', [card('verificationSubmitted')]), null);
  await s.waitUntil('return document.querySelector(arguments[0]).textContent.trim() !== "0"', [byTestId('funnel-active')]);
  await s.script('document.querySelector(arguments[0]).scrollIntoView({ block: "start" })', [byTestId('funnel')]);
  await s.screenshot('funnel');
  await s.screenshot('board-active');
});

test('the timeline shows the operator, the uploads with thumbnails and the webhooks', async () => {
  await s.click(await s.waitFor(card('active')));
  await s.waitFor(byTestId('detail-stage'), { text: 'Active' });
  // The sandbox's webhooks are claims on the timeline, each confirmed by P100's own answer.
  await s.waitFor(`${byTestId('timeline-event')}[data-kind="webhookClaim"]`, { text: 'confirmed by P100' });
  const kinds = await s.script(
    'return [...document.querySelectorAll(\'[data-testid="timeline-event"]\')].map((e) => e.dataset.kind)',
  );
  for (const k of ['created', 'kycFilesUploaded', 'verificationSubmitted', 'webhookClaim', 'activated']) {
    assert.ok(kinds.includes(k), `${k} in ${kinds}`);
  }
  const thumbs = await s.script(
    'return [...document.querySelectorAll(\'[data-kind="kycFilesUploaded"] img\')].map((i) => i.src.slice(0, 22))',
  );
  assert.deepEqual(thumbs, ['data:image/png;base64,', 'data:image/png;base64,']);
  await s.script('document.querySelector(arguments[0]).scrollIntoView({ block: "start" })', [byTestId('timeline')]);
  await s.screenshot('timeline');
});

test('the journal lists the operations and filters by outcome', async () => {
  await click('nav-journal');
  await s.waitFor(byTestId('journal-row'), { text: 'Submit verification' });
  await s.setValue(await s.waitFor(byTestId('journal-operation')), 'createUser');
  await s.waitUntil(
    'const r = [...document.querySelectorAll(\'[data-testid="journal-row"]\')]; return r.length > 0 && r.every((x) => x.querySelector(\'[data-code]\')?.dataset.code === "createUser")',
    [],
    { what: 'only createUser lines' },
  );
  await s.screenshot('journal');
});
