// Drives the real GTK file chooser under Xvfb with xdotool, as a person would: wait for the
// dialog, Ctrl+L, type the path, Return. There is no window manager, so focus is set directly.
import { execFileSync } from 'node:child_process';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function dialogs(title, visible = false) {
  try {
    const args = ['search', ...(visible ? ['--onlyvisible'] : []), '--name', title];
    return execFileSync('xdotool', args, { encoding: 'utf8' }).split('\n').filter(Boolean);
  } catch {
    return []; // xdotool exits 1 while nothing matches
  }
}

function xdotool(...args) {
  return execFileSync('xdotool', args, { encoding: 'utf8' }).trim();
}

/**
 * Runs `open` (the click that opens a dialog titled `title`) and enters `path` in the dialog it
 * opens. GTK keeps earlier choosers around unmapped, so the new one is told apart from those.
 * An open dialog takes the path after Ctrl+L; a save dialog in its (focused) name field.
 */
async function fillDialog(title, open, path, save, timeout = 20000) {
  const before = new Set(dialogs(title));
  await open();
  const deadline = Date.now() + timeout;
  let win;
  while (!win && Date.now() < deadline) {
    win = dialogs(title).find((id) => !before.has(id));
    if (!win) await sleep(150);
  }
  if (!win) throw new Error(`no new window titled ${title}`);
  await sleep(500); // let GTK finish mapping the chooser before typing into it
  // Under load the chooser sometimes loses the typed path or the Return (its location bar's
  // completion popup takes it); it stays open then, so the path is entered again. A chooser that
  // closed is never typed into again: the keys would land in the app's window.
  for (let attempt = 1; ; attempt++) {
    xdotool('windowfocus', '--sync', win);
    xdotool('key', '--clearmodifiers', save ? 'ctrl+a' : 'ctrl+l');
    await sleep(200);
    if (!save && attempt > 1) xdotool('key', '--clearmodifiers', 'ctrl+a'); // replace the earlier try's text
    xdotool('type', '--delay', '5', path);
    await sleep(300);
    xdotool('key', 'Return');
    const closeBy = Date.now() + 4000;
    while (Date.now() < closeBy && dialogs(title, true).includes(win)) await sleep(150);
    if (!dialogs(title, true).includes(win)) return;
    if (attempt === 3) throw new Error(`the ${title} dialog did not take ${path} after 3 tries`);
  }
}

/** Picks `path` in the "Add documents" dialog that `open` opens. */
export const pickInDialog = (open, path) => fillDialog('Add documents', open, path, false);

/** Saves to `path` in the "Save export" dialog that `open` opens. */
export const saveInDialog = (open, path) => fillDialog('Save export', open, path, true);

/** Picks `path` in the "Import users from a CSV file" dialog that `open` opens. */
export const pickCsvInDialog = (open, path) => fillDialog('Import users from a CSV file', open, path, false);
