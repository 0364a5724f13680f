// axe-core run inside the real WebKitGTK page (injected once per page), for the accessibility
// checks of e2e/screens.test.mjs and e2e/viewer.test.mjs.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const source = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Every violation axe finds in the page now: id, impact, help and up to six elements. */
export async function axeViolations(s) {
  await s.script(`if (!window.axe) { ${source}\n }`);
  return s.cmd('POST', '/execute/async', {
    script: `const done = arguments[arguments.length - 1];
      window.axe.run(document, { resultTypes: ['violations'] }).then(
        (r) => done(r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
          nodes: v.nodes.slice(0, 6).map((n) => n.target.join(' ')) }))),
        (e) => done([{ id: 'axe-error', impact: 'critical', help: String(e), nodes: [] }]));`,
    args: [],
  });
}

/** The serious and critical ones: what fails a test. */
export const serious = (violations) => violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
