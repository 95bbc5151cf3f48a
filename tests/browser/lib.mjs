// Shared engine of the real-browser suite, used by run.mjs (real sites) and
// selftest.mjs (hand-made fixtures).
//
// runSuite() takes built static sites and, with ONE Chromium process, checks
// what a reader actually gets:
//   * the site served by a real web server (python3 -m http.server) at "/",
//   * the same site served under "/briefings/" (a temp dir holding a symlink),
//   * the same files opened through file://.
// In each mode it crawls from the home page along every same-site reference
// and records one result per (page, check). The heavier checks (axe in light
// and dark, overflow, headings, print, budget, no-JS, screenshots) run in the
// root mode only; links, console and outside-request checks run in all three.
// HTML files no link reaches (a 404 page) are checked as well. Absolute
// links under the site's public address (the home page's canonical link, or
// --base-url) are answered from the local copy. Every request to any other
// host is aborted and reported. The Nu HTML Checker runs once over every
// .html file of all sites, in parallel with the browser work.

import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const HERE = path.dirname(fileURLToPath(import.meta.url));

export const CHROMIUM = process.env.BRIEF_CHROMIUM || '/usr/bin/chromium';
export const VNU_JAR = path.join(HERE, 'node_modules/vnu-jar/build/dist/vnu.jar');
const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
export const OVERFLOW_WIDTHS = [360, 768, 1280];
export const BUDGET_BYTES = 50 * 1024;

const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-default-apps', '--disable-extensions', '--mute-audio',
  // Belt and braces: even a request that slipped past page routing cannot
  // resolve any name; only the literal loopback address is reachable.
  '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1',
];

// ---------------------------------------------------------------- results

export class Results {
  constructor({ quiet = false } = {}) {
    this.items = [];     // {site, mode, page, check, ok, problems[]}
    this.warnings = [];  // {site, page, check, detail}
    this.quiet = quiet;
  }
  record(site, mode, page, check, problems) {
    const item = { site, mode, page, check, ok: problems.length === 0, problems };
    this.items.push(item);
    if (!item.ok && !this.quiet) {
      console.log(`FAIL  ${check}  [${mode}] ${page}`);
      for (const p of problems) console.log(`        - ${p}`);
    }
    return item;
  }
  warn(site, page, check, detail) {
    this.warnings.push({ site, page, check, detail });
    if (!this.quiet) console.log(`warn  ${check}  ${page}\n        - ${detail}`);
  }
  get passed() { return this.items.filter((i) => i.ok).length; }
  get failed() { return this.items.filter((i) => !i.ok).length; }
}

// ---------------------------------------------------------------- servers

