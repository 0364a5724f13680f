// End to end by keyboard alone: create a user, upload an ID and a selfie, submit verification,
// with every key pressed on the real X keyboard (xdotool, into the focused app window) and the
// native file chooser driven by keys too. WebDriver only watches: where the focus is, what the
// page says. No click, no WebDriver typing. Then P100 rejects the verification, and the desktop
// notification service (dunst, on the test session's bus) shows that the user needs action.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { pickInDialog } from './dialog.mjs';
import { Session, byTestId, root, startDriver, dataFolder } from './webdriver.mjs';
import { alive, notifications, visibleWindow, xdotool } from './desktop.mjs';

const app = process.env.PARTNER_DESK_BIN ?? resolve(root, 'target/debug/partner-desk');
const files = mkdtempSync(join(tmpdir(), 'pd-keyboard-'));
const passport = join(files, 'passport.jpg');
const selfie = join(files, 'selfie.jpg');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let driver;
let s;
let win;

before(async () => {
  assert.ok(existsSync(app), `build the app first: ${app}`);
  execFileSync('convert', ['-size', '640x420', 'xc:#dfe7f5', '-fill', '#23408e', '-draw', 'rectangle 30,30 250,300', passport]);
  execFileSync('convert', ['-size', '480x480', 'xc:#f4e2d8', '-fill', '#7a4b2a', '-draw', 'circle 240,220 240,90', selfie]);
  const data = dataFolder('keyboard-test');
  driver = await startDriver({ XDG_DATA_HOME: data });
  s = await Session.create(driver.base, app);
  await s.loaded();
  await s.waitFor(byTestId('roster-empty'));
  win = visibleWindow();
  assert.ok(win, 'the app window is on the X display');
  focusWindow();
});

after(async () => {
  await s?.quit();
  driver?.stop();
});

/** There is no window manager: the keyboard's window is set directly. */
function focusWindow() {
  xdotool('windowfocus', '--sync', win);
}

async function press(...keys) {
  xdotool('key', '--clearmodifiers', '--delay', '40', ...keys);
  await sleep(120);
}

async function typeText(text) {
  xdotool('type', '--delay', '20', text);
  await sleep(120);
}

/** The test id (or id, or tag) of what has the focus. */
const focused = () =>
  s.script('const a = document.activeElement; return a ? a.dataset.testid || a.id || a.tagName.toLowerCase() : null');

/** Presses Tab (Shift+Tab backwards) until `testId` has the focus, as a person tabbing through. */
async function tabTo(testId, { back = false, max = 150 } = {}) {
  const seen = [];
  for (let i = 0; i < max; i++) {
    const now = await focused();
    if (now === testId) return i;
    seen.push(now);
    await press(back ? 'shift+Tab' : 'Tab');
  }
  throw new Error(`Tab never reached ${testId}; went through ${seen.join(' → ')}`);
}

const value = (testId) => s.script('return document.querySelector(arguments[0]).value', [byTestId(testId)]);
const codeIs = 'return document.querySelector(`[data-testid="${arguments[0]}"] [data-code]`)?.dataset.code === arguments[1]';

/** Types into the focused field and checks that the page took it. */
async function fill(testId, text) {
  await tabTo(testId);
  await press('ctrl+a');
  await typeText(text);
  assert.equal(await value(testId), text, `${testId} took the typed text`);
}

/** Picks an option of the focused <select> by typing the start of its label. */
async function choose(testId, label, want) {
  await tabTo(testId);
  await typeText(label);
  await s.waitUntil('return document.querySelector(arguments[0]).value === arguments[1]', [byTestId(testId), want], {
    what: `${testId} = ${want} by typing ${label}`,
  });
}

/** A date field, whichever way WebKitGTK draws it: a text box, or day/month/year parts. */
async function date(testId, iso) {
  await tabTo(testId);
  const [y, m, d] = iso.split('-');
  const parts = await s.script(
    'const e = document.querySelector(arguments[0]); return e.type === "date" ? new Intl.DateTimeFormat().formatToParts(new Date(2000, 10, 22)).filter((p) => p.type !== "literal").map((p) => p.type) : null',
    [byTestId(testId)],
  );
  if (parts === null) {
    await press('ctrl+a');
    await typeText(iso);
  } else {
    // WebKitGTK draws the date as parts in the locale's order; typed digits stay in their part,
    // and Tab moves to the next.
    for (const [i, p] of parts.entries()) {
      if (i > 0) await press('Tab');
      await typeText(p === 'year' ? y : p === 'month' ? m : d);
    }
  }
  await s.waitUntil('return document.querySelector(arguments[0]).value === arguments[1]', [byTestId(testId), iso], {
    what: `${testId} = ${iso}`,
  });
}

let ext;

