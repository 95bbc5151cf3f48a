#!/usr/bin/env node
// Self-test of the browser suite: proves that every check can fail, and that
// a correct site passes.
//
//   node tests/browser/selftest.mjs
//
// Runs the same engine as run.mjs (one browser for both fixtures) over
//   fixtures/broken — a hand-written site with one deliberate fault per
//                     check; each fault must be reported by the check named
//                     below, on the page named below, in the mode named below;
//   fixtures/clean  — a hand-written site that must produce no failure.
// Prints one line per expectation and a last line "N passed, M failed";
// exits 1 if a fault went undetected or the clean site failed anything.

import path from 'node:path';
import os from 'node:os';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runSuite } from './lib.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const BROKEN = path.join(HERE, 'fixtures/broken');
const CLEAN = path.join(HERE, 'fixtures/clean');

// [fault, check (exact name), page (end of URL / path), mode or null = any, detail regex]
const HOME = /(\/|\/index\.html)$/;
const FAULTY = /faulty-briefing\/index\.html$/;
const EXPECTED = [
  ['img without alt (light)', 'axe (light)', FAULTY, 'root', /^image-alt\b/],
  ['img without alt (dark)', 'axe (dark)', FAULTY, 'root', /^image-alt\b/],
  ['low-contrast text', 'axe (light)', FAULTY, 'root', /^color-contrast\b.*\.faint/],
  ['low contrast in dark scheme only', 'axe (dark)', FAULTY, 'root', /^color-contrast\b.*\.dark-faint/],
  ['duplicate id', 'Nu HTML Checker: no errors', FAULTY, 'vnu', /Duplicate ID “twice”/],
  ['HTML validity error', 'Nu HTML Checker: no errors', FAULTY, 'vnu', /Stray end tag “span”/],
  ['broken internal link (root)', 'links, images, styles and #anchors resolve', HOME, 'root', /missing-page\/index\.html.*HTTP 404/],
  ['broken internal link (sub-path)', 'links, images, styles and #anchors resolve', HOME, 'sub-path', /missing-page\/index\.html.*HTTP 404/],
  ['broken internal link (file://)', 'links, images, styles and #anchors resolve', HOME, 'file', /missing-page\/index\.html.*no such file/],
  ['broken image', 'links, images, styles and #anchors resolve', HOME, 'root', /no-such-picture\.png.*HTTP 404/],
  ['broken #anchor', 'links, images, styles and #anchors resolve', HOME, 'root', /no element with id="no-such-section"/],
  ['root-absolute link escapes /briefings/', 'links, images, styles and #anchors resolve', HOME, 'sub-path', /href="\/faulty-briefing\/index\.html".*outside the site root/],
  ['absolute link under the public address to a missing page', 'links, images, styles and #anchors resolve', HOME, 'root', /href="https:\/\/broken\.example\/gone\/".*HTTP 404/],
  ['directory link on file://', 'links, images, styles and #anchors resolve', HOME, 'file', /href="faulty-briefing\/".*is a directory/],
  ['external request (root)', 'no request outside the local server', FAULTY, 'root', /example\.invalid.*blocked/],
  ['external request (file://)', 'no request outside the local server', FAULTY, 'file', /example\.invalid.*blocked/],
  ['console error', 'no console errors or page errors', FAULTY, 'root', /console\.error: deliberate console error/],
  ['page error', 'no console errors or page errors', FAULTY, 'root', /uncaught: deliberate page error/],
  ['content wider than 360px', 'no horizontal scroll at 360px', FAULTY, 'root', /div\.wide/],
  ['content wider than 1280px (768)', 'no horizontal scroll at 768px', HOME, 'root', /div\.very-wide/],
  ['content wider than 1280px (1280)', 'no horizontal scroll at 1280px', HOME, 'root', /div\.very-wide/],
  ['section drawn out of order', 'section headings visible in order', FAULTY, 'root', /"Drawn first".*drawn above/],
  ['off-screen section heading', 'section headings visible in order', FAULTY, 'root', /"Off-screen heading".*not visible/],
  ['visually hidden section heading', 'section headings visible in order', FAULTY, 'root', /"Hidden heading".*not visible/],
  ['unexpected section headings', 'section headings visible in order', FAULTY, 'root', /expected to contain, in order, \["The request"/],
  ['nav shown in print', 'print: sections shown, nav hidden', FAULTY, 'root', /nav "Site" is still shown in print/],
  ['section text missing in print', 'print: sections shown, nav hidden', FAULTY, 'root', /section#hidden-in-print: 1 text run\(s\) not printed/],
  ['HTML+CSS over budget', 'budget: HTML+CSS ≤ 51200 bytes', FAULTY, 'root', /bloat\.css/],
  ['superscript opens up its line', 'typography: superscripts, cards, self-links, key facts first', FAULTY, 'root', /p\.tall-sup with a superscript is .* the superscript opens up its line/],
  ['card dek larger than its headline', 'typography: superscripts, cards, self-links, key facts first', FAULTY, 'root', /card "A related briefing": dek 20\.8px is not smaller/],
  ['self-link always shown', 'typography: superscripts, cards, self-links, key facts first', FAULTY, 'root', /a\.self-link is shown before it is hovered or focused/],
  ['key facts after the text on a phone', 'typography: superscripts, cards, self-links, key facts first', FAULTY, 'root', /at 390px the key facts start at .*below section#request/],
  ['text only rendered by JavaScript', 'readable without JavaScript', FAULTY, 'root', /section#js-only/],
];
// Checks that must NOT fire on the broken fixture (they would be false
// positives there): the 768 px and 1280 px layouts fit.
const MUST_PASS_ON_BROKEN = [
  ['no horizontal scroll at 768px', FAULTY],
  ['no horizontal scroll at 1280px', FAULTY],
];

const artifactsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'brief-selftest-'));
let results;
try {
  results = await runSuite([BROKEN, CLEAN], {
    quiet: true,
    artifactsDir,
    expectHeadings: {
      'sample-briefing': ['The ask', 'Talks', 'History'],
      'faulty-briefing': ['The request', 'Diplomacy', 'Historical context'],
    },
  });
} catch (e) {
  console.error(`self-test could not run: ${e.stack || e}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
} finally {
  fs.rmSync(artifactsDir, { recursive: true, force: true });
}

let passed = 0, failed = 0;
const ok = (msg) => { passed++; console.log(`ok    ${msg}`); };
const bad = (msg, extra = []) => { failed++; console.log(`FAIL  ${msg}`); for (const e of extra) console.log(`        - ${e}`); };

const broken = results.items.filter((i) => i.site === 'broken');
const clean = results.items.filter((i) => i.site === 'clean');

for (const [fault, check, page, mode, detail] of EXPECTED) {
  const hits = broken.filter((i) => i.check === check && page.test(i.page) && (!mode || i.mode === mode));
  if (hits.length === 0) { bad(`broken: ${fault}: check "${check}" never ran on a page matching ${page} (${mode})`); continue; }
  const found = hits.some((i) => !i.ok && i.problems.some((p) => detail.test(p)));
  if (found) ok(`broken: ${fault} → reported by "${check}" [${mode}]`);
  else bad(`broken: ${fault} went undetected by "${check}" [${mode}]`, hits.flatMap((i) => i.problems));
}
for (const [check, page] of MUST_PASS_ON_BROKEN) {
  const hits = broken.filter((i) => i.check === check && page.test(i.page));
  if (hits.length && hits.every((i) => i.ok)) ok(`broken: "${check}" passes where nothing is wrong`);
  else bad(`broken: "${check}" should pass on ${page}`, hits.flatMap((i) => i.problems));
}

// The clean site: all checks of every kind ran and none failed.
const kinds = new Set(broken.map((i) => i.check));
for (const kind of [...kinds].sort()) {
  const runs = clean.filter((i) => i.check === kind);
  const failing = runs.filter((i) => !i.ok);
  if (runs.length === 0) bad(`clean: check "${kind}" never ran`);
  else if (failing.length) bad(`clean: "${kind}" failed`, failing.flatMap((i) => i.problems.map((p) => `[${i.mode}] ${i.page}: ${p}`)));
  else ok(`clean: "${kind}" passed (${runs.length}×)`);
}
const unexpected = clean.filter((i) => !i.ok && !kinds.has(i.check));
for (const i of unexpected) bad(`clean: "${i.check}" failed [${i.mode}] ${i.page}`, i.problems);
const cleanPages = new Set(clean.filter((i) => i.mode === 'root').map((i) => i.page));
if (cleanPages.size === 3) ok('clean: home, briefing and the unlinked 404 page all checked');
else bad(`clean: expected 3 pages at the root, checked ${cleanPages.size}`, [...cleanPages]);
const orphanWarn = results.warnings.filter((w) => w.site === 'clean' && w.check === 'crawl');
if (orphanWarn.length === 1 && orphanWarn.every((w) => /404\.html$/.test(w.page))) ok('clean: 404.html noted as not linked');
else bad('clean: expected 404.html to be noted as not linked', orphanWarn.map((w) => w.page));

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
