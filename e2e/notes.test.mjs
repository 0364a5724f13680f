// End to end, what operators write on users, in the real window: a tag defined and put on a
// user, a note, the user assigned to the operator at the desk; then the roster finds the user
// by the note's words, by the tag and by "Mine", the board narrows to the tag, the timeline
// and the journal say what was done and by whom, and axe finds nothing serious on the panel.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { axeViolations, serious } from './axe.mjs';
import { Session, byTestId, root, startDriver, dataFolder } from './webdriver.mjs';

const app = process.env.PARTNER_DESK_BIN ?? resolve(root, 'target/debug/partner-desk');
let driver;
let s;

before(async () => {
  assert.ok(existsSync(app), `build the app first: ${app}`);
  // A roster of its own: the filters' answers below are exact.
  const data = dataFolder('notes-test');
  driver = await startDriver({ XDG_DATA_HOME: data });
  s = await Session.create(driver.base, app);
  await s.loaded();
});

after(async () => {
  await s?.quit();
  driver?.stop();
});

const click = async (testId) => s.click(await s.waitFor(byTestId(testId)));
const rows = () => s.script(`return [...document.querySelectorAll('[data-testid="roster-row"]')].map((r) => r.dataset.externalUserId)`);
const rosterShows = (what, ids) =>
  s.waitUntil(
    `const shown = [...document.querySelectorAll('[data-testid="roster-row"]')].map((r) => r.querySelector('[data-testid="roster-open"]').textContent.trim());
     return JSON.stringify(shown) === arguments[0]`,
    [JSON.stringify(ids)],
    { what },
  );

test('a tag, a note and an assignment on a user, on its timeline', async () => {
  await s.createUser({ email: 'tea@example.com', firstName: 'Tea', lastName: 'Tagged' });
  await s.createUser({ email: 'una@example.com', firstName: 'Una', lastName: 'Plain' });
  await s.waitUntil('return document.querySelectorAll(\'[data-testid="roster-row"]\').length === 2');
  const tea = await s.waitUntil(
    `return [...document.querySelectorAll('[data-testid="roster-row"]')].find((r) => r.textContent.includes('Tea Tagged'))?.dataset.externalUserId`,
  );
  await s.click(await s.waitFor(`${byTestId('roster-row')}[data-external-user-id="${tea}"] ${byTestId('roster-open')}`));
  await s.waitFor(byTestId('user-detail'), { text: 'Tea' });

  // A bad tag name is refused at its field, and what was typed stays.
  await s.type(await s.waitFor(byTestId('notes-name')), 'VIP; urgent');
  await click('tag-define');
  const refusal = await s.waitFor(byTestId('notes-error-name'));
  assert.match(await s.content(refusal), /letters, digits/);
  assert.equal(await s.script('return document.querySelector(\'[data-testid="notes-name"]\').value'), 'VIP; urgent');

  await s.type(await s.waitFor(byTestId('notes-name')), 'VIP');
  await s.choose('notes-colour', 'purple');
  await click('tag-define');
  await s.waitFor(byTestId('toast'), { text: 'Tagged VIP' });
  await s.waitUntil('return document.querySelector(\'[data-testid="tag-toggle"][data-tag="VIP"]\')?.checked');

  await s.type(await s.waitFor(byTestId('notes-text')), 'Called Tea: the passport scan is blurred, a new one comes Monday');
  await click('note-add');
  await s.waitFor(byTestId('note'), { text: 'passport scan is blurred' });
  assert.equal(await s.script('return document.querySelector(\'[data-testid="notes-text"]\').value'), '', 'the box is ready for the next note');

  // Solo mode: the one operator is the OS account at the desk.
  const me = await s.waitUntil(
    'const o = document.querySelector(\'[data-testid="notes-operator"] option:not([value=""])\'); return o && o.value',
  );
  await s.choose('notes-operator', me);
  await s.waitFor(byTestId('toast'), { text: `Assigned to ${me}` });

  const kinds = await s.waitUntil(
    `const k = [...document.querySelectorAll('[data-testid="timeline-event"]')].map((e) => e.dataset.kind);
     return k.includes('assigned') && k.join(',')`,
  );
  assert.deepEqual(kinds.split(',').slice(0, 3), ['assigned', 'noted', 'tagged'], 'newest first');
  const noted = await s.waitFor(`${byTestId('timeline-event')}[data-kind="noted"]`);
  assert.match(await s.content(noted), new RegExp(`by ${me}`));

  const found = serious(await axeViolations(s));
  assert.deepEqual(found, [], JSON.stringify(found, null, 2));
  await s.script('document.querySelector(\'[data-testid="notes-panel"]\').scrollIntoView({ block: "start" })');
  await s.screenshot('notes');
});

test('the roster finds the user by the note, the tag and "Mine"; the board narrows to the tag', async () => {
  await click('detail-back');
  await s.waitFor(byTestId('roster'));
  await s.waitFor(`${byTestId('roster-row')} ${byTestId('tag-chip')}[data-tag="VIP"]`);

  await s.type(await s.waitFor(byTestId('roster-search')), 'blurred');
  await rosterShows('the note is searched', ['Tea Tagged']);
  await s.type(await s.waitFor(byTestId('roster-search')), 'vip');
  await rosterShows('the tag is searched', ['Tea Tagged']);
  await s.type(await s.waitFor(byTestId('roster-search')), ' ');

  await s.choose('roster-tag', 'VIP');
  await rosterShows('the tag filter', ['Tea Tagged']);
  await s.setValue(await s.waitFor(byTestId('roster-tag')), '');
  await s.choose('roster-whose', 'me');
  await rosterShows('"Mine"', ['Tea Tagged']);
  await s.choose('roster-whose', 'nobody');
  await rosterShows('not assigned', ['Una Plain']);
  await s.setValue(await s.waitFor(byTestId('roster-whose')), '');
  await rosterShows('everyone again', ['Una Plain', 'Tea Tagged']);
  assert.equal((await rows()).length, 2);

  await click('nav-board');
  await s.waitFor(byTestId('board'));
  const total = () =>
    s.script(`return [...document.querySelectorAll('[data-testid^="count-"]')].reduce((n, c) => n + Number(c.textContent), 0)`);
  await s.waitUntil(`return document.querySelectorAll('[data-testid="card"]').length === 2`);
  await s.choose('board-tag', 'VIP');
  await s.waitUntil(`return document.querySelectorAll('[data-testid="card"]').length === 1`, [], { what: 'the board narrowed' });
  assert.equal(await total(), 1);
  const card = await s.waitFor(byTestId('card'));
  assert.match(await s.content(card), /Tea Tagged/);
  assert.match(await s.content(card), /VIP/);
});

test('the journal says who tagged, noted and assigned', async () => {
  await click('nav-journal');
  await s.waitFor(byTestId('journal-row'));
  const ops = await s.script(
    `return [...document.querySelectorAll('[data-testid="journal-row"]')].map((r) => r.textContent)`,
  );
  for (const words of ['Tag user', 'Add note', 'Assign user']) {
    assert.ok(ops.some((t) => t.includes(words)), `${words} in the journal: ${ops.join(' | ')}`);
  }
});