test('Ctrl+K, "new user", Enter: the form, with the focus at its heading', async () => {
  await press('ctrl+k');
  assert.equal(await focused(), 'palette-input');
  await typeText('new user');
  await s.waitFor(byTestId('palette-item'), { text: 'Go to New user' });
  await press('Return');
  await s.waitFor(byTestId('field-email'));
  await s.waitUntil('return document.activeElement?.tagName === "H1" && document.activeElement.textContent', [], {
    what: 'the focus on the new screen heading',
  });
});

test('the form by keyboard: fields typed, countries and date picked by keys, the terms ticked with Space', async () => {
  await fill('field-email', 'keys@example.com');
  await fill('field-firstName', 'Kira');
  await fill('field-lastName', 'Keyboard');
  await fill('field-city', 'Tbilisi');
  await choose('field-country', 'Georgia', 'GE');
  await choose('field-citizenship', 'Georgia', 'GE');
  await date('field-birthDate', '1990-03-14');
  await tabTo('field-hasAcceptedP100Tc');
  await press('space');
  assert.equal(await s.script('return document.querySelector(arguments[0]).checked', [byTestId('field-hasAcceptedP100Tc')]), true);
  await tabTo('create-submit');
  await press('Return');
  await s.waitFor(byTestId('toast'), { text: 'Kira Keyboard' });
});

test('/ searches, Down enters the list, Enter opens the user', async () => {
  await press('slash');
  assert.equal(await focused(), 'roster-search');
  await typeText('kira');
  await s.waitUntil('return document.querySelector(\'[data-testid="roster-count"]\').textContent.startsWith("1 of")', [], {
    what: 'one user found',
  });
  await press('Down');
  assert.equal(await focused(), 'roster-open');
  ext = await s.script('return document.activeElement.closest("tr").dataset.externalUserId');
  await press('Return');
  await s.waitFor(byTestId('user-detail'), { text: 'Kira' });
  assert.equal(await focused(), 'detail-name');
});

test('documents picked in the native chooser and uploaded by keyboard', async () => {
  await choose('kyc-document-type', 'Passport', 'PASSPORT');
  await tabTo('kyc-pick-front');
  await pickInDialog(() => press('Return'), passport);
  focusWindow();
  await s.waitFor(byTestId('kyc-slot-front'), { text: 'passport.jpg' });
  await tabTo('kyc-pick-selfie');
  await pickInDialog(() => press('Return'), selfie);
  focusWindow();
  await s.waitFor(byTestId('kyc-slot-selfie'), { text: 'selfie.jpg' });
  await tabTo('kyc-upload');
  await press('Return');
  await s.waitFor(byTestId('toast'), { text: 'Sent the identity documents of' });
  await s.waitUntil(codeIs, ['kyc-attempt', 'PENDING'], { what: 'KYC pending after upload' });
});

test('verification submitted by keyboard', async () => {
  await choose('verify-documentType', 'Passport', 'PASSPORT');
  // The sandbox rejects this number after its review: the next test's notification.
  await fill('verify-documentNumber', 'REJECT_DOCUMENT_DAMAGED');
  await choose('verify-issuingCountry', 'Georgia', 'GE');
  await date('verify-expiryDate', '2032-07-31');
  await tabTo('verify-submit');
  await press('Return');
  await s.waitUntil(codeIs, ['kyc-attempt', 'VERIFICATION'], { what: 'verification under review' });
  assert.ok(ext, 'the user opened from the roster by keyboard');
});

/** The notifications dunst has shown, newest first (closed first: history holds closed ones). */
test('P100 rejects: the user moves to Needs action and a desktop notification says why', async (t) => {
  await s.waitUntil(codeIs, ['kyc-attempt', 'REJECTED_BY_PROVIDER'], { what: 'the verification rejected', timeout: 20000 });
  const deadline = Date.now() + 10000;
  let shown = [];
  while (Date.now() < deadline) {
    shown = notifications();
    if (shown.some((n) => n.summary === 'Kira Keyboard needs action')) break;
    await sleep(250);
  }
  t.diagnostic(`notifications shown: ${JSON.stringify(shown)}`);
  const told = shown.filter((n) => n.summary === 'Kira Keyboard needs action');
  assert.equal(told.length, 1, 'told once');
  assert.equal(told[0].app, 'Partner Desk');
  assert.ok(told[0].body.length > 0, 'the notification says why');
});

test('Ctrl+Q quits: the window and the process are gone', async () => {
  const pid = Number(xdotool('getwindowpid', win));
  assert.ok(pid > 0, 'the window belongs to a process');
  focusWindow();
  await press('ctrl+q');
  const deadline = Date.now() + 10000;
  while (alive(pid) && Date.now() < deadline) await sleep(100);
  assert.equal(alive(pid), false, 'the desk process has left');
  assert.equal(visibleWindow(), undefined, 'no window left');
});
