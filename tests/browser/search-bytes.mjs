#!/usr/bin/env node
// The bytes a browser fetches to search a built site for one word:
//
//   node tests/browser/search-bytes.mjs <built-site-dir> <word> [<word>...]
//
// A measurement, not a test (run-all.sh does not run it). Serves the site with python3's
// http.server on 127.0.0.1, opens search/index.html in Debian's Chromium,
// types the word and waits for the results, then prints every response by
// path with its size, the search page's own HTML and CSS apart from what
// the search loads (Pagefind's script, worker, WebAssembly, metadata, the
// index chunks and the fragments of the results shown).

import { spawn } from 'node:child_process';
import { chromium } from 'playwright-core';

const [dir, ...words] = process.argv.slice(2);
if (!dir || words.length === 0) {
  console.error('usage: node tests/browser/search-bytes.mjs <built-site-dir> <word>...');
  process.exit(2);
}
const server = spawn('python3', ['-u', '-m', 'http.server', '--bind', '127.0.0.1', '0', '--directory', dir],
  { stdio: ['ignore', 'pipe', 'ignore'] });
const origin = await new Promise((resolve) => {
  let out = '';
  server.stdout.on('data', (b) => { out += b; const m = out.match(/port (\d+)/); if (m) resolve(`http://127.0.0.1:${m[1]}`); });
});
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox'] });
try {
  for (const word of words) {
    const context = await browser.newContext();
    const page = await context.newPage();
    const sizes = [];
    page.on('response', async (r) => {
      try { sizes.push([new URL(r.url()).pathname, (await r.body()).length]); } catch { /* redirects */ }
    });
    await page.goto(`${origin}/search/index.html`);
    await page.waitForFunction(() => !document.querySelector('.search-filter').hidden);
    const before = sizes.length;
    await page.type('#search-q', word, { delay: 20 });
    await page.waitForFunction((w) => document.getElementById('search-status').textContent.includes(`“${w}”`), word, { timeout: 20000 });
    await page.waitForTimeout(500);
    const total = (list) => list.reduce((n, [, s]) => n + s, 0);
    const pageOwn = sizes.filter(([p]) => !p.includes('/pagefind/'));
    const search = sizes.filter(([p]) => p.includes('/pagefind/'));
    console.log(`== “${word}”: ${await page.textContent('#search-status')}`);
    for (const [p, s] of sizes) console.log(`${String(s).padStart(9)}  ${p}`);
    console.log(`search page HTML and CSS: ${total(pageOwn)} bytes; search files: ${total(search)} bytes (${total(sizes.slice(before))} of them after the first keystroke)`);
    await context.close();
  }
} finally {
  await browser.close();
  server.kill();
}
