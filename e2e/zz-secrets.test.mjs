// The secrets scan, last of the end-to-end files (zz-): known API keys and a webhook token go in
// through Settings, the app uses them (a key test against a stand-in P100 over loopback,
// webhooks into the desk's receiver, a sandbox user through KYC to Active with live sync),
// every screen is visited, and then nothing the app wrote or showed may contain them: not its
// log (RUST_LOG=debug, stdout and stderr), not any file under the session's XDG data, config
// and cache folders (the SQLite files with their -wal, the embedded sandbox's state, WebKit's
// storage), not anything the webview received over IPC (every command answer, event and
// channel message, recorded in the page) or holds in its DOM and storage. The embedded
// sandbox's own webhook token, read from the keychain, is held to the same rule. Raw, URL-
// encoded, base64 (any alignment, standard and URL-safe), JSON-escaped and UTF-16 forms count.
// A card is made too: its number and CVV may reach the page in the one reveal's answer and be
// on screen while revealed, nowhere else (the embedded sandbox's state, P100's side, keeps its
// cards); its PIN is in no answer, page, file or log. A payment with 3-D Secure follows: the
// card's one-time codes (activation, 3-D Secure) reach the desk as webhooks, and are in no answer,
// page, file or log either (the timeline says that a code was sent, never the code).
//
// Run alone: npm run build && cargo build --bin partner-desk &&
//   scripts/with-desktop.sh node --test e2e/zz-secrets.test.mjs
// In the whole suite it runs last, so it also scans what the earlier files left behind.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, lstatSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { clipboardText } from './desktop.mjs';
import { pickInDialog } from './dialog.mjs';
import { Session, byTestId, root, startDriver } from './webdriver.mjs';

const app = process.env.PARTNER_DESK_BIN ?? resolve(root, 'target/debug/partner-desk');
const work = mkdtempSync(join(tmpdir(), 'pd-secrets-'));
const logFile = join(work, 'partner-desk.log');
const passport = join(work, 'passport.jpg');
const selfie = join(work, 'selfie.jpg');
// Visible ASCII with the characters that URL-encoding and base64 change, so each form differs.
const nonce = () => randomBytes(9).toString('hex');
const STAGING_KEY = `pd-e2e-staging-key-${nonce()}+/=?&%`;
const CUSTOM_KEY = `pd-e2e-custom-key-${nonce()}+/=?&%`;
const WEBHOOK_TOKEN = `pd-e2e-webhook-token-${nonce()}+/=?&%`;
// The embedded sandbox's key is random per run; the scan fixes it to know what to look for.
const SANDBOX_KEY = `sbx_pd-e2e-sandbox-key-${nonce()}+/=?&%`;
const SERVICE = 'io.partnerdesk.app';
// What an operator asked for a detailed log would run with; PD_SECRETS_RUST_LOG=trace scans the
// most verbose log there is (it passes too).
const LOG_LEVEL = process.env.PD_SECRETS_RUST_LOG ?? 'debug';

let driver;
let s;
let stub;
let stubUrl;
const stubSeen = [];
let sandboxToken;
let generatedToken;
let ext;
// A card made in the scan: its PIN (typed), then its number and CVV (revealed once).
const PIN = String(1000 + (randomBytes(2).readUInt16BE() % 9000));
const card = { number: null, cvv: null, codes: [] };
const REVEALED = 'card revealed';

const click = async (id) => s.click(await s.waitFor(byTestId(id)));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A stand-in P100 on loopback for the Custom environment: answers Get KYC Status with P412. */
function startStub() {
  return new Promise((ok) => {
    stub = createServer((req, res) => {
      stubSeen.push({ method: req.method, url: req.url, key: req.headers['x-api-key'] });
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errorCode: 'P412', errorName: 'user-not-found', errorMessage: 'User not found' }));
    });
    stub.listen(0, '127.0.0.1', () => ok(`http://127.0.0.1:${stub.address().port}`));
  });
}

