#!/usr/bin/env node
// Search in a real browser, over built sites that ship `search-fixture.json`
// (tests/fixtures/search built with brief): other sites given are skipped.
//
//   node tests/browser/search.mjs <site-dir>...
//
// Served by python3's http.server on 127.0.0.1 at "/" and under
// "/briefings/", and opened through file://, each site is checked for:
//   * typing a word only one briefing's body has shows that section as a
//     result within a few seconds, announced in the aria-live region, with
//     the match highlighted; Tab reaches the result, and following it lands
//     on the section's anchor;
//   * the same with a tag filter: a word three briefings have, narrowed to
//     one tag, gives only that tag's section;
//   * markup in a heading or code shows as text, never as elements;
//   * words only a draft and an embargoed briefing have give no result;
//   * the header's search form leads to the search page with the word;
//   * the French search page (fixture's `french`) finds the word only the
//     French translation has, announces it in French, finds nothing for an
//     English-only word, and a French page's header form leads to it; the
//     English page does not find the French word;
//   * with JavaScript off, and from file://, the page says search cannot
//     run, lists every topic and links to the archive of every briefing;
//   * no request leaves the local server; no console error.
// Last line: "N passed, M failed"; exit status 1 on any failure.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const CHROMIUM = process.env.BRIEF_CHROMIUM || '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
  '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1'];
const WAIT = 5000;

let passed = 0;
let failed = 0;
function check(name, ok, detail = '') {
  if (ok) { passed++; console.log(`ok    ${name}`); } else { failed++; console.log(`FAIL  ${name}${detail ? `\n        - ${detail}` : ''}`); }
}

function serve(dir) {
  return new Promise((resolve, reject) => {
    const child = spawn('python3', ['-u', '-m', 'http.server', '--bind', '127.0.0.1', '0', '--directory', dir],
      { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const timer = setTimeout(() => { child.kill(); reject(new Error(`http.server did not start: ${out}`)); }, 10000);
    child.stdout.on('data', (b) => {
      out += b;
      const m = out.match(/port (\d+)/);
      if (m) { clearTimeout(timer); child.stdout.resume(); resolve({ origin: `http://127.0.0.1:${m[1]}`, close: () => child.kill() }); }
    });
    child.stderr.resume();
    child.on('error', reject);
  });
}

// A page that aborts and records every request to another host, and
// records console errors.
async function open(context, origin) {
  const page = await context.newPage();
  const problems = [];
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(origin) || url.startsWith('data:')) return route.continue();
    problems.push(`request to another host: ${url}`);
    return route.abort();
  });
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`exception: ${e.message}`));
  return { page, problems };
}

// Types `word` letter by letter, as a reader does, then waits for the
// status line to report results.
async function typeAndWait(page, word) {
  await page.fill('#search-q', '');
  await page.type('#search-q', word, { delay: 30 });
  await page.waitForFunction(
    (w) => document.getElementById('search-status').textContent.includes(`“${w}”`),
    word, { timeout: WAIT });
}

async function results(page) {
  return page.$$eval('#search-results li', (lis) => lis.map((li) => ({
    href: li.querySelector('a').getAttribute('href'),
    title: li.querySelector('a').textContent,
    marks: [...li.querySelectorAll('mark')].map((m) => m.textContent.toLowerCase()),
    html: li.innerHTML,
  })));
}

