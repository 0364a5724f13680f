// End to end: a real file dragged from another X client onto the real app window. The drop is
// read on the Rust side (no path reaches the webview) and comes back as a token in the identity
// documents panel.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Session, byTestId, root, startDriver } from './webdriver.mjs';

const app = process.env.PARTNER_DESK_BIN ?? resolve(root, 'target/debug/partner-desk');
const here = dirname(fileURLToPath(import.meta.url));
const files = mkdtempSync(join(tmpdir(), 'pd-drop-'));
const photo = join(files, 'dropped-passport.jpg');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let driver;
let s;
let source;

before(async () => {
  assert.ok(existsSync(app), `build the app first: ${app}`);
  execFileSync('convert', ['-size', '600x400', 'xc:#e3ecd9', '-fill', '#2f5d23', '-draw', 'rectangle 40,40 260,300', photo]);
  driver = await startDriver();
  s = await Session.create(driver.base, app);
});

after(async () => {
  source?.kill();
  await s?.quit();
  driver?.stop();
});

const xdotool = (...args) => execFileSync('xdotool', args, { encoding: 'utf8' }).trim();

test('a file dropped on the window lands in the identity documents panel', async () => {
  await s.loaded();
  await s.click(await s.waitFor(byTestId('nav-new-user')));
  await s.type(await s.waitFor(byTestId('field-email')), 'drop@example.com');
  await s.type(await s.waitFor(byTestId('field-firstName')), 'Dana');
  await s.type(await s.waitFor(byTestId('field-lastName')), 'Drop');
  await s.setValue(await s.waitFor(byTestId('field-country')), 'PL');
  await s.setValue(await s.waitFor(byTestId('field-citizenship')), 'PL');
  await s.click(await s.waitFor(byTestId('field-hasAcceptedP100Tc')));
  await s.click(await s.waitFor(byTestId('create-submit')));
  await s.waitFor(byTestId('toast'), { text: 'Dana Drop' });
  await s.click(await s.waitFor(byTestId('roster-open')));
  await s.waitFor(byTestId('user-detail'), { text: 'Dana' });
  await s.setValue(await s.waitFor(byTestId('kyc-document-type')), 'PASSPORT');

  // Probes for what a hostile page would try: listen to Tauri's drag-and-drop events (refused:
  // no permission), and to the DOM's drag events (WebKit's own drop is handed to Rust, so the
  // page sees no file, name or path); and a record of every IPC message the page receives.
  await s.script(
    `window.__pdDrop = { dom: [], ipc: [], listen: [] };
     for (const type of ['dragenter', 'dragover', 'drop']) {
       window.addEventListener(type, (e) => {
         const dt = e.dataTransfer;
         window.__pdDrop.dom.push(type + ' ' + (dt ? [...dt.types].join(',') + ' ' + [...dt.files].map((f) => f.name).join(',') + ' ' + dt.getData('text/uri-list') : ''));
       }, true);
     }
     const table = window.__TAURI_INTERNALS__.callbacks;
     const get = Map.prototype.get;
     table.get = function (id) {
       const cb = get.call(this, id);
       return cb && ((data) => { window.__pdDrop.ipc.push(JSON.stringify(data)); return cb(data); });
     };
     const t = window.__TAURI_INTERNALS__;
     for (const event of ['tauri://drag-drop', 'tauri://drag-enter', 'tauri://drag-over']) {
       t.invoke('plugin:event|listen', { event, target: { kind: 'Any' }, handler: t.transformCallback((e) => window.__pdDrop.listen.push(JSON.stringify(e))) })
         .then(() => window.__pdDrop.listen.push('allowed ' + event), (e) => window.__pdDrop.listen.push('refused ' + event));
     }`,
  );

  // The drag source sits over the app's bottom-right corner; the drop goes to the middle.
  source = spawn('/usr/bin/python3', [join(here, 'drag-source.py'), photo, '1080', '680'], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((ok, fail) => {
    source.stdout.once('data', ok);
    source.once('exit', (code) => fail(new Error(`drag source exited with ${code}`)));
  });
  await sleep(700);
  xdotool('mousemove', '1150', '715');
  xdotool('mousedown', '1');
  for (const [x, y] of [[1140, 712], [1120, 700], [1000, 620], [800, 500], [600, 420], [590, 410]]) {
    xdotool('mousemove', String(x), String(y));
    await sleep(120);
  }
  xdotool('mouseup', '1');

  await s.waitFor(byTestId('kyc-slot-front'), { text: 'dropped-passport.jpg', timeout: 10000 });
  const thumb = await s.script('const i = document.querySelector(\'[data-testid="kyc-slot-front"] img\'); return i ? i.src.slice(0, 22) : null');
  assert.equal(thumb, 'data:image/png;base64,');
  const html = await s.script('return document.documentElement.outerHTML');
  assert.ok(!html.includes(files), 'the webview never sees the file system path');
  const probe = await s.script('return window.__pdDrop');
  assert.deepEqual(
    probe.listen.sort(),
    ['refused tauri://drag-drop', 'refused tauri://drag-enter', 'refused tauri://drag-over'],
    'no listener for Tauri drag-and-drop events could be registered',
  );
  for (const seen of [...probe.dom, ...probe.ipc]) {
    assert.ok(!seen.includes(files) && !seen.includes('file://'), `no path reached the page: ${seen}`);
  }
  assert.ok(
    probe.ipc.some((m) => m.includes('documentsDropped') && m.includes('dropped-passport.jpg')),
    `the drop came as a token over the page's channel: ${probe.ipc.join(' | ').slice(0, 400)}`,
  );
  await s.script('document.querySelector(\'[data-testid="kyc-slot-front"]\').scrollIntoView({ block: "center" })');
  await s.screenshot('dropped');
});