before(async () => {
  assert.ok(existsSync(app), `build the app first: ${app}`);
  assert.ok(
    process.env.PD_SESSION_DIR && process.env.XDG_DATA_HOME,
    'run inside scripts/with-desktop.sh: the scan reads the session’s own XDG folders and keychain',
  );
  execFileSync('convert', ['-size', '640x420', 'xc:#dfe7f5', '-fill', '#23408e', '-draw', 'rectangle 30,30 250,300', passport]);
  execFileSync('convert', ['-size', '480x480', 'xc:#f4e2d8', '-fill', '#7a4b2a', '-draw', 'circle 240,220 240,90', selfie]);
  // tauri-driver gives WebKitWebDriver (and so the app) no stdout, and the app logs to stdout:
  // the session starts this wrapper instead, which runs the app with both streams in a file.
  const wrapper = join(work, 'partner-desk-logged');
  writeFileSync(wrapper, `#!/bin/sh\nexec '${app}' "$@" >>'${logFile}' 2>&1\n`);
  chmodSync(wrapper, 0o755);
  stubUrl = await startStub();
  driver = await startDriver({
    RUST_LOG: LOG_LEVEL,
    PARTNER_DESK_SANDBOX_REVIEW_MS: '1500',
    PARTNER_DESK_SANDBOX_API_KEY: SANDBOX_KEY,
  });
  s = await Session.create(driver.base, wrapper);
});

after(async () => {
  await s?.quit();
  driver?.stop();
  stub?.close();
});

// Wraps the IPC callback table: every command answer, event and channel message reaches the
// page through window.__TAURI_INTERNALS__.runCallback(id, data), which looks the callback up
// in this Map (invoke, transformCallback and runCallback themselves are read-only properties).
const RECORDER = `
  if (!window.__pdSeen) {
    const seen = (window.__pdSeen = []);
    const dec = new TextDecoder();
    const bytes = (x) => x instanceof ArrayBuffer || ArrayBuffer.isView(x);
    const text = (v) => {
      if (bytes(v)) return dec.decode(v);
      try {
        return JSON.stringify(v, (_, x) => (bytes(x) ? dec.decode(x) : x));
      } catch (e) {
        return String(v);
      }
    };
    const table = window.__TAURI_INTERNALS__.callbacks;
    const get = Map.prototype.get;
    table.get = function (id) {
      const cb = get.call(this, id);
      return cb && ((data) => { seen.push(text(data)); return cb(data); });
    };
  }
  return window.__pdSeen.length;`;

/** What the page shows and keeps right now: DOM, field values, storage, cookies. */
async function snapshot(what) {
  await s.script(
    `window.__pdPage = window.__pdPage || [];
     window.__pdPage.push(arguments[0] + '\\n' + document.documentElement.outerHTML + '\\n' +
       [...document.querySelectorAll('input, textarea, select')].map((i) => i.value).join('\\n') + '\\n' +
       JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }) + document.cookie);`,
    [what],
  );
}

test('the page records every IPC answer, event and channel message from the start', async () => {
  await s.waitUntil('return !!(window.__TAURI_INTERNALS__ && window.__TAURI_INTERNALS__.callbacks)', [], {
    what: 'the Tauri IPC is in the page',
  });
  await s.script(RECORDER);
  await s.loaded();
  await snapshot('start');
  // The page runs under tauri.conf.json's CSP (sent by Tauri as a header): no eval, no inline
  // script, and no way to send anything anywhere but the IPC — tried here against the stand-in.
  const probe = await s.cmd('POST', '/execute/async', {
    script: `const done = arguments[arguments.length - 1];
      const violated = [];
      document.addEventListener('securitypolicyviolation', (e) => violated.push(e.effectiveDirective));
      let evaluated = false;
      try { evaluated = (0, eval)('true'); } catch (e) { /* refused */ }
      const tag = document.createElement('script');
      tag.textContent = 'window.__pdInline = true';
      document.head.appendChild(tag);
      fetch(arguments[0], { method: 'POST', body: 'exfiltrated' })
        .then(() => 'sent', () => 'refused')
        .then((fetched) => setTimeout(() => done({ evaluated, inline: !!window.__pdInline, fetched, violated }), 300));`,
    args: [`${stubUrl}/exfiltrate`],
  });
  assert.deepEqual(
    { evaluated: probe.evaluated, inline: probe.inline, fetched: probe.fetched },
    { evaluated: false, inline: false, fetched: 'refused' },
    JSON.stringify(probe),
  );
  for (const d of ['script-src', 'connect-src']) assert.ok(probe.violated.includes(d), JSON.stringify(probe));
  assert.ok(!stubSeen.some((r) => r.url === '/exfiltrate'), 'nothing left the page');
  assert.equal(await s.script('return typeof window.__TAURI__'), 'undefined', 'withGlobalTauri is off');
});

