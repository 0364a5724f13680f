// End to end, the document viewer in the real window: an ID photo whose EXIF says "turn me"
// and a selfie open side by side at full size, zoom and rotate; a PDF proof of address is drawn
// page by page by pdf.js from the bytes Rust hands over (never a path); axe finds nothing
// serious with the viewer open. Then the documents this desktop keeps after upload (the
// operator's setting): listed on the user's page, opened in the viewer, deleted in one action.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { axeViolations, serious } from './axe.mjs';
import { pickInDialog } from './dialog.mjs';
import { ELEMENT, Session, byTestId, root, startDriver, dataFolder } from './webdriver.mjs';

const app = process.env.PARTNER_DESK_BIN ?? resolve(root, 'target/debug/partner-desk');
const files = mkdtempSync(join(tmpdir(), 'pd-viewer-'));
const passport = join(files, 'passport-sideways.jpg');
const selfie = join(files, 'selfie.jpg');
const bill = join(files, 'utility-bill.pdf');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let driver;
let s;

/** A one-page PDF (300×200 pt) with a blue rectangle, written by hand: every object real. */
function writePdf(path) {
  const objects = [
    '<</Type /Catalog /Pages 2 0 R>>',
    '<</Type /Pages /Kids [3 0 R] /Count 1>>',
    '<</Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] /Contents 4 0 R /Resources <<>>>>',
  ];
  const content = '0 0 1 rg 50 50 200 100 re f\n';
  let pdf = '%PDF-1.4\n';
  const offsets = [];
  objects.forEach((body, i) => {
    offsets.push(pdf.length);
    pdf += `${i + 1} 0 obj ${body} endobj\n`;
  });
  offsets.push(pdf.length);
  pdf += `4 0 obj <</Length ${content.length}>> stream\n${content}endstream endobj\n`;
  const xref = pdf.length;
  pdf += `xref\n0 5\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  pdf += `trailer <</Size 5 /Root 1 0 R>>\nstartxref\n${xref}\n%%EOF\n`;
  writeFileSync(path, pdf);
}

/** Writes EXIF orientation 6 ("turn 90° clockwise to view") into a JPEG, as a phone camera does. */
function setExifOrientation(path) {
  const jpeg = readFileSync(path);
  const exif = Buffer.from([
    0xff, 0xe1, 0x00, 0x22, // APP1, 34 bytes
    0x45, 0x78, 0x69, 0x66, 0x00, 0x00, // "Exif\0\0"
    0x49, 0x49, 0x2a, 0x00, 0x08, 0x00, 0x00, 0x00, // little-endian TIFF, first IFD at 8
    0x01, 0x00, // one entry
    0x12, 0x01, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00, 0x06, 0x00, 0x00, 0x00, // Orientation = 6
    0x00, 0x00, 0x00, 0x00, // no next IFD
  ]);
  writeFileSync(path, Buffer.concat([jpeg.subarray(0, 2), exif, jpeg.subarray(2)]));
}

before(async () => {
  assert.ok(existsSync(app), `build the app first: ${app}`);
  // 640×420 as stored, with EXIF orientation 6 ("rotate 90° clockwise to view"): shown upright
  // it is 420 wide and 640 tall.
  execFileSync('convert', ['-size', '640x420', 'xc:#dfe7f5', '-fill', '#23408e', '-draw', 'rectangle 30,30 250,300', passport]);
  setExifOrientation(passport);
  execFileSync('convert', ['-size', '480x480', 'xc:#f4e2d8', '-fill', '#7a4b2a', '-draw', 'circle 240,220 240,90', selfie]);
  writePdf(bill);
  const data = dataFolder('viewer-test');
  driver = await startDriver({ XDG_DATA_HOME: data });
  s = await Session.create(driver.base, app);
  await s.loaded();
});

after(async () => {
  await s?.quit();
  driver?.stop();
});

const click = async (testId) => s.click(await s.waitFor(byTestId(testId)));
const el = (id) => ({ [ELEMENT]: id });

test('this desktop keeps documents after upload (Settings), and a user has an ID and a selfie picked', async () => {
  await click('nav-settings');
  await s.type(await s.waitFor(byTestId('documents-days')), '30');
  await click('documents-keep');
  await s.waitUntil('return document.querySelector(\'[data-testid="documents-keep"]\').checked');
  await s.createUser({ email: 'vera@example.com', firstName: 'Vera', lastName: 'Viewer', country: 'GE', birthDate: '1985-05-05' });
  await click('roster-open');
  await s.waitFor(byTestId('user-detail'), { text: 'Vera' });
  await s.setValue(await s.waitFor(byTestId('kyc-document-type')), 'PASSPORT');
  await pickInDialog(() => click('kyc-pick-front'), passport);
  await s.waitFor(byTestId('kyc-slot-front'), { text: 'passport-sideways.jpg' });
  await pickInDialog(() => click('kyc-pick-selfie'), selfie);
  await s.waitFor(byTestId('kyc-slot-selfie'), { text: 'selfie.jpg' });
});

test('the ID opens full size beside the selfie, upright as its EXIF says; zoom and rotate', async (t) => {
  // A failure here must not leave the modal viewer over the next test's buttons.
  t.after(() => s.script('document.querySelector(\'[data-testid="viewer-close"]\')?.click()'));
  await s.click(await s.waitFor(`${byTestId('kyc-slot-front')} ${byTestId('view-document')}`));
  await s.waitFor(byTestId('document-viewer'));
  const panes = await s.findAll(byTestId('viewer-pane'));
  assert.equal(panes.length, 2, 'the ID and the selfie side by side');
  assert.match(await s.content(await s.waitFor('#viewer-title')), /Photo page beside Selfie/);
  const size = () =>
    s.waitUntil(
      `const i = document.querySelector('[data-testid="viewer-pane"] img');
       return i && i.complete && i.naturalWidth ? { w: i.getBoundingClientRect().width, h: i.getBoundingClientRect().height, nw: i.naturalWidth, nh: i.naturalHeight } : null`,
      [],
      { what: 'the ID image drawn' },
    );
  const upright = await size();
  // WebKit reports the natural size after EXIF orientation.
  assert.ok(upright.nh > upright.nw, `the stored 640×420 shows upright as taller than wide: ${JSON.stringify(upright)}`);
  assert.ok(upright.h > 160, `bigger than the 160 px thumbnail: ${JSON.stringify(upright)}`);
  await s.screenshot('readme/viewer');

  const first = panes[0];
  await s.click(await s.cmd('POST', `/element/${first}/element`, { using: 'css selector', value: byTestId('viewer-zoom-in') }).then((e) => e[ELEMENT]));
  await s.waitUntil('return document.querySelector(\'[data-testid="viewer-pane"]\').dataset.zoom === "1.25"', [], { what: 'zoomed to 125 %' });
  const zoomed = await size();
  assert.ok(zoomed.w > upright.w * 1.2, `wider when zoomed: ${zoomed.w} vs ${upright.w}`);

  await s.click(await s.cmd('POST', `/element/${first}/element`, { using: 'css selector', value: byTestId('viewer-rotate') }).then((e) => e[ELEMENT]));
  await s.waitUntil('return document.querySelector(\'[data-testid="viewer-pane"]\').dataset.rotation === "90"', [], { what: 'turned a quarter' });
  const turned = await s.script('return document.querySelector(\'[data-testid="viewer-pane"] img\').style.transform');
  assert.equal(turned, 'rotate(90deg)');

  assert.deepEqual(serious(await axeViolations(s)), [], 'axe with the viewer open');
  await click('viewer-close');
  await s.waitUntil('return !document.querySelector(\'[data-testid="document-viewer"]\')', [], { what: 'the viewer closed' });
});

test('a PDF is drawn page by page by pdf.js, from the bytes the desk hands over', async () => {
  await pickInDialog(() => click('poa-pick'), bill);
  await s.waitFor(byTestId('poa-file'), { text: 'utility-bill.pdf' });
  await s.click(await s.waitFor(`${byTestId('poa-file')} ${byTestId('view-document')}`));
  const page = await s.waitFor(byTestId('viewer-page'), { timeout: 20000 });
  const drawn = await s.script(
    `const c = arguments[0]; const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
     let blue = 0; for (let i = 0; i < d.length; i += 4) if (d[i + 2] > 200 && d[i] < 60 && d[i + 1] < 60) blue++;
     return { w: c.width, h: c.height, blue, label: c.getAttribute('aria-label') };`,
    [el(page)],
  );
  assert.ok(drawn.w > drawn.h, `a landscape page: ${JSON.stringify(drawn)}`);
  // The rectangle is a third of the page's area.
  assert.ok(drawn.blue > (drawn.w * drawn.h) / 5, `the blue rectangle drawn: ${JSON.stringify(drawn)}`);
  assert.equal(drawn.label, 'utility-bill.pdf, page 1 of 1');
  await click('viewer-close');
});

test('uploaded with keeping on: the documents stay on this desktop, open in the viewer, and go in one action', async () => {
  await click('kyc-upload');
  await s.waitFor(byTestId('toast'), { text: 'Sent the identity documents of' });
  await s.waitUntil('return document.querySelectorAll(\'[data-testid="kept-document"]\').length === 2', [], {
    what: 'two documents kept',
  });
  const labels = await s.script('return [...document.querySelectorAll(\'[data-testid="kept-document"] .kept-label\')].map((e) => e.textContent)');
  assert.deepEqual(labels.sort(), ['Passport, front', 'Selfie']);
  await s.click(await s.waitFor(`${byTestId('kept-document')} ${byTestId('view-document')}`));
  await s.waitFor(byTestId('document-viewer'));
  assert.equal((await s.findAll(byTestId('viewer-pane'))).length, 2, 'the kept ID beside the kept selfie');
  await s.waitUntil('const i = document.querySelector(\'[data-testid="viewer-pane"] img\'); return i && i.complete && i.naturalWidth > 0', [], {
    what: 'a kept image drawn from its bytes',
  });
  await click('viewer-close');
  await s.waitUntil('return !document.querySelector(\'[data-testid="document-viewer"]\')', [], { what: 'the viewer closed' });

  await click('nav-settings');
  await s.waitFor(byTestId('documents-kept'), { text: '2 documents kept' });
  await click('documents-delete');
  await click('documents-delete-confirm');
  await s.waitFor(byTestId('documents-kept'), { text: 'No documents are kept on this desktop.' });
  await click('nav-roster');
  await click('roster-open');
  await s.waitFor(byTestId('user-detail'), { text: 'Vera' });
  await sleep(500);
  assert.equal((await s.findAll(byTestId('kept-documents'))).length, 0, 'nothing kept is listed');
});