async function served(browser, site, base, label) {
  const { origin } = new URL(base);
  const context = await browser.newContext();
  const { page, problems } = await open(context, origin);
  const fx = site.fixture;
  await page.goto(`${base}search/index.html`);
  await page.waitForFunction(() => !document.querySelector('.search-filter').hidden, null, { timeout: WAIT })
    .catch(() => {});
  check(`[${label}] the filters show once the index loads`, await page.isVisible('#search-tag'));
  check(`[${label}] the fallback is gone once the index loads`, (await page.$('#search-fallback')) === null);

  // A word only one briefing's body has.
  const started = Date.now();
  let ok = true;
  await typeAndWait(page, fx.unique.word).catch((e) => { ok = false; check(`[${label}] results for “${fx.unique.word}”`, false, e.message); });
  if (ok) {
    const took = Date.now() - started;
    const list = await results(page);
    const want = new URL(fx.unique.url, base).pathname;
    check(`[${label}] “${fx.unique.word}” gives one result, its section (${took} ms)`,
      list.length === 1 && list[0].href === `${want.replace(/#.*/, '')}#${fx.unique.url.split('#')[1]}` && list[0].title === fx.unique.title,
      JSON.stringify(list));
    check(`[${label}] the match is highlighted`, list[0]?.marks.includes(fx.unique.word), JSON.stringify(list[0]?.marks));
    check(`[${label}] the aria-live region announces it`,
      (await page.textContent('#search-status')).startsWith('1 briefing'),
      await page.textContent('#search-status'));
    // Tab from the search box reaches the result (past the filters and button).
    await page.focus('#search-q');
    let reached = false;
    for (let i = 0; i < 6 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate(() => document.activeElement?.closest('#search-results') !== null);
    }
    check(`[${label}] Tab reaches the result`, reached);
    if (reached) {
      await Promise.all([page.waitForURL(/#/), page.keyboard.press('Enter')]);
      const url = new URL(page.url());
      const target = await page.evaluate((id) => !!document.getElementById(id), url.hash.slice(1));
      check(`[${label}] following it lands on the section`,
        url.pathname.endsWith(fx.unique.url.split('#')[0]) && url.hash === `#${fx.unique.url.split('#')[1]}` && target,
        page.url());
      await page.goBack();
    }
  }

  // Author text is shown as text: a heading and code holding markup.
  ok = true;
  await typeAndWait(page, fx.escaped.word).catch((e) => { ok = false; check(`[${label}] results for “${fx.escaped.word}”`, false, e.message); });
  if (ok) {
    const list = await results(page);
    const injected = await page.$$eval('#search-results script, #search-results b', (e) => e.length);
    check(`[${label}] markup in the text is shown as text, never run`,
      list.length === 1 && injected === 0 && list[0].html.includes('&lt;script&gt;') && list[0].title === fx.escaped.title,
      JSON.stringify(list));
    await page.screenshot({ path: path.join(os.tmpdir(), `brief-search-${label.replace(/\W/g, '')}.png`) });
  }

  // The same with a tag filter.
  await page.goto(`${base}search/index.html`);
  await page.waitForFunction(() => !document.querySelector('.search-filter').hidden, null, { timeout: WAIT }).catch(() => {});
  ok = true;
  await typeAndWait(page, fx.filtered.word).catch((e) => { ok = false; check(`[${label}] results for “${fx.filtered.word}”`, false, e.message); });
  if (ok) {
    const all = await results(page);
    check(`[${label}] “${fx.filtered.word}” unfiltered gives ${fx.filtered.unfiltered} results`, all.length === fx.filtered.unfiltered, JSON.stringify(all.map((r) => r.href)));
    await page.selectOption('#search-tag', fx.filtered.tag);
    await page.waitForFunction((t) => document.getElementById('search-status').textContent.includes(` in ${t}`), fx.filtered.tag, { timeout: WAIT })
      .catch(() => {});
    const some = await results(page);
    check(`[${label}] filtered to ${fx.filtered.tag}, only its section`,
      some.length === 1 && some[0].href.endsWith(fx.filtered.url) && some[0].title === fx.filtered.title,
      JSON.stringify(some.map((r) => r.href)));
    check(`[${label}] the filter is kept in the address`, new URL(page.url()).searchParams.get('tag') === fx.filtered.tag, page.url());
  }

  // Drafts and embargoed briefings are not found.
  for (const word of fx.hidden) {
    ok = true;
    await typeAndWait(page, word).catch((e) => { ok = false; check(`[${label}] status for “${word}”`, false, e.message); });
    if (ok) {
      await page.selectOption('#search-tag', '');
      await page.waitForFunction(() => !document.getElementById('search-status').textContent.includes(' in '), null, { timeout: WAIT }).catch(() => {});
      check(`[${label}] “${word}” (draft or embargoed only) gives nothing`, (await results(page)).length === 0, await page.textContent('#search-status'));
    }
  }

  // The header form of another page leads here with the word searched.
  await page.goto(`${base}index.html`);
  await page.fill('#site-search-q', fx.unique.word);
  await Promise.all([page.waitForURL(/search\/index\.html\?q=/), page.press('#site-search-q', 'Enter')]);
  await page.waitForFunction(() => document.querySelectorAll('#search-results li').length > 0, null, { timeout: WAIT }).catch(() => {});
  check(`[${label}] the header form searches from any page`, (await results(page)).length === 1, page.url());

  check(`[${label}] no request to another host, no console error`, problems.length === 0, problems.join('; '));
  await context.close();
}

// The French search page: the French index only, its words French.
async function french(browser, site, base, label) {
  const fx = site.fixture.french;
  if (!fx) return;
  const { origin } = new URL(base);
  const context = await browser.newContext();
  const { page, problems } = await open(context, origin);
  const quoted = (w) => `«\u00a0${w}\u00a0»`;
  const waitFor = (w) => page.waitForFunction(
    (q) => document.getElementById('search-status').textContent.includes(q), quoted(w), { timeout: WAIT });
  await page.goto(`${base}${fx.page}`);
  await page.waitForFunction(() => !document.querySelector('.search-filter').hidden, null, { timeout: WAIT }).catch(() => {});
  check(`[${label}] the French page's filters show once its index loads`, await page.isVisible('#search-tag'));
  let ok = true;
  await page.type('#search-q', fx.word, { delay: 30 });
  await waitFor(fx.word).catch((e) => { ok = false; check(`[${label}] French results for “${fx.word}”`, false, e.message); });
  if (ok) {
    const list = await results(page);
    const want = new URL(fx.url, base);
    check(`[${label}] “${fx.word}” on the French page gives its French section`,
      list.length === 1 && list[0].href === `${want.pathname}${want.hash}` && list[0].title === fx.title,
      JSON.stringify(list));
    const status = await page.textContent('#search-status');
    check(`[${label}] the French status says it in French`,
      status === `1\u00a0note pour ${quoted(fx.word)}.`, status);
  }
  ok = true;
  await page.fill('#search-q', '');
  await page.type('#search-q', fx.english, { delay: 30 });
  await waitFor(fx.english).catch((e) => { ok = false; check(`[${label}] French status for “${fx.english}”`, false, e.message); });
  if (ok) {
    const status = await page.textContent('#search-status');
    check(`[${label}] an English-only word gives nothing on the French page`,
      (await results(page)).length === 0 && status.startsWith('Aucune note'), status);
  }
  // A French page's header form leads to the French search page.
  await page.goto(`${base}${fx.home}`);
  await page.fill('#site-search-q', fx.word);
  await Promise.all([page.waitForURL(/fr\/search\/index\.html\?q=/), page.press('#site-search-q', 'Enter')]);
  await page.waitForFunction(() => document.querySelectorAll('#search-results li').length > 0, null, { timeout: WAIT }).catch(() => {});
  check(`[${label}] a French page's header form searches the French index`, (await results(page)).length === 1, page.url());
  // The English page does not find the French word.
  await page.goto(`${base}search/index.html?q=${fx.word}`);
  await page.waitForFunction((w) => document.getElementById('search-status').textContent.includes(`“${w}”`), fx.word, { timeout: WAIT })
    .catch(() => {});
  const status = await page.textContent('#search-status');
  check(`[${label}] the English page does not find the French word`,
    (await results(page)).length === 0 && status.startsWith('No briefings'), status);
  check(`[${label}] no request to another host, no console error (French)`, problems.length === 0, problems.join('; '));
  await context.close();
}

async function fallback(browser, site, url, label, javaScript) {
  const context = await browser.newContext({ javaScriptEnabled: javaScript });
  const { page, problems } = await open(context, url.startsWith('file:') ? 'file://' : new URL(url).origin);
  await page.goto(url);
  await page.waitForTimeout(300);
  const note = await page.isVisible('#search-note');
  const topics = await page.$$eval('.search-fallback .tag-cloud a', (a) => a.length);
  const archiveLink = await page.$('.search-fallback a[href$="archive/index.html"]');
  let archived = 0;
  if (archiveLink) {
    await Promise.all([page.waitForURL(/archive\/index\.html/), archiveLink.click()]);
    archived = await page.$$eval('main h2 + ul a', (a) => a.length);
    await page.goBack();
  }
  check(`[${label}] says search cannot run and offers every topic and the archive by month`,
    note && topics === site.tags && archived === site.briefings, `note ${note}, ${topics} topics, ${archived} archived`);
  if (javaScript) {
    const status = await page.textContent('#search-status');
    check(`[${label}] the status line says why`, /opened from disk/.test(status), status);
  }
  check(`[${label}] no request to another host, no console error`, problems.length === 0, problems.join('; '));
  await context.close();
}

const dirs = process.argv.slice(2);
if (dirs.length === 0) {
  console.error('usage: node tests/browser/search.mjs <site-dir>...');
  process.exit(2);
}
const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
const closers = [];
try {
  for (const d of dirs) {
    const dir = fs.realpathSync(d);
    const spec = path.join(dir, 'search-fixture.json');
    if (!fs.existsSync(spec)) { console.log(`skip  ${d}: no search-fixture.json`); continue; }
    const fixture = JSON.parse(fs.readFileSync(spec, 'utf8'));
    const site = { fixture, tags: fixture.fallback.topics, briefings: fixture.fallback.briefings };
    console.log(`== ${d}`);
    const root = await serve(dir); closers.push(root.close);
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'brief-search-'));
    fs.symlinkSync(dir, path.join(tmp, 'briefings'));
    closers.push(() => fs.rmSync(tmp, { recursive: true, force: true }));
    const sub = await serve(tmp); closers.push(sub.close);
    await served(browser, site, `${root.origin}/`, 'root');
    await served(browser, site, `${sub.origin}/briefings/`, '/briefings/');
    await french(browser, site, `${root.origin}/`, 'root');
    await french(browser, site, `${sub.origin}/briefings/`, '/briefings/');
    await fallback(browser, site, `${root.origin}/search/index.html?q=${fixture.unique.word}`, 'no JavaScript', false);
    await fallback(browser, site, pathToFileURL(path.join(dir, 'search/index.html')).href, 'file://', true);
  }
} finally {
  await browser.close();
  for (const c of closers) c();
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