test('an API key per environment and a webhook token go in through Settings, write-only', async () => {
  await click('nav-settings');
  // A Custom key belongs to the host it is stored for: the URL comes first.
  await click('settings-env-custom');
  await s.type(await s.waitFor(byTestId('settings-custom-url')), stubUrl);
  await click('settings-custom-apply');
  await s.waitFor(byTestId('settings-base-url'), { text: stubUrl });
  for (const [kind, key] of [
    ['staging', STAGING_KEY],
    ['custom', CUSTOM_KEY],
  ]) {
    await s.type(await s.waitFor(byTestId(`cred-input-${kind}`)), key);
    await click(`cred-save-${kind}`);
    await s.waitFor(byTestId(`cred-status-${kind}`), { text: 'Key set' });
  }
  await s.waitFor(byTestId('sync-panel'));
  await s.setValue(await s.waitFor('#sync-token-env'), 'staging');
  await s.type(await s.waitFor(byTestId('sync-token-input')), WEBHOOK_TOKEN);
  await click('sync-token-save');
  await s.waitFor(byTestId('sync-token-staging'), { text: 'Webhook token set' });
  // A generated token for Production: Rust puts it on the clipboard; the page shows only that it
  // is there and its fingerprint. Read back as another program would (GTK's clipboard).
  await s.setValue(await s.waitFor('#sync-token-env'), 'production');
  await click('sync-token-generate');
  const notice = await s.text(await s.waitFor(byTestId('sync-token-generated'), { text: 'on the clipboard' }));
  await s.waitFor(byTestId('sync-token-production'), { text: 'Webhook token set' });
  generatedToken = clipboardText();
  assert.match(generatedToken, /^whk_[A-Za-z0-9_-]{43}$/, 'a generated token (32 random bytes) is on the clipboard');
  const fingerprint = createHash('sha256').update(generatedToken).digest('hex').slice(0, 8);
  assert.ok(notice.includes(fingerprint), `the page names its fingerprint ${fingerprint}: ${notice}`);
  await snapshot('settings after saving');

  const lookup = (account) =>
    execFileSync('secret-tool', ['lookup', 'service', SERVICE, 'username', account], { encoding: 'utf8' }).trim();
  // keyring 4 stores `service` and `username` attributes (`secret-tool search --all service
  // io.partnerdesk.app` lists them).
  const entries = () =>
    execFileSync('secret-tool', ['search', '--all', 'service', SERVICE], { encoding: 'utf8', stdio: 'pipe' });
  try {
    assert.equal(lookup('api-key/staging'), STAGING_KEY);
    assert.equal(lookup(`api-key/custom@${stubUrl}`), CUSTOM_KEY);
    assert.equal(lookup('webhook-token/staging'), WEBHOOK_TOKEN);
    assert.equal(lookup('webhook-token/production'), generatedToken, 'the generated token is the one kept');
    // The desk made the embedded sandbox a token of its own at start; it is just as secret.
    sandboxToken = lookup('webhook-token/sandbox');
    assert.match(sandboxToken, /^whk_[A-Za-z0-9_-]{43}$/, '32 random bytes');
  } catch (e) {
    e.message += `\nthe desk's keychain entries:\n${entries()}`;
    throw e;
  }
});

test('a key is used: Test key reaches a stand-in P100 with the key, and only there', async () => {
  await click('cred-test-custom');
  await s.waitFor(byTestId('cred-message-custom'), { text: 'accepted the key' });
  assert.ok(stubSeen.length > 0, 'the stand-in was called');
  assert.ok(
    stubSeen.every((r) => r.key === CUSTOM_KEY && r.url.startsWith('/v1/kyc/status/')),
    JSON.stringify(stubSeen.map((r) => r.url)),
  );
  await snapshot('custom environment');
  await click('settings-env-sandbox');
  await s.waitFor(byTestId('settings-base-url'), { text: 'http://127.0.0.1:' });
});

