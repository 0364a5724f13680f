// End to end, every screen and state of the real window under two checks:
// - axe-core, run inside the WebKitGTK page, over each screen empty and filled, with a form's
//   errors showing and with each dialog open: no serious or critical violation;
// - fitting the window: at 1024×700 and at 1920×1080 no box scrolls sideways (the board alone
//   may), measured in the page as scrollWidth against clientWidth.
// The results per screen land in target/e2e/axe.json; the README's screenshots (1280×800) are
// taken along the way into target/e2e/readme/.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { axeViolations, serious } from './axe.mjs';
import { PICTURE, sideways, size } from './fits.mjs';
import { Session, byTestId, root, shotDir, startDriver, dataFolder } from './webdriver.mjs';

const app = process.env.PARTNER_DESK_BIN ?? resolve(root, 'target/debug/partner-desk');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let driver;
let s;
const results = {};

before(async () => {
  assert.ok(existsSync(app), `build the app first: ${app}`);
  const data = dataFolder('screens-test');
  driver = await startDriver({ XDG_DATA_HOME: data });
  s = await Session.create(driver.base, app);
  await s.loaded();
  await size(s, ...PICTURE);
});

after(async () => {
  mkdirSync(shotDir, { recursive: true });
  writeFileSync(join(shotDir, 'axe.json'), JSON.stringify(results, null, 2));
  await s?.quit();
  driver?.stop();
});

/** A README picture: the page at its top, as an operator first sees it. */
async function picture(name) {
  await s.script('document.scrollingElement.scrollTop = 0');
  await sleep(150);
  await s.screenshot(`readme/${name}`);
}

async function click(testId) {
  await s.click(await s.waitFor(byTestId(testId)));
}

/** Runs axe-core in the page; records every violation, and returns the serious and critical. */
async function axe(state) {
  const violations = await axeViolations(s);
  results[state] = violations;
  return serious(violations);
}

async function noSeriousViolations(state) {
  const bad = await axe(state);
  assert.deepEqual(bad, [], `axe on ${state}: ${JSON.stringify(bad, null, 1)}`);
}

const screens = [
  ['roster', async () => click('nav-roster').then(() => s.waitFor(byTestId('roster')))],
  ['board', async () => click('nav-board').then(() => s.waitFor(byTestId('board')))],
  ['new user', async () => click('nav-new-user').then(() => s.waitFor(byTestId('field-email')))],
  ['journal', async () => click('nav-journal').then(() => s.waitFor(byTestId('journal-export')))],
  ['settings', async () => click('nav-settings').then(() => s.waitFor(byTestId('nav-settings')))],
  ['user page', async () => {
    await click('nav-roster');
    await click('roster-open');
    await s.waitFor(byTestId('user-detail'));
  }],
];

test('axe: the first start, every screen empty', async () => {
  await s.waitFor(byTestId('roster-empty'));
  await noSeriousViolations('roster, empty');
  await click('nav-board');
  await s.waitFor(byTestId('board'));
  await noSeriousViolations('board, empty');
  await click('nav-journal');
  await s.waitFor(byTestId('journal-export'));
  await noSeriousViolations('journal, empty');
  await click('nav-settings');
  await sleep(300);
  await noSeriousViolations('settings');
  await click('nav-new-user');
  await s.waitFor(byTestId('field-email'));
  await noSeriousViolations('new user, empty');
});

test('axe: a form refused at its fields, then filled and created', async () => {
  await click('create-submit');
  await s.waitFor(byTestId('error-email'));
  await noSeriousViolations('new user, errors at the fields');
  await s.type(await s.waitFor(byTestId('field-email')), 'ines@example.com');
  await s.type(await s.waitFor(byTestId('field-firstName')), 'Inês');
  await s.type(await s.waitFor(byTestId('field-lastName')), 'Albuquerque de Vasconcelos Sampaio');
  await s.type(await s.waitFor(byTestId('field-city')), 'Lisboa');
  await s.setValue(await s.waitFor(byTestId('field-country')), 'PT');
  await s.setValue(await s.waitFor(byTestId('field-citizenship')), 'PT');
  await s.setValue(await s.waitFor(byTestId('field-birthDate')), '1991-02-03');
  await click('field-hasAcceptedP100Tc');
  await noSeriousViolations('new user, filled');
  await picture('new-user');
  await click('create-submit');
  await s.waitFor(byTestId('toast'), { text: 'Inês' });
  await s.waitFor(byTestId('roster-row'));
  await noSeriousViolations('roster, filled, with a toast');
  await picture('roster');
});

test('axe: the filled screens and the user page', async () => {
  for (const [name, go] of screens) {
    await go();
    await sleep(200);
    await noSeriousViolations(`${name}, filled`);
  }
  await picture('user-detail');
});

test('axe: each dialog open', async () => {
  await click('action-delete');
  await s.waitFor(byTestId('confirm-dialog'));
  await noSeriousViolations('user page, delete confirmation open');
  await s.script('document.querySelector(\'[data-testid="confirm-dialog"]\').dispatchEvent(new Event("cancel", { cancelable: true }))');
  await s.waitUntil('return !document.querySelector(\'[data-testid="confirm-dialog"]\')');

  await click('nav-roster');
  await click('track-open');
  await s.waitFor(byTestId('track-dialog'));
  await noSeriousViolations('roster, track dialog open');
  await s.script('document.querySelector(\'[data-testid="track-dialog"]\').dispatchEvent(new Event("cancel", { cancelable: true }))');
  await s.waitUntil('return !document.querySelector(\'[data-testid="track-dialog"]\')');

  await click('import-open');
  await s.waitFor(byTestId('import-dialog'));
  await noSeriousViolations('roster, import dialog open');
  await s.script('document.querySelector(\'[data-testid="import-dialog"]\').dispatchEvent(new Event("cancel", { cancelable: true }))');
  await s.waitUntil('return !document.querySelector(\'[data-testid="import-dialog"]\')');

  // The palette, as the keyboard opens it.
  await s.script('document.body.dispatchEvent(new KeyboardEvent("keydown", { key: "k", ctrlKey: true, bubbles: true }))');
  await s.type(await s.waitFor(byTestId('palette-input')), 'in');
  await s.waitFor('[data-testid="palette-item"][id^="palette-user-"]', { text: 'Inês' });
  await noSeriousViolations('command palette open, users found');
  await picture('palette');
  const modal = await s.script('return document.querySelector(\'[data-testid="palette"]\').matches(":modal")');
  assert.equal(modal, true, 'the palette is a modal <dialog> (the page beneath inert)');
  await s.script('document.querySelector(\'[data-testid="palette"]\').dispatchEvent(new Event("cancel", { cancelable: true }))');
  await s.waitUntil('return !document.querySelector(\'[data-testid="palette"]\')');
});

for (const [width, height] of [
  [1024, 700],
  [1920, 1080],
]) {
  test(`at ${width}×${height} no box scrolls sideways but the board`, async () => {
    await size(s, width, height);
    const found = {};
    for (const [name, go] of screens) {
      await go();
      await sleep(250);
      const boxes = await sideways(s);
      if (boxes.length) found[name] = boxes;
    }
    assert.deepEqual(found, {}, `sideways scrolling at ${width}×${height}`);
  });
}