function startServer(dir) {
  return new Promise((resolve, reject) => {
    const child = spawn('python3', ['-u', '-m', 'http.server', '--bind', '127.0.0.1', '0', '--directory', dir],
      { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const timer = setTimeout(() => { child.kill(); reject(new Error(`http.server did not start for ${dir}: ${out}`)); }, 10000);
    const onData = (buf) => {
      out += buf.toString();
      const m = out.match(/port (\d+)/);
      if (m) {
        clearTimeout(timer);
        child.stdout.off('data', onData);
        child.stdout.resume();
        child.stderr.resume(); // access log; drained, not shown
        resolve({ origin: `http://127.0.0.1:${m[1]}`, close: () => child.kill() });
      }
    };
    child.stdout.on('data', onData);
    child.on('error', reject);
    child.on('exit', (code) => { clearTimeout(timer); if (!out.includes('port')) reject(new Error(`http.server exited ${code}: ${out}`)); });
  });
}

// ---------------------------------------------------------------- vnu

export function listHtmlFiles(dir) {
  return fs.readdirSync(dir, { recursive: true })
    .filter((f) => /\.html?$/i.test(f))
    .map((f) => path.join(dir, f))
    .filter((f) => fs.statSync(f).isFile())
    .sort();
}

// One JVM per call; resolves to Map(file -> {errors[], warnings[]}).
export function runVnu(files) {
  return new Promise((resolve, reject) => {
    if (files.length === 0) return resolve(new Map());
    const child = spawn('java', ['-jar', VNU_JAR, '--format', 'json', '--stdout', '--exit-zero-always', ...files],
      { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    child.stdout.on('data', (b) => { out += b; });
    child.stderr.on('data', (b) => { err += b; });
    child.on('error', reject);
    child.on('exit', (code) => {
      let json;
      try { json = JSON.parse(out); } catch {
        return reject(new Error(`vnu produced no JSON (exit ${code}): ${err.slice(0, 500)}`));
      }
      const byFile = new Map(files.map((f) => [path.resolve(f), { errors: [], warnings: [] }]));
      for (const m of json.messages || []) {
        const file = m.url ? fileURLToPath(m.url.replace(/^file:(?!\/\/)/, 'file://')) : '(unknown)';
        if (!byFile.has(file)) byFile.set(file, { errors: [], warnings: [] });
        const where = m.lastLine ? `line ${m.lastLine}${m.firstColumn ? ':' + m.firstColumn : ''}` : '';
        const text = `${where ? where + ': ' : ''}${m.message}${m.extract ? `  «${m.extract.replace(/\s+/g, ' ').trim()}»` : ''}`;
        if (m.type === 'error' || m.type === 'non-document-error') byFile.get(file).errors.push(text);
        else if (m.type === 'info' && m.subType === 'warning') byFile.get(file).warnings.push(text);
      }
      resolve(byFile);
    });
  });
}

// ---------------------------------------------------------------- browser helpers

// `origin` is the local server's origin, or for file:// the site folder's
// URL ("file:///.../site/"): files outside the site count as outside too.
function isLocalRequest(url, origin) {
  const u = new URL(url);
  if (u.protocol === 'data:' || u.protocol === 'blob:' || u.protocol === 'about:') return true;
  if (origin.startsWith('file:')) return u.protocol === 'file:' && u.href.startsWith(origin);
  return u.origin === origin;
}

// Opens a page with listeners for console errors, page errors, failed
// same-site resources and any request leaving the local server (aborted).
// The page is reused for every URL of a mode (a new tab costs ~250 ms here);
// fresh() starts a new log before each navigation.
async function openPage(context, origin, localize = (u) => u) {
  const local = (url) => isLocalRequest(url, origin) || localize(url) !== url;
  const page = await context.newPage();
  const state = { log: null };
  const fresh = () => (state.log = { console: [], pageErrors: [], outside: [], failed: [], requested: [] });
  fresh();
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (isLocalRequest(url, origin)) return route.continue();
    const mapped = localize(url);
    if (mapped !== url) {
      // The site's own public address (base_url): answer from the local copy.
      if (mapped.startsWith('file:')) {
        const file = fileURLToPath(mapped);
        const isFile = fs.existsSync(file) && fs.statSync(file).isFile();
        return isFile ? route.fulfill({ path: file }) : route.fulfill({ status: 404, body: 'not found' });
      }
      return route.fetch({ url: mapped }).then((response) => route.fulfill({ response }), () => route.abort());
    }
    state.log.outside.push(`${route.request().resourceType()} request to ${url} (blocked)`);
    return route.abort('blockedbyclient');
  });
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    // Resource load failures are reported by the link / outside-request
    // checks with their URL; do not count them twice.
    if (/^Failed to load resource/.test(msg.text())) return;
    const loc = msg.location();
    state.log.console.push(`console.error: ${msg.text()}${loc && loc.url ? ` (${loc.url}:${loc.lineNumber})` : ''}`);
  });
  page.on('pageerror', (e) => state.log.pageErrors.push(`uncaught: ${e.message}`));
  // Second net in case a request bypasses routing.
  page.on('request', (req) => {
    if (!local(req.url())) state.log.requested.push(req);
  });
  page.on('requestfailed', (req) => {
    const f = req.failure();
    if (f && /BLOCKED_BY_CLIENT|ERR_ABORTED/.test(f.errorText)) return;
    if (local(req.url())) state.log.failed.push(`${req.resourceType()} ${req.url()} failed to load: ${f ? f.errorText : '?'}`);
  });
  page.on('response', (res) => {
    if (res.status() >= 400 && local(res.url())) {
      state.log.failed.push(`${res.request().resourceType()} ${res.url()} answered HTTP ${res.status()}`);
    }
  });
  return { page, fresh };
}

// Everything a page refers to, as absolute URLs, plus its ids.
async function collectRefs(page) {
  return page.evaluate(() => {
    const refs = [];
    const add = (el, attr, url) => refs.push({ tag: el.tagName.toLowerCase(), attr, raw: url, abs: new URL(url, document.baseURI).href, rel: (el.getAttribute('rel') || '').toLowerCase() });
    for (const el of document.querySelectorAll('a[href], area[href], link[href]')) add(el, 'href', el.getAttribute('href'));
    for (const el of document.querySelectorAll('img[src], script[src], iframe[src], source[src], video[src], audio[src], track[src], embed[src], input[src]')) add(el, 'src', el.getAttribute('src'));
    for (const el of document.querySelectorAll('img[srcset], source[srcset]')) {
      for (const part of el.getAttribute('srcset').split(',')) {
        const u = part.trim().split(/\s+/)[0];
        if (u) add(el, 'srcset', u);
      }
    }
    for (const el of document.querySelectorAll('video[poster]')) add(el, 'poster', el.getAttribute('poster'));
    for (const el of document.querySelectorAll('object[data]')) add(el, 'data', el.getAttribute('data'));
    const ids = [...document.querySelectorAll('[id]')].map((e) => e.id);
    return { refs, ids };
  });
}