test('the webhook receiver takes the staging token and refuses others', async () => {
  const base = await s.text(await s.waitFor(byTestId('sync-receiver-url')));
  const post = (auth) =>
    fetch(`${base}/webhook/user/status`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) },
      body: JSON.stringify({ externalUserId: 'not-a-user-of-this-desk', status: 'ACTIVE' }),
    }).then((r) => r.status);
  assert.equal(await post(WEBHOOK_TOKEN), 202, 'the right token: accepted (an unknown user is not stored)');
  assert.equal(await post(generatedToken), 202, 'the generated token too (for Production)');
  assert.equal(await post(`Bearer ${WEBHOOK_TOKEN}`), 202);
  assert.equal(await post(`${WEBHOOK_TOKEN}x`), 401);
  assert.equal(await post(WEBHOOK_TOKEN.slice(0, -1)), 401);
  assert.equal(await post(null), 401);
});

test('a sandbox user goes through KYC to Active, moved by the sandbox’s webhook', async () => {
  await s.createUser({ email: 'secrets.scan@example.com', firstName: 'Sekret', lastName: 'Scanner', birthDate: '1985-05-05' });
  const row = await s.waitFor(byTestId('roster-row'), { text: 'Sekret Scanner' });
  ext = await s.attr(row, 'data-external-user-id');
  await s.click(await s.waitFor(`${byTestId('roster-row')}[data-external-user-id="${ext}"] ${byTestId('roster-open')}`));
  await s.waitFor(byTestId('user-detail'), { text: 'Sekret' });
  await s.setValue(await s.waitFor(byTestId('kyc-document-type')), 'PASSPORT');
  await pickInDialog(() => click('kyc-pick-front'), passport);
  await s.waitFor(byTestId('kyc-slot-front'), { text: 'passport.jpg' });
  await pickInDialog(() => click('kyc-pick-selfie'), selfie);
  await s.waitFor(byTestId('kyc-slot-selfie'), { text: 'selfie.jpg' });
  await click('kyc-upload');
  await s.waitFor(byTestId('detail-stage'), { text: 'Identity documents' });
  await s.setValue(await s.waitFor(byTestId('verify-documentType')), 'PASSPORT');
  await s.type(await s.waitFor(byTestId('verify-documentNumber')), 'PL5550001');
  await s.setValue(await s.waitFor(byTestId('verify-issuingCountry')), 'PL');
  await s.setValue(await s.waitFor(byTestId('verify-expiryDate')), '2033-03-03');
  await click('verify-submit');
  // No click from here: the sandbox decides, delivers its webhook (with its token) to the
  // receiver, and live sync moves the page.
  await s.waitFor(byTestId('detail-stage'), { text: 'Active', timeout: 30000 });
  await click('tab-money');
  await click('balances-refresh');
  await s.waitFor(byTestId('fiat-row'));
  await snapshot('user detail, active');
});

