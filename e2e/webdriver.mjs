// A minimal W3C WebDriver client over fetch, enough to drive the real Partner Desk window
// through tauri-driver (which fronts WebKitWebDriver). No browser is downloaded: the app's own
// WebKitGTK view is the browser.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';
export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const shotDir = resolve(root, 'target/e2e');

function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
    srv.on('error', fail);
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Starts tauri-driver on free ports and waits until it answers. */
export async function startDriver(env = {}) {
  const port = await freePort();
  const nativePort = await freePort();
  const bin = process.env.TAURI_DRIVER ?? 'tauri-driver';
  // The app inherits this environment through tauri-driver and WebKitWebDriver.
  const proc = spawn(bin, ['--port', String(port), '--native-port', String(nativePort)], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, ...env },
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try {
      const r = await fetch(`${base}/status`);
      if (r.ok) return { base, stop: () => proc.kill('SIGTERM') };
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  proc.kill('SIGKILL');
  throw new Error('tauri-driver did not start');
}

async function call(base, method, path, body) {
  const r = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await r.json().catch(() => ({}));
  if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(json.value ?? json)}`);
  return json.value;
}

export class Session {
  static async create(base, application) {
    const value = await call(base, 'POST', '/session', {
      capabilities: { alwaysMatch: { browserName: 'wry', 'tauri:options': { application } } },
    });
    return new Session(base, value.sessionId);
  }

  constructor(base, id) {
    this.base = base;
    this.id = id;
  }

  cmd(method, path, body) {
    return call(this.base, method, `/session/${this.id}${path}`, body);
  }

  async quit() {
    await this.cmd('DELETE', '').catch(() => {});
  }

  /** Waits until `css` matches an element (and `pred`, run in the page, holds for it). */
  async waitFor(css, { timeout = 15000, text } = {}) {
    const deadline = Date.now() + timeout;
    let last;
    while (Date.now() < deadline) {
      try {
        const el = await this.cmd('POST', '/element', { using: 'css selector', value: css });
        const id = el[ELEMENT];
        // textContent, not WebDriver's rendered text: WebKitWebDriver leaves out text inside
        // ellipsis-clipped spans, which a person still reads (and hovers for the title).
        const content = text === undefined ? '' : await this.script('return arguments[0].textContent', [{ [ELEMENT]: id }]);
        if (text === undefined || content.includes(text)) return id;
        last = `text was ${JSON.stringify(content)}`;
      } catch (e) {
        last = e.message;
      }
      await sleep(100);
    }
    throw new Error(`timed out waiting for ${css}${text ? ` containing ${JSON.stringify(text)}` : ''}: ${last}`);
  }

  /** Polls `script` (run in the page) until it returns a truthy value, and returns that value. */
  async waitUntil(script, args = [], { timeout = 15000, interval = 100, what = script } = {}) {
    const deadline = Date.now() + timeout;
    while (Date.now() < deadline) {
      const v = await this.script(script, args);
      if (v) return v;
      await sleep(interval);
    }
    throw new Error(`timed out waiting until ${what}`);
  }

  /** The app is loaded: its environments are read and the picker is enabled. */
  loaded() {
    return this.waitUntil('const e = document.querySelector(\'[data-testid="env-select"]\'); return e && !e.disabled', [], {
      what: 'the app is loaded',
    });
  }

  /** Picks `value` in a <select> once that option exists (many lists load asynchronously). */
  async choose(testId, value) {
    const css = `[data-testid="${testId}"] option[value="${value}"]`;
    await this.waitUntil('return !!document.querySelector(arguments[0])', [css], { what: `${testId} offers ${value}` });
    await this.setValue(await this.waitFor(`[data-testid="${testId}"]`), value);
  }

  /**
   * Creates a user through the New user form as an operator would, and waits for the toast
   * that names them; `country` is also the citizenship; `birthDate` (YYYY-MM-DD) is optional.
   */
  async createUser({ email, firstName, lastName, country = 'PL', birthDate }) {
    await this.click(await this.waitFor('[data-testid="nav-new-user"]'));
    await this.type(await this.waitFor('[data-testid="field-email"]'), email);
    await this.type(await this.waitFor('[data-testid="field-firstName"]'), firstName);
    await this.type(await this.waitFor('[data-testid="field-lastName"]'), lastName);
    await this.choose('field-country', country);
    await this.choose('field-citizenship', country);
    if (birthDate) await this.setValue(await this.waitFor('[data-testid="field-birthDate"]'), birthDate);
    await this.click(await this.waitFor('[data-testid="field-hasAcceptedP100Tc"]'));
    await this.click(await this.waitFor('[data-testid="create-submit"]'));
    await this.waitFor('[data-testid="toast"]', { text: `${firstName} ${lastName}` });
  }

  async findAll(css) {
    const els = await this.cmd('POST', '/elements', { using: 'css selector', value: css });
    return els.map((e) => e[ELEMENT]);
  }

  text(id) {
    return this.cmd('GET', `/element/${id}/text`);
  }

  /** The text a person reads in an element, ellipsed or not (see `waitFor`). */
  content(id) {
    return this.script('return arguments[0].textContent', [{ [ELEMENT]: id }]);
  }

  attr(id, name) {
    return this.cmd('GET', `/element/${id}/attribute/${name}`);
  }

  async click(id) {
    // Centre it first: scrolled to the top edge, a sticky header would take the click.
    await this.script('arguments[0].scrollIntoView({ block: "center" })', [{ [ELEMENT]: id }]);
    // A disabled button takes a click silently and does nothing; a person waits for it to be
    // enabled (e.g. while the form that showed it is still busy), and so does the test.
    await this.waitUntil('return !arguments[0].disabled', [{ [ELEMENT]: id }], { what: 'the element is enabled' });
    return this.cmd('POST', `/element/${id}/click`, {});
  }

  async type(id, value) {
    // Centred first, as for a click: WebKitWebDriver brings a field to the window's bottom edge,
    // where a toast may sit, and then finds it "not interactable".
    await this.script('arguments[0].scrollIntoView({ block: "center" })', [{ [ELEMENT]: id }]);
    await this.cmd('POST', `/element/${id}/clear`, {});
    await this.cmd('POST', `/element/${id}/value`, { text: value });
  }

  /** Sets a <select> or date input as a user's pick would: native setter, then input/change. */
  setValue(id, value) {
    return this.cmd('POST', '/execute/sync', {
      script: `const el = arguments[0];
        const proto = el instanceof HTMLSelectElement ? HTMLSelectElement.prototype : HTMLInputElement.prototype;
        Object.getOwnPropertyDescriptor(proto, 'value').set.call(el, arguments[1]);
        el.dispatchEvent(new Event('input', { bubbles: true }));
        el.dispatchEvent(new Event('change', { bubbles: true }));`,
      args: [{ [ELEMENT]: id }, value],
    });
  }

  script(script, args = []) {
    return this.cmd('POST', '/execute/sync', { script, args });
  }

  /** Saves a PNG of the window under target/e2e/ and returns its path. */
  async screenshot(name) {
    // WebKitWebDriver takes the screenshot after the page's next presentation update. Without
    // GL compositing (the app's choice when there is no GPU, as on CI) an idle page may never
    // present again and the command hangs; so a 1-pixel mark in the bottom-right corner changes
    // colour every frame until the screenshot is in.
    await this.script(`const m = document.createElement('div');
      m.id = '__pd_repaint';
      m.style.cssText = 'position:fixed;right:0;bottom:0;width:1px;height:1px;pointer-events:none;z-index:2147483647';
      document.body.append(m);
      let odd = false;
      const tick = () => { if (!m.isConnected) return; odd = !odd; m.style.background = odd ? '#fefefe' : '#fdfdfd'; requestAnimationFrame(tick); };
      tick();`);
    let b64;
    try {
      b64 = await this.cmd('GET', '/screenshot');
    } finally {
      await this.script("document.getElementById('__pd_repaint')?.remove()");
    }
    const path = resolve(shotDir, `${name}.png`);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, Buffer.from(b64, 'base64'));
    return path;
  }
}

export const byTestId = (id) => `[data-testid="${id}"]`;

/**
 * A data folder of the test file's own under the session's XDG data folder (an empty roster,
 * whatever ran before): `XDG_DATA_HOME` for the app it starts.
 */
export function dataFolder(name) {
  const dir = join(process.env.XDG_DATA_HOME ?? tmpdir(), name);
  mkdirSync(dir, { recursive: true });
  return dir;
}
