// scripts/run.sh on a machine with no display opens the app under Xvfb (scripts/with-desktop.sh),
// after `scripts/setup.sh run-headless` installed what is missing. This checks, against this
// machine's own package database, that every program with-desktop.sh starts comes from a package
// that mode installs (or one of their direct dependencies) — the gap that once left a fresh
// machine at "Xvfb: command not found". No window is opened.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { resolve } from 'node:path';
import { root } from './webdriver.mjs';

const setup = readFileSync(resolve(root, 'scripts/setup.sh'), 'utf8');
const desktop = readFileSync(resolve(root, 'scripts/with-desktop.sh'), 'utf8');

/** The packages of a `name=(...)` array in setup.sh. */
function packages(name) {
  const m = setup.match(new RegExp(`^${name}=\\(([^)]*)\\)`, 'm'));
  assert.ok(m, `setup.sh lists ${name}`);
  return m[1].split(/\s+/).filter(Boolean);
}

const sh = (cmd, args) => execFileSync(cmd, args, { encoding: 'utf8' }).trim();

test('run-headless installs every program scripts/with-desktop.sh starts', () => {
  const listed = [...packages('build_pkgs'), ...packages('run_pkgs'), ...packages('headless_pkgs')];
  // Each listed package and what it depends on directly (dbus brings dbus-daemon on Debian 12).
  const provided = new Set(listed);
  for (const line of sh('apt-cache', ['depends', '--no-recommends', '--no-suggests', ...listed]).split('\n')) {
    const dep = line.match(/^\s*(?:Pre)?Depends:\s*<?([^\s>]+)>?/);
    if (dep) provided.add(dep[1].split(':')[0]);
  }
  const programs = ['Xvfb', 'dbus-run-session', 'gnome-keyring-daemon'];
  for (const program of programs) {
    assert.ok(desktop.includes(program), `with-desktop.sh still starts ${program}`);
    const path = sh('bash', ['-c', `readlink -f "$(command -v ${program})"`]);
    const owner = sh('dpkg', ['-S', path]).split(':')[0];
    assert.ok(provided.has(owner), `${program} comes from ${owner}, which setup.sh run-headless does not install`);
  }
});

test('setup.sh refuses a mode it does not know, before installing anything', () => {
  const r = spawnSync('bash', [resolve(root, 'scripts/setup.sh'), 'headless'], { encoding: 'utf8' });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /unknown mode headless \(run, run-headless or test\)/);
});