test('a card: created with a PIN, its number and CVV revealed once, then hidden', async () => {
  await click('tab-onboarding');
  await click('action-extend');
  await s.waitFor(byTestId('toast'), { text: 'now has the extended level' });
  await click('tab-cards');
  await s.waitFor(byTestId('cards-empty'));
  await s.type(await s.waitFor(byTestId('card-label')), 'Scanned card');
  await s.type(await s.waitFor(byTestId('card-pin')), PIN);
  await s.type(await s.waitFor(byTestId('card-pinAgain')), PIN);
  await click('card-create');
  await s.waitFor(byTestId('card-row'), { text: 'Scanned card' });
  await snapshot('card created');
  await click('card-reveal');
  card.number = (await s.content(await s.waitFor(byTestId('card-number')))).replaceAll(' ', '');
  card.cvv = await s.content(await s.waitFor(byTestId('card-cvv')));
  assert.match(card.number, /^\d{16}$/);
  // The one snapshot allowed to hold the number: taken while it is revealed.
  await snapshot(REVEALED);
  await click('card-hide');
  await s.waitUntil('return !document.querySelector(\'[data-testid="card-number"]\')', [], { what: 'the number hidden' });
  await snapshot('card hidden');

  // A payment with 3-D Secure at the embedded sandbox (a shop's terminal): P100 sends the card's
  // one-time codes (its activation code came with the card) to the desk, which keeps neither.
  const sandboxUrl = readFileSync(logFile, 'utf8').match(/embedded sandbox started url=(\S+)/)[1];
  const cardId = await s.script('return document.querySelector(\'[data-testid="card-row"]\').dataset.cardId');
  const admin = { 'x-api-key': SANDBOX_KEY, 'content-type': 'application/json' };
  const paid = await fetch(`${sandboxUrl}_sandbox/users/${encodeURIComponent(ext)}/cards/${cardId}/payment`, {
    method: 'POST',
    headers: admin,
    body: JSON.stringify({ amount: 4.2, merchant: 'Scan Shop', threeDs: true }),
  });
  assert.equal(paid.status, 201);
  const sent = await (await fetch(`${sandboxUrl}_sandbox/webhooks`, { headers: admin })).json();
  card.codes = sent.map((d) => d.payload.code).filter(Boolean);
  assert.equal(card.codes.length, 2, 'an activation code and a 3-D Secure code were sent');
  await click('tab-onboarding');
  await s.waitUntil(
    `return [...document.querySelectorAll('[data-testid="timeline-event"]')].filter((e) => e.dataset.kind === 'cardCodeSent').length === 2`,
    [],
    { what: 'both codes on the timeline as sent', timeout: 20000 },
  );
  await snapshot('card codes sent');
});

test('every screen is visited', async () => {
  for (const screen of ['roster', 'board', 'journal', 'new-user', 'settings', 'roster']) {
    await click(`nav-${screen}`);
    await sleep(400);
    await snapshot(screen);
  }
  await s.waitFor(byTestId('roster-row'));
});

test('every read command answers once more through the recorded IPC', async () => {
  const commands = [
    ['environment_get', {}],
    ['credentials_list', {}],
    ['users_list', {}],
    [
      'users_query',
      { query: { search: 'a', stage: null, status: null, country: null, sort: 'name', descending: false, offset: 0, limit: 50 } },
    ],
    ['users_board', { filter: {} }],
    ['users_facets', {}],
    ['tags_list', {}],
    ['operators_list', {}],
    ['import_jobs', {}],
    ['sync_status', {}],
    ['journal_recent', { limit: 500 }],
    ['journal_query', { filter: {} }],
    ['funnel_get', { environment: null, from: null }],
    ['countries_list', {}],
    ['user_timeline', { externalUserId: ext }],
    ['user_balances', { externalUserId: ext }],
    ['user_transactions', { externalUserId: ext, query: {} }],
    ['kyc_refresh', { externalUserId: ext }],
    // Against the stand-in only: a test of the staging key would send it to the real P100.
    ['credentials_test', { kind: 'custom' }],
  ];
  const results = await s.cmd('POST', '/execute/async', {
    script: `const done = arguments[arguments.length - 1];
      Promise.all(arguments[0].map(([c, a]) => window.__TAURI_INTERNALS__.invoke(c, a)
        .then(() => c + ': ok', (e) => c + ': ' + (e && e.code ? e.code : String(e)))))
        .then(done);`,
    args: [commands],
  });
  assert.equal(results.length, commands.length);
  for (const r of results) assert.match(r, /: ok$/, r);
});

// ----- the scan -----

/** The forms a secret could take in text or bytes. */
function forms(label, secret) {
  const out = [
    [`${label}`, secret],
    [`${label} URL-encoded`, encodeURIComponent(secret)],
    [`${label} form-encoded`, new URLSearchParams({ x: secret }).toString().slice(2)],
    [`${label} JSON-escaped`, JSON.stringify(secret).slice(1, -1)],
  ];
  // base64 of the secret inside something longer: each of the three alignments, whole groups only.
  const raw = Buffer.from(secret);
  for (let k = 0; k < 3; k++) {
    const b64 = Buffer.concat([Buffer.alloc(k), raw]).toString('base64');
    const inner = b64.slice(Math.ceil((k * 4) / 3), Math.floor((k + raw.length) / 3) * 4);
    out.push([`${label} base64 (offset ${k})`, inner]);
    out.push([`${label} base64url (offset ${k})`, inner.replaceAll('+', '-').replaceAll('/', '_')]);
  }
  const needles = [];
  for (const [name, text] of out) {
    needles.push([name, Buffer.from(text, 'utf8')]);
    needles.push([`${name}, UTF-16`, Buffer.from(text, 'utf16le')]);
  }
  return needles;
}