async function finishAnimations(page) {
  await page.evaluate(() => {
    for (const a of document.getAnimations()) { try { a.finish(); } catch { /* infinite */ } }
  });
}

async function runAxe(page) {
  const injected = await page.evaluate(() => typeof window.axe !== 'undefined');
  if (!injected) await page.evaluate(AXE_SOURCE); // evaluate is not subject to the page's CSP
  return page.evaluate(async (tags) => {
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations', 'incomplete'] });
    const fmt = (v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${v.help} — ${n.target.join(' ')} — ${(n.failureSummary || '').replace(/\s+/g, ' ').trim()}  «${n.html.slice(0, 160)}»`);
    return { violations: r.violations.flatMap(fmt), incomplete: r.incomplete.flatMap(fmt) };
  }, AXE_TAGS);
}

async function overflowAt(page, width) {
  await page.setViewportSize({ width, height: 900 });
  return page.evaluate(() => {
    const de = document.documentElement;
    const cw = de.clientWidth;
    if (de.scrollWidth <= cw) return null;
    const name = (e) => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + [...e.classList].map((c) => '.' + c).join('');
    const over = [...document.body.querySelectorAll('*')].filter((e) => e.getBoundingClientRect().right > cw + 0.5);
    const leaves = over.filter((e) => !over.some((o) => o !== e && e.contains(o)));
    const culprits = leaves.slice(0, 5).map((e) => `${name(e)} (right edge ${Math.round(e.getBoundingClientRect().right)}px)`);
    return `scrollWidth ${de.scrollWidth}px > clientWidth ${cw}px; widest: ${culprits.join(', ') || '(none found)'}`;
  });
}

// Reading typography, on the page as laid out now:
//  - a superscript (a footnote marker) must not make its line taller: each
//    paragraph holding one is as tall as a copy whose superscripts are plain
//    text of the same size;
//  - in a briefing card the headline is set larger than the dek;
//  - a heading's self-link (.self-link) is invisible until focused, and
//    visible when it has keyboard focus;
//  - on a phone (390 px) the key facts (#key-facts), when there are any,
//    start above the first section of the text.
async function typographyProblems(page) {
  const out = await page.evaluate(() => {
    const out = [];
    const name = (e) => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + [...e.classList].map((c) => '.' + c).join('');
    for (const p of new Set([...document.querySelectorAll('main p sup, main li sup')].map((s) => s.closest('p, li')))) {
      const box = document.createElement('div');
      box.style.cssText = `position:absolute;left:-10000px;top:0;width:${p.getBoundingClientRect().width}px`;
      const a = p.cloneNode(true), b = p.cloneNode(true);
      for (const sup of b.querySelectorAll('sup')) {
        const span = document.createElement('span');
        span.style.fontSize = getComputedStyle(p.querySelector('sup')).fontSize;
        span.textContent = sup.textContent;
        sup.replaceWith(span);
      }
      box.append(a, b);
      p.parentElement.append(box);
      const ha = a.getBoundingClientRect().height, hb = b.getBoundingClientRect().height;
      box.remove();
      if (ha > hb + 0.5) out.push(`${name(p)} with a superscript is ${ha.toFixed(1)}px tall, ${hb.toFixed(1)}px without it: the superscript opens up its line`);
    }
    for (const card of document.querySelectorAll('.briefing-card')) {
      const h = card.querySelector('h2, h3'), dek = card.querySelector('.dek');
      if (!h || !dek) continue;
      const fh = parseFloat(getComputedStyle(h).fontSize), fd = parseFloat(getComputedStyle(dek).fontSize);
      if (fd >= fh) out.push(`card "${h.textContent.trim()}": dek ${fd}px is not smaller than its headline ${fh}px`);
    }
    const link = document.querySelector('.self-link');
    if (link) {
      const shown = (e) => e.checkVisibility({ opacityProperty: true, visibilityProperty: true }) && parseFloat(getComputedStyle(e).opacity) > 0.5;
      document.activeElement?.blur?.();
      if (shown(link)) out.push(`${name(link)} is shown before it is hovered or focused`);
      link.focus();
      if (!shown(link)) out.push(`${name(link)} stays hidden with keyboard focus`);
      link.blur();
    }
    return out;
  });
  const hasFacts = await page.evaluate(() => !!document.querySelector('#key-facts') && !!document.querySelector('main section[id]:not(.panel)'));
  if (hasFacts) {
    const size = page.viewportSize();
    await page.setViewportSize({ width: 390, height: 844 });
    const order = await page.evaluate(() => {
      const facts = document.querySelector('#key-facts').getBoundingClientRect().top;
      const first = [...document.querySelectorAll('main section[id]')].find((s) => !s.closest('.panel, aside') && !s.classList.contains('panel') && s.id !== 'key-points');
      return first ? { facts, first: first.getBoundingClientRect().top, id: first.id } : null;
    });
    await page.setViewportSize(size);
    if (order && order.facts > order.first) out.push(`at 390px the key facts start at ${Math.round(order.facts)}px, below section#${order.id} at ${Math.round(order.first)}px`);
  }
  return out;
}

// Section headings (h2 in main section[id]) visible, non-empty box, and laid
// out in document order. Returns {problems, headings}.
async function sectionHeadings(page, checkOrder) {
  return page.evaluate((checkOrder) => {
    const problems = [];
    const sections = [...document.querySelectorAll('main section[id]')];
    if (sections.length === 0) problems.push('no main section[id] on this briefing page');
    const headings = [];
    let lastTop = -Infinity;
    for (const s of sections) {
      const h = s.querySelector('h2');
      if (!h) { problems.push(`section#${s.id} has no h2`); continue; }
      const r = h.getBoundingClientRect();
      const style = getComputedStyle(h);
      // heading text without a trailing permalink symbol ("#", "¶", "§", "🔗")
      const text = h.textContent.replace(/\s+/g, ' ').trim().replace(/(\s*[#¶§🔗])+$/u, '');
      headings.push({ id: s.id, text });
      const visible = h.checkVisibility({ opacityProperty: true, visibilityProperty: true, contentVisibilityAuto: true });
      const offscreen = r.right <= 0 || r.left >= document.documentElement.clientWidth || r.bottom + window.scrollY <= 0;
      if (!visible || offscreen || r.width < 2 || r.height < 2 || style.clip === 'rect(0px, 0px, 0px, 0px)' || style.clipPath === 'inset(50%)') {
        problems.push(`h2 "${text}" in section#${s.id} is not visible (box ${Math.round(r.width)}×${Math.round(r.height)} at x ${Math.round(r.left)})`);
        continue;
      }
      const top = r.top + window.scrollY;
      if (checkOrder && top < lastTop) problems.push(`h2 "${text}" in section#${s.id} is drawn above the previous section's heading (y ${Math.round(top)} < ${Math.round(lastTop)})`);
      lastTop = top;
    }
    return { problems, headings };
  }, checkOrder);
}

// In print emulation: every section's text is rendered and every nav hidden.
// "Text" means each text node holding a letter or digit: it must lie in a
// visible element and have a layout box. Bare symbols (a "#" permalink, "¶",
// "↩") may be dropped on paper.
async function printProblems(page) {
  return page.evaluate(() => {
    const problems = [];
    const sections = [...document.querySelectorAll('main section[id]')];
    const blocks = sections.length ? sections : [...document.querySelectorAll('main')];
    if (blocks.length === 0) problems.push('page has no main element');
    for (const s of blocks) {
      const label = s.id ? `${s.tagName.toLowerCase()}#${s.id}` : s.tagName.toLowerCase();
      if (!s.checkVisibility({ visibilityProperty: true })) { problems.push(`${label} is hidden in print`); continue; }
      const walker = document.createTreeWalker(s, NodeFilter.SHOW_TEXT);
      const missing = [];
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        if (!/[\p{L}\p{N}]/u.test(n.data)) continue;
        const el = n.parentElement;
        // Navigation is meant to vanish on paper (checked below), so its text is not expected;
        // so is what the templates mark `screen-only` (links to downloads).
        if (el.closest('script, style, template, noscript, nav, .screen-only')) continue;
        const range = document.createRange(); range.selectNodeContents(n);
        const shown = el.checkVisibility({ visibilityProperty: true, opacityProperty: true }) && range.getClientRects().length > 0;
        if (!shown) missing.push(n.data.replace(/\s+/g, ' ').trim().slice(0, 80));
      }
      if (missing.length) problems.push(`${label}: ${missing.length} text run(s) not printed, e.g. «${missing.slice(0, 3).join('» «')}»`);
    }
    for (const n of document.querySelectorAll('nav')) {
      const r = n.getBoundingClientRect();
      if (n.checkVisibility({ visibilityProperty: true, opacityProperty: true }) && r.width > 0 && r.height > 0) {
        const label = n.getAttribute('aria-label') || n.id || n.className || '';
        problems.push(`nav${label ? ` "${label}"` : ''} is still shown in print (${Math.round(r.width)}×${Math.round(r.height)})`);
      }
    }
    return problems;
  });
}

async function stylesheetUrls(page) {
  return page.evaluate(() => {
    const urls = new Set();
    const walk = (sheet) => {
      if (sheet.href) urls.add(sheet.href);
      let rules = [];
      try { rules = [...sheet.cssRules]; } catch { /* cross-origin */ }
      for (const r of rules) if (r.styleSheet) walk(r.styleSheet);
    };
    for (const s of document.styleSheets) walk(s);
    return [...urls];
  });
}

// ---------------------------------------------------------------- modes

function pageKey(url) {
  const u = new URL(url);
  u.hash = ''; u.search = '';
  if (u.protocol !== 'file:') u.pathname = u.pathname.replace(/\/index\.html$/, '/');
  return u.href;
}

function slugFor(url, base) {
  const rel = decodeURIComponent(new URL(url).pathname.slice(new URL(base).pathname.length)).replace(/\/?index\.html$/, '').replace(/\/$/, '');
  return rel === '' ? 'home' : rel.replace(/[^A-Za-z0-9._-]+/g, '_');
}

// Checks whether an internal non-page target exists; returns null or problem.
async function probe(url, cache) {
  if (cache.has(url)) return cache.get(url);
  let result;
  const u = new URL(url);
  if (u.protocol === 'file:') {
    const p = fileURLToPath(u);
    let st = null;
    try { st = fs.statSync(p); } catch { /* missing */ }
    if (!st) result = { problem: 'no such file' };
    else if (st.isDirectory()) result = { problem: 'is a directory (file:// shows a listing, not its index.html)' };
    else result = { html: /\.html?$/i.test(p) };
  } else {
    try {
      const res = await fetch(url, { redirect: 'follow' });
      await res.arrayBuffer();
      if (!res.ok) result = { problem: `HTTP ${res.status}` };
      else result = { html: /text\/html/.test(res.headers.get('content-type') || ''), finalUrl: res.url };
    } catch (e) {
      result = { problem: `fetch failed: ${e.message}` };
    }
  }
  cache.set(url, result);
  return result;
}

// Crawl one mode. `base` is the home page URL; `scope` a prefix every
// same-site URL must start with. `deep` turns on the root-only checks.
async function crawlMode({ browser, results, site, mode, base, scope, origin, deep, opts, siteDir, baseUrl }) {
  // Absolute links to the site's public address are checked against the
  // local copy: https://example.org/x/ → <scope>x/.
  // On file:// a directory address means its index.html, as a web server
  // would answer (only relative links must name index.html themselves).
  const localize = (href) => {
    if (!baseUrl || !href.startsWith(baseUrl)) return href;
    const u = new URL(scope + href.slice(baseUrl.length));
    if (u.protocol === 'file:' && u.pathname.endsWith('/')) u.pathname += 'index.html';
    return u.href;
  };
  let orphansQueued = false;
  const orphans = [];
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, reducedMotion: 'reduce' });
  const noJs = deep ? await browser.newContext({ viewport: { width: 1280, height: 900 }, javaScriptEnabled: false }) : null;
  const cache = new Map();
  let tab = null, njTab = null;
  const queue = [base];
  const seen = new Set([pageKey(base)]);
  const pages = [];       // {url, ids:Set, refs}
  const linkProblems = new Map(); // page url -> problems
  const artifacts = path.join(opts.artifactsDir, site.label);

  while (queue.length || !orphansQueued) {
    if (!queue.length) {
      // HTML files no link leads to (a 404 page, say) are checked as well.
      orphansQueued = true;
      for (const f of listHtmlFiles(siteDir)) {
        const rel = path.relative(siteDir, f).split(path.sep).map(encodeURIComponent).join('/');
        const u = scope + rel;
        if (!seen.has(pageKey(u))) { seen.add(pageKey(u)); queue.push(u); orphans.push(u); }
      }
      if (!queue.length) break;
    }
    const url = queue.shift();
    if (!tab || tab.page.isClosed()) tab = await openPage(context, origin, localize);
    const { page } = tab;
    const log = tab.fresh();
    const problems = [];
    linkProblems.set(url, problems);
    let refs = [], ids = [];
    try {
      const resp = await page.goto(url, { waitUntil: 'load', timeout: 20000 });
      if (resp && resp.status() >= 400) problems.push(`page itself answered HTTP ${resp.status()}`);
      ({ refs, ids } = await collectRefs(page));
    } catch (e) {
      problems.push(`could not load: ${e.message.split('\n')[0]}`);
      await page.close().catch(() => {}); // a fresh tab for the next URL
    }
    const entry = { url, ids: new Set(ids), refs, log };
    pages.push(entry);

    for (const ref of refs) {
      const u = new URL(localize(ref.abs));
      if (!['http:', 'https:', 'file:'].includes(u.protocol)) continue;
      const sameOrigin = origin.startsWith('file:') ? u.protocol === 'file:' : u.origin === origin;
      if (!sameOrigin) {
        // Plain links to other sites are fine (they are never fetched);
        // resource hints would contact them, which the reader did not ask for.
        if (ref.tag === 'link' && /(preconnect|dns-prefetch|preload|prefetch|modulepreload|stylesheet|icon|manifest)/.test(ref.rel)) {
          log.outside.push(`<link rel="${ref.rel}" href="${ref.raw}"> points outside the local site`);
        }
        continue;
      }
      if (!u.href.startsWith(scope)) {
        problems.push(`<${ref.tag} ${ref.attr}="${ref.raw}"> resolves to ${u.href}, outside the site root ${scope}`);
        continue;
      }
      const target = new URL(u.href); target.hash = '';
      const p = await probe(target.href, cache);
      if (p.problem) { problems.push(`<${ref.tag} ${ref.attr}="${ref.raw}"> → ${target.href}: ${p.problem}`); continue; }
      if (p.html) {
        const key = pageKey(p.finalUrl || target.href);
        if (!seen.has(key)) { seen.add(key); queue.push(p.finalUrl || target.href); }
        if (u.hash && u.hash !== '#') entry.fragments = [...(entry.fragments || []), { ref, key, id: decodeURIComponent(u.hash.slice(1)) }];
      }
    }

    if (deep && problems.some((x) => x.startsWith('could not load'))) {
      results.record(site.label, mode, url, 'page loads', problems.filter((x) => x.startsWith('could not load')));
    } else if (deep) try {
      const slug = slugFor(url, base);
      fs.mkdirSync(artifacts, { recursive: true });
      // A briefing is an article page: it has section[id]s in main, or says
      // og:type "article". Home, tag and other listing pages are not.
      const isBriefing = slug !== 'home' && await page.evaluate(() =>
        document.querySelector('main section[id]') !== null ||
        document.querySelector('meta[property="og:type"][content="article"]') !== null);
      // Screenshots of the home page and of briefings (listing pages such as
      // tags look alike; --all-screenshots takes them too).
      const shot = (p, name) => (isBriefing || slug === 'home' || opts.allScreenshots)
        ? p.screenshot({ path: path.join(artifacts, `${slug}-${name}.png`), fullPage: true }) : null;
      // axe, light then dark
      for (const scheme of ['light', 'dark']) {
        await page.emulateMedia({ colorScheme: scheme });
        await finishAnimations(page);
        let v = [];
        try {
          const r = await runAxe(page);
          v = r.violations;
          for (const i of r.incomplete) results.warn(site.label, url, `axe (${scheme}) needs review`, i);
        } catch (e) { v = [`axe failed to run: ${e.message.split('\n')[0]}`]; }
        results.record(site.label, mode, url, `axe (${scheme})`, v);
        if (scheme === 'dark') await shot(page, 'desktop-1280-dark');
      }
      await page.emulateMedia({ colorScheme: 'light' });
      // overflow
      for (const w of OVERFLOW_WIDTHS) {
        const o = await overflowAt(page, w);
        results.record(site.label, mode, url, `no horizontal scroll at ${w}px`, o ? [o] : []);
      }
      results.record(site.label, mode, url, 'typography: superscripts, cards, self-links, key facts first', await typographyProblems(page));
      await page.setViewportSize({ width: 390, height: 844 });
      await shot(page, 'mobile-390');
      await page.setViewportSize({ width: 1280, height: 900 });
      await shot(page, 'desktop-1280');
      if (isBriefing) {
        // Visible at desktop width; visible and in document order on a
        // phone, where the layout is one column (a desktop sidebar may
        // legitimately sit beside or above later sections).
        const desk = await sectionHeadings(page, false);
        await page.setViewportSize({ width: 390, height: 844 });
        const phone = await sectionHeadings(page, true);
        await page.setViewportSize({ width: 1280, height: 900 });
        const hp = [...desk.problems.map((p) => `at 1280px: ${p}`), ...phone.problems.map((p) => `at 390px: ${p}`)];
        const headings = desk.headings;
        const expected = opts.expectHeadings && (opts.expectHeadings[slug] || opts.expectHeadings['*']);
        if (expected) {
          // the expected headings must all be there, in this order (other
          // sections such as key points or sources may sit around them)
          const got = headings.map((h) => h.text);
          let at = 0;
          for (const t of got) if (at < expected.length && t === expected[at]) at++;
          if (at < expected.length) hp.push(`section headings are [${got.map((t) => `"${t}"`).join(', ')}]; expected to contain, in order, [${expected.map((t) => `"${t}"`).join(', ')}] (first missing: "${expected[at]}")`);
        }
        results.record(site.label, mode, url, 'section headings visible in order', hp);
      }
      // print
      await page.emulateMedia({ media: 'print' });
      await finishAnimations(page);
      results.record(site.label, mode, url, 'print: sections shown, nav hidden', await printProblems(page));
      await shot(page, 'print');
      await page.emulateMedia({ media: 'screen' });
      if (isBriefing) {
        // budget: HTML + every stylesheet (links and @imports)
        let total = 0; const parts = [];
        const htmlRes = await fetch(url); const html = Buffer.from(await htmlRes.arrayBuffer());
        total += html.length; parts.push(`HTML ${html.length}`);
        for (const css of await stylesheetUrls(page)) {
          if (!isLocalRequest(css, origin)) continue;
          const r = await fetch(css); const b = Buffer.from(await r.arrayBuffer());
          total += b.length; parts.push(`${new URL(css).pathname.split('/').pop()} ${b.length}`);
        }
        if (!opts.quiet) console.log(`   size of ${new URL(url).pathname}: ${total} bytes (${parts.join(' + ')}), budget ${opts.budgetBytes}`);
        results.record(site.label, mode, url, `budget: HTML+CSS ≤ ${opts.budgetBytes} bytes`,
          total > opts.budgetBytes ? [`${total} bytes (${parts.join(' + ')})`] : []);
        // readable without JavaScript
        if (!njTab || njTab.page.isClosed()) njTab = await openPage(noJs, origin, localize);
        const nj = { page: njTab.page, log: njTab.fresh() };
        const njProblems = [];
        try {
          await nj.page.goto(url, { waitUntil: 'load', timeout: 20000 });
          njProblems.push(...await nj.page.evaluate(() => {
            const out = [];
            const sections = [...document.querySelectorAll('main section[id]')];
            if (!sections.length) out.push('no main section[id] rendered without JavaScript');
            for (const s of sections) {
              const text = s.innerText.replace(/\s+/g, ' ').trim();
              const h = s.querySelector('h2');
              if (!s.checkVisibility({ visibilityProperty: true, opacityProperty: true })) out.push(`section#${s.id} is hidden without JavaScript`);
              else if (!h || !h.checkVisibility()) out.push(`section#${s.id} heading not shown without JavaScript`);
              else if (text.length <= h.innerText.trim().length) out.push(`section#${s.id} shows no text beyond its heading without JavaScript`);
            }
            return out;
          }));
          await shot(nj.page, 'nojs');
        } catch (e) { njProblems.push(`could not load: ${e.message.split('\n')[0]}`); }
        results.record(site.label, mode, url, 'readable without JavaScript', njProblems);
      }
    } catch (e) {
      results.record(site.label, mode, url, 'page checks ran to the end', [`crashed: ${e.message.split('\n')[0]}`]);
    }
    // back to the defaults for the next URL
    await page.emulateMedia({ media: 'screen', colorScheme: 'light' }).catch(() => {});
    await page.setViewportSize({ width: 1280, height: 900 }).catch(() => {});
  }

  // Fragments need every page's ids, so they are settled after the crawl.
  const idsByKey = new Map(pages.map((p) => [pageKey(p.url), p.ids]));
  for (const p of pages) {
    const problems = linkProblems.get(p.url);
    // Requests that failed while the page was shown (CSS url()s, print-only
    // sheets, ...) unless the DOM reference was already reported.
    for (const f of p.log.failed) {
      const url = f.split(' ')[1];
      if (!problems.some((x) => x.includes(`→ ${url}:`)) && !problems.includes(f)) problems.push(f);
    }
    for (const f of p.fragments || []) {
      const ids = idsByKey.get(f.key);
      if (ids && !ids.has(f.id)) problems.push(`<${f.ref.tag} ${f.ref.attr}="${f.ref.raw}">: no element with id="${f.id}" on ${f.key}`);
    }
    results.record(site.label, mode, p.url, 'links, images, styles and #anchors resolve', problems);
    results.record(site.label, mode, p.url, 'no console errors or page errors', [...p.log.console, ...p.log.pageErrors]);
    const unrouted = p.log.requested.filter((r) => !p.log.outside.some((o) => o.includes(` ${r.url()} (blocked)`)))
      .map((r) => `${r.resourceType()} request to ${r.url()} (not routed)`);
    results.record(site.label, mode, p.url, 'no request outside the local server', [...p.log.outside, ...new Set(unrouted)]);
  }
  await context.close();
  if (noJs) await noJs.close();
  return { urls: pages.map((p) => p.url), orphans };
}

// ---------------------------------------------------------------- entry

// The site's public address, from the home page's absolute canonical link.
function canonicalBase(dir) {
  const html = fs.readFileSync(path.join(dir, 'index.html'), 'utf8');
  for (const tag of html.match(/<link\b[^>]*>/gi) || []) {
    if (!/\brel\s*=\s*["']?canonical\b/i.test(tag)) continue;
    const m = tag.match(/\bhref\s*=\s*["']?([^"'\s>]+)/i);
    if (m && /^https?:\/\//.test(m[1])) return new URL('./', m[1]).href;
  }
  return null;
}

export async function runSuite(siteDirs, options = {}) {
  const opts = {
    artifactsDir: path.join(HERE, 'artifacts'),
    budgetBytes: BUDGET_BYTES,
    expectHeadings: null,
    quiet: false,
    ...options,
  };
  const results = new Results({ quiet: opts.quiet });
  const sites = siteDirs.map((d, i) => {
    const dir = fs.realpathSync(d);
    if (!fs.existsSync(path.join(dir, 'index.html'))) throw new Error(`${d}: no index.html (is it a built site?)`);
    const taken = siteDirs.slice(0, i).map((x) => path.basename(fs.realpathSync(x)));
    let label = path.basename(dir);
    if (taken.includes(label)) label += `-${i}`;
    return { dir, label };
  });
  const say = (s) => { if (!opts.quiet) console.log(s); };

  // vnu: one JVM over every site's HTML, started first, awaited last.
  const htmlBySite = sites.map((s) => listHtmlFiles(s.dir));
  const vnuPromise = runVnu(htmlBySite.flat()).catch((e) => e);

  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  const servers = [];
  const tmpDirs = [];
  try {
    for (const site of sites) {
      fs.rmSync(path.join(opts.artifactsDir, site.label), { recursive: true, force: true });
      const root = await startServer(site.dir); servers.push(root);
      const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'brief-subpath-')); tmpDirs.push(tmp);
      fs.symlinkSync(site.dir, path.join(tmp, 'briefings'));
      const sub = await startServer(tmp); servers.push(sub);
      const fileHome = pathToFileURL(path.join(site.dir, 'index.html')).href;
      const fileScope = pathToFileURL(site.dir).href + '/';

      say(`== ${site.label} (${site.dir})`);
      const baseUrl = opts.baseUrl || canonicalBase(site.dir);
      if (baseUrl) say(`   public address ${baseUrl}: links under it are checked against the local files`);
      const { urls: found, orphans } = await crawlMode({ browser, results, site, mode: 'root', base: `${root.origin}/`, scope: `${root.origin}/`, origin: root.origin, deep: true, opts, siteDir: site.dir, baseUrl });
      say(`   root:     ${found.length} page(s): ${found.map((u) => new URL(u).pathname).join(' ')}`);
      // The light modes (links, console, requests only) run side by side.
      const [{ urls: foundSub }, { urls: foundFile }] = await Promise.all([
        crawlMode({ browser, results, site, mode: 'sub-path', base: `${sub.origin}/briefings/`, scope: `${sub.origin}/briefings/`, origin: sub.origin, deep: false, opts, siteDir: site.dir, baseUrl }),
        crawlMode({ browser, results, site, mode: 'file', base: fileHome, scope: fileScope, origin: fileScope, deep: false, opts, siteDir: site.dir, baseUrl }),
      ]);
      say(`   sub-path: ${foundSub.length} page(s)`);
      say(`   file://:  ${foundFile.length} page(s)`);
      for (const [mode, list] of [['sub-path', foundSub], ['file', foundFile]]) {
        if (list.length !== found.length) {
          results.record(site.label, mode, site.dir, 'same pages reachable as at the root', [`${list.length} page(s) reached, ${found.length} at the root`]);
        }
      }
      // Orphans were checked too, but no link leads to them: a hint only.
      for (const u of orphans) results.warn(site.label, u, 'crawl', 'HTML file not reached by following links from the home page (checked on its own)');
    }
  } finally {
    await browser.close();
    for (const s of servers) s.close();
    for (const t of tmpDirs) fs.rmSync(t, { recursive: true, force: true });
  }

  const vnu = await vnuPromise;
  sites.forEach((site, i) => {
    for (const file of htmlBySite[i]) {
      if (vnu instanceof Error) { results.record(site.label, 'vnu', file, 'Nu HTML Checker: no errors', [vnu.message]); continue; }
      const r = vnu.get(path.resolve(file)) || { errors: [], warnings: [] };
      for (const w of r.warnings) results.warn(site.label, file, 'Nu HTML Checker warning', w);
      results.record(site.label, 'vnu', file, 'Nu HTML Checker: no errors', r.errors);
    }
  });
  return results;
}
