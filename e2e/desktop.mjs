// The desktop around the app window, as the e2e tests reach it: the X keyboard and windows
// (xdotool), the notification server of the test session (dunst), the clipboard (read as
// another GTK program would), and the desk's process.
import { execFileSync } from 'node:child_process';

/** Runs xdotool; its output, trimmed. Throws when xdotool fails. */
export const xdotool = (...args) => execFileSync('xdotool', args, { encoding: 'utf8' }).trim();

/** The app's visible window, or `undefined` when there is none (xdotool exits 1 then). */
export function visibleWindow() {
  try {
    return xdotool('search', '--onlyvisible', '--name', '^Partner Desk$').split('\n').filter(Boolean)[0];
  } catch {
    return undefined;
  }
}

/** Whether the process `pid` still runs. */
export function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Every notification shown so far (closed first, so that all are in dunst's history). */
export function notifications() {
  execFileSync('dunstctl', ['close-all']);
  const history = JSON.parse(execFileSync('dunstctl', ['history'], { encoding: 'utf8' }));
  return history.data.flat().map((n) => ({ app: n.appname.data, summary: n.summary.data, body: n.body.data }));
}

/** What the clipboard holds now, as another program reads it (GTK's clipboard). */
export function clipboardText() {
  return execFileSync(
    '/usr/bin/python3',
    [
      '-c',
      'import gi; gi.require_version("Gtk", "3.0"); from gi.repository import Gtk, Gdk; ' +
        'print(Gtk.Clipboard.get(Gdk.SELECTION_CLIPBOARD).wait_for_text() or "", end="")',
    ],
    { encoding: 'utf8' },
  );
}