function secrets() {
  assert.ok(sandboxToken, 'the sandbox token was read from the keychain');
  return [
    ...forms('the staging API key', STAGING_KEY),
    ...forms('the custom API key', CUSTOM_KEY),
    ...forms('the staging webhook token', WEBHOOK_TOKEN),
    ...forms('the generated production webhook token', generatedToken),
    ...forms("the embedded sandbox's webhook token", sandboxToken),
    ...forms("the embedded sandbox's API key", SANDBOX_KEY),
  ];
}

/**
 * A card's secrets. The number in every form; a PIN (4 digits) or CVV (3) would turn up by
 * chance in any file's bytes, so those are looked for beside their field's name, as JSON, a
 * query or a form would carry them.
 */
function cardSecrets() {
  assert.ok(card.number && card.cvv, 'a card was revealed');
  assert.equal(card.codes.length, 2, "the card's codes were read from the sandbox");
  const beside = (label, names, value) =>
    names.flatMap((n) =>
      [`"${n}":"${value}"`, `"${n}": "${value}"`, `${n}=${value}`].map((t) => [`${label} (${t})`, Buffer.from(t)]),
    );
  return [
    ...forms('the card number', card.number),
    ...beside('the CVV', ['cvv'], card.cvv),
    ...beside('the PIN', ['pin', 'pinAgain'], PIN),
    ...card.codes.flatMap((c, i) => beside(`card code ${i + 1}`, ['code'], c)),
  ];
}

function hitsIn(where, bytes, needles) {
  return needles.filter(([, n]) => bytes.indexOf(n) !== -1).map(([name]) => `${name} in ${where}`);
}

/** Every regular file under `dir`, links not followed; the keychain's own folder left out. */
function walk(dir, skip, out = []) {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (p === skip) continue;
    const st = lstatSync(p);
    if (st.isDirectory()) walk(p, skip, out);
    else if (st.isFile()) out.push(p);
  }
  return out;
}

function scanFiles(needles) {
  const { XDG_DATA_HOME, XDG_CONFIG_HOME, XDG_CACHE_HOME } = process.env;
  // gnome-keyring keeps its keyring files here (encrypted): the keychain is where the secrets
  // belong, so it is the one place not scanned.
  const keyrings = join(XDG_DATA_HOME, 'keyrings');
  const files = [XDG_DATA_HOME, XDG_CONFIG_HOME, XDG_CACHE_HOME].flatMap((d) => walk(d, keyrings));
  const hits = [];
  let bytes = 0;
  for (const f of files) {
    let content;
    try {
      content = readFileSync(f);
    } catch {
      continue; // vanished (a WAL checkpointed) or a socket's sibling
    }
    bytes += content.length;
    hits.push(...hitsIn(relative(process.env.PD_SESSION_DIR, f), content, needles));
  }
  return { files, bytes, hits };
}

/**
 * The card's secrets in `files`. The embedded sandbox's state is P100's side (it keeps the cards
 * it issued); everything else the desk writes holds none of them.
 */
function cardHits(files, cardNeedles) {
  const hits = [];
  for (const f of files.filter((x) => !x.includes('embedded-sandbox.sqlite3'))) {
    let content;
    try {
      content = readFileSync(f);
    } catch {
      continue; // vanished (a WAL checkpointed)
    }
    hits.push(...hitsIn(relative(process.env.PD_SESSION_DIR, f), content, cardNeedles));
  }
  return hits;
}

