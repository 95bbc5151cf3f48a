#!/usr/bin/env node
// Real-browser checks over one or more built brief sites.
//
//   node tests/browser/run.mjs [options] <site-dir> [<site-dir> ...]
//
// Options:
//   --expect-headings SLUG=Heading one|Heading two|...   (repeatable; SLUG "*"
//        matches every briefing) — the h2 texts of main section[id], in order.
//   --budget-kb N          HTML+CSS budget per briefing page (default 50).
//   --artifacts DIR        where screenshots go (default tests/browser/artifacts).
//   --base-url URL         the site's public address (default: the home page's
//                          absolute canonical link, if any).
//   --all-screenshots      also screenshot listing pages (tags etc.), not only
//                          the home page and briefings.
//
// Each site is served at "/" and under "/briefings/" by python3's http.server
// on 127.0.0.1 and opened through file://; see lib.mjs for the checks.
// Prints every failing check with page and detail, then a last line
// "N passed, M failed"; exits 1 if anything failed (2 on a usage error).

import { runSuite } from './lib.mjs';

const args = process.argv.slice(2);
const sites = [];
const options = { expectHeadings: {} };
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--expect-headings') {
    const [slug, list] = (args[++i] || '').split(/=(.*)/s);
    if (!list) { console.error('--expect-headings wants SLUG=Heading|Heading'); process.exit(2); }
    options.expectHeadings[slug] = list.split('|').map((s) => s.trim());
  } else if (a === '--budget-kb') {
    options.budgetBytes = Number(args[++i]) * 1024;
  } else if (a === '--base-url') {
    options.baseUrl = new URL('./', args[++i]).href;
  } else if (a === '--all-screenshots') {
    options.allScreenshots = true;
  } else if (a === '--artifacts') {
    options.artifactsDir = args[++i];
  } else if (a === '-h' || a === '--help') {
    console.log('usage: node tests/browser/run.mjs [--expect-headings SLUG=A|B] [--budget-kb N] [--artifacts DIR] [--base-url URL] [--all-screenshots] <site-dir>...');
    process.exit(0);
  } else {
    sites.push(a);
  }
}
if (sites.length === 0) {
  console.error('usage: node tests/browser/run.mjs [options] <site-dir> [<site-dir> ...]');
  process.exit(2);
}

const started = Date.now();
let results;
try {
  results = await runSuite(sites, options);
} catch (e) {
  console.error(`browser suite could not run: ${e.stack || e}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
}
console.log(`\n${results.items.length} checks on ${new Set(results.items.map((i) => i.page)).size} page/file(s), ${results.warnings.length} warning(s), ${((Date.now() - started) / 1000).toFixed(1)}s`);
console.log(`${results.passed} passed, ${results.failed} failed`);
process.exit(results.failed ? 1 : 0);
