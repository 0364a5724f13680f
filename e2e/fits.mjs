// Sizing the real window, and measuring what scrolls sideways in it, for the "fits the window"
// checks (e2e/screens.test.mjs, e2e/user-lifecycle.test.mjs).

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Sets the window's inner size and waits until the page has it. */
export async function size(s, width, height) {
  await s.cmd('POST', '/window/rect', { width, height });
  await s.waitUntil('return innerWidth === arguments[0] && innerHeight <= arguments[1] ? true : null', [width, height], {
    what: `the window at ${width}×${height}`,
  });
  await sleep(150);
}

/** The README's pictures are taken at this size. */
export const PICTURE = [1280, 800];

/** Boxes that scroll sideways (or the page itself), the board's columns excepted. */
export function sideways(s) {
  return s.script(`const out = [];
    const de = document.documentElement;
    if (de.scrollWidth > de.clientWidth + 1) out.push('the page ' + de.scrollWidth + ' > ' + de.clientWidth);
    for (const el of document.querySelectorAll('body *')) {
      if (el.closest('[data-testid="board"]')) continue;
      const x = getComputedStyle(el).overflowX;
      if (x !== 'auto' && x !== 'scroll') continue;
      if (el.scrollWidth > el.clientWidth + 1) {
        const name = el.tagName.toLowerCase() + (el.dataset.testid ? '[' + el.dataset.testid + ']' : '') + (el.className ? '.' + String(el.className).split(' ').join('.') : '');
        out.push(name + ' ' + el.scrollWidth + ' > ' + el.clientWidth);
      }
    }
    return out;`);
}