test('no key or token in the log, the files, or anything the webview received', async () => {
  const needles = secrets();
  const cardNeedles = cardSecrets();
  // The scanner finds what it looks for: each form of a secret, embedded in other bytes.
  for (const [name, n] of [...needles, ...cardNeedles]) {
    const planted = Buffer.concat([Buffer.from('…prefix…'), n, Buffer.from('…suffix…')]);
    assert.ok(hitsIn('a planted buffer', planted, [...needles, ...cardNeedles]).some((h) => h.startsWith(name)), name);
  }

  const seen = await s.script('return window.__pdSeen');
  const page = await s.script('return window.__pdPage');
  assert.ok(seen.length > 20, `IPC messages recorded: ${seen.length}`);
  assert.ok(page.length >= 8, `page snapshots: ${page.length}`);
  const ipc = seen.join('\n');
  for (const expected of ['"kind":"sandbox"', '"receiverUrl"', '"tokenSetFor"', 'data:image/png;base64,', ext]) {
    assert.ok(ipc.includes(expected), `the recording holds real answers (${expected})`);
  }
  assert.ok(/rosterChanged/.test(ipc), 'a live sync event was recorded (over the page channel)');
  const leaks = [
    ...hitsIn('IPC answers, events and channel messages', Buffer.from(ipc), needles),
    ...hitsIn('the DOM, field values and storage', Buffer.from(page.join('\n')), needles),
  ];
  // The card's number and CVV reach the page in the one reveal's answer, and are on screen only
  // while revealed; the PIN is in no answer at all.
  const reveals = seen.filter((m) => m.includes('"cardNumber"'));
  assert.equal(reveals.length, 1, 'one reveal, one answer with the number');
  assert.ok(reveals[0].includes(card.number), 'the reveal carried the number');
  leaks.push(
    ...hitsIn('IPC answers other than the reveal', Buffer.from(seen.filter((m) => !reveals.includes(m)).join('\n')), cardNeedles),
    ...hitsIn('the page, but while revealed', Buffer.from(page.filter((p) => !p.startsWith(REVEALED)).join('\n')), cardNeedles),
    ...hitsIn(
      'the page, the PIN or a card code',
      Buffer.from(page.join('\n')),
      cardNeedles.filter(([n]) => n.startsWith('the PIN') || n.startsWith('card code')),
    ),
  );

  const running = scanFiles(needles);
  const names = running.files.map((f) => relative(process.env.XDG_DATA_HOME, f));
  // Other local users cannot even list the folder (personal data, ID-document thumbnails).
  const dataDir = join(process.env.XDG_DATA_HOME, 'io.partnerdesk.app');
  assert.equal((statSync(dataDir).mode & 0o777).toString(8), '700', `${dataDir} is private`);
  for (const must of ['io.partnerdesk.app/partner-desk.sqlite3', 'io.partnerdesk.app/embedded-sandbox.sqlite3']) {
    assert.ok(names.includes(must), `${must} scanned: ${names.join(', ')}`);
  }
  assert.ok(
    names.some((n) => /^io\.partnerdesk\.app\/logs\/partner-desk\..*log$/.test(n)),
    `the app's own log file (rotated daily in its log folder) scanned: ${names.join(', ')}`,
  );
  assert.ok(
    names.some((n) => n.endsWith('.sqlite3-wal')),
    `a SQLite write-ahead log scanned while the app runs: ${names.join(', ')}`,
  );
  leaks.push(...running.hits, ...cardHits(running.files, cardNeedles));

  // Closed (SQLite checkpoints, WebKit flushes its storage), then scanned again.
  await s.quit();
  s = null;
  await sleep(1500);
  const closed = scanFiles(needles);
  leaks.push(...[...closed.hits, ...cardHits(closed.files, cardNeedles)].map((h) => `${h} (after closing)`));

  const log = readFileSync(logFile);
  assert.ok(log.length > 0, 'the app wrote a log');
  assert.ok(log.includes('desk opened'), 'the log is the app’s own (tracing output)');
  if (LOG_LEVEL === 'debug') assert.ok(log.includes('DEBUG'), 'at debug level');
  leaks.push(...hitsIn(`the app's log (${log.length} bytes)`, log, [...needles, ...cardNeedles]));

  console.log(
    `secrets scan: ${seen.length} IPC messages, ${page.length} page snapshots, ${running.files.length} files ` +
      `(${running.bytes} bytes) while running and ${closed.files.length} after closing, ${log.length} log bytes, ` +
      `${needles.length + cardNeedles.length} needles`,
  );
  assert.deepEqual([...new Set(leaks)], [], 'no secret anywhere');
});
