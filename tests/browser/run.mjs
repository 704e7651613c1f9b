// Browser tests of the Dossier web UI in headless Chromium (Debian's
// `chromium`, driven by playwright-core; no browser is downloaded).
//
// Builds nothing: give the binary in DOSSIER_BIN (default: the workspace's
// target/debug/dossier). Loads the seed reports and two hostile fixtures
// into a fresh store, starts `dossier serve` on an ephemeral 127.0.0.1
// port, and checks what a reader sees. Screenshots go to SCREENSHOTS
// (default: tests/browser/artifacts). Ends with "N passed, M failed".
import { chromium } from 'playwright-core';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const bin = process.env.DOSSIER_BIN || join(process.env.CARGO_TARGET_DIR || join(root, 'target'), 'debug', 'dossier');
const seeds = process.env.SEEDS || resolve(root, '../shared/seeds');
const shots = process.env.SCREENSHOTS || join(here, 'artifacts');
const chromePath = process.env.CHROMIUM || '/usr/bin/chromium';
mkdirSync(shots, { recursive: true });

let passed = 0, failed = 0;
async function check(name, fn) {
  try { await fn(); passed++; console.log(`ok - ${name}`); }
  catch (e) { failed++; console.log(`not ok - ${name}: ${e.message}`); }
}
function assert(c, m) { if (!c) throw new Error(m); }

const store = mkdtempSync(join(tmpdir(), 'dossier-browser-'));
execFileSync(bin, ['ingest', seeds, join(here, 'fixtures'), '--store', store], { stdio: ['ignore', 'inherit', 'inherit'] });

const server = spawn(bin, ['serve', '--store', store, '--addr', '127.0.0.1:0'], { stdio: ['ignore', 'ignore', 'pipe'] });
const base = await new Promise((ok, fail) => {
  let err = '';
  const timer = setTimeout(() => fail(new Error('server did not start: ' + err)), 60000);
  server.stderr.on('data', (d) => {
    err += d;
    const m = err.match(/listening on (http:\/\/[0-9.:]+)\//);
    if (m) { clearTimeout(timer); ok(m[1]); }
  });
  server.on('exit', (c) => fail(new Error(`server exited ${c}: ${err}`)));
});

const browser = await chromium.launch({ executablePath: chromePath, args: ['--no-sandbox'] });
const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
const page = await context.newPage();
const dialogs = [];
page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss(); });
const outside = [];
page.on('request', (r) => { if (!r.url().startsWith(base) && !r.url().startsWith('data:')) outside.push(r.url()); });

try {
  await check('home page lists the latest stories', async () => {
    await page.goto(base + '/');
    const n = await page.locator('ul.stories li').count();
    assert(n >= 1, `no stories listed`);
    await page.screenshot({ path: join(shots, 'home.png'), fullPage: true });
  });

  // The story with a timeline, quotes and figures (the seeds' main story).
  let storyUrl = null;
  await check('a story page shows timeline, a quote with its speaker and the figures table', async () => {
    const links = await page.locator('ul.stories h3 a').evaluateAll((as) => as.map((a) => a.href));
    for (const href of links) {
      await page.goto(href);
      const rows = await page.locator('table.timeline tbody tr').count();
      const quotes = await page.locator('table.quotes tbody tr').count();
      const figs = await page.locator('table.figures tbody tr').count();
      if (rows > 0 && quotes > 0 && figs > 0) { storyUrl = href; break; }
    }
    assert(storyUrl, 'no story with timeline, quotes and figures');
    const date = (await page.locator('table.timeline tbody tr td').first().innerText()).trim();
    assert(/^(\d{4}|XXXX)(-[0-9WX]+)*/.test(date), `timeline date looks wrong: ${date}`);
    const speaker = (await page.locator('table.quotes td.speaker').first().innerText()).trim();
    const quote = (await page.locator('table.quotes tbody tr td:nth-child(2)').first().innerText()).trim();
    assert(speaker.length > 0 && quote.length > 2, `quote row without speaker or words: ${speaker} / ${quote}`);
    const verdicts = await page.locator('table.figures span.agree, table.figures span.differ, table.figures span.updated, table.figures span.single').count();
    assert(verdicts > 0, 'figures table without agree/differ/updated');
    await page.screenshot({ path: join(shots, 'story.png'), fullPage: true });
  });

  await check('a summary sentence links to its source sentence', async () => {
    const a = page.locator('ol.summary a.src').first();
    const href = await a.getAttribute('href');
    await a.click();
    await page.waitForURL(/\/documents\//);
    const anchor = href.split('#')[1];
    assert(await page.locator(`#${anchor}`).count() === 1, `anchor ${anchor} missing on document page`);
    assert(await page.locator('.doctext .e-per, .doctext .e-org, .doctext .e-loc').count() > 0, 'no entity highlighted');
    await page.screenshot({ path: join(shots, 'document.png'), fullPage: true });
  });

  await check('search finds reports, shows facets and attention, and opens a result', async () => {
    await page.goto(base + '/');
    await page.fill('#q', 'ceasefire');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/search\?/);
    const hits = await page.locator('ul.results li').count();
    assert(hits > 0, 'no results');
    assert(await page.locator('ul.results mark').count() > 0, 'no highlighted words');
    assert(await page.locator('aside li').count() > 0, 'no facets');
    assert(await page.locator('.chart svg rect').count() > 0, 'no attention chart');
    await page.screenshot({ path: join(shots, 'search.png'), fullPage: true });
    await page.locator('ul.results h3 a').first().click();
    await page.waitForURL(/\/documents\//);
    assert((await page.locator('h1').innerText()).length > 0, 'document without heading');
  });

  await check('keyboard: skip link and search box are reachable by Tab', async () => {
    await page.goto(base + '/');
    await page.keyboard.press('Tab');
    const first = await page.evaluate(() => document.activeElement && document.activeElement.textContent);
    assert(/Skip to content/.test(first || ''), `first Tab stop is ${first}`);
  });

  await check('a phone-sized screen needs no sideways scrolling', async () => {
    const phone = await browser.newPage({ viewport: { width: 375, height: 800 } });
    await phone.goto(storyUrl || base + '/');
    const wide = await phone.evaluate(() => document.documentElement.scrollWidth);
    await phone.screenshot({ path: join(shots, 'story-phone.png'), fullPage: true });
    await phone.close();
    assert(wide <= 380, `page is ${wide}px wide on a 375px screen`);
  });

  await check('article text full of scripts and event attributes runs nothing', async () => {
    for (const q of ['pwned', 'hostile', 'ceasefire']) {
      await page.goto(`${base}/search?q=${q}`);
      const links = await page.locator('ul.results h3 a').evaluateAll((as) => as.map((a) => a.href));
      for (const href of links) {
        await page.goto(href);
        await page.mouse.move(10, 10); await page.mouse.move(300, 300);
        for (const a of await page.locator('.doctext a').all()) { await a.click({ timeout: 1000 }).catch(() => {}); }
      }
    }
    await page.goto(`${base}/outlets`);
    const pwned = await page.evaluate(() => window.__pwned);
    const frames = page.frames().length;
    assert(pwned === undefined, `injected code ran: __pwned=${pwned}`);
    assert(dialogs.length === 0, `dialogs opened: ${dialogs}`);
    assert(frames === 1, `a frame was injected`);
    assert(!(await page.title()).includes('pwned'), 'title changed');
    await page.goto(`${base}/search?q=hostile`);
    const docHref = await page.locator('ul.results h3 a').first().getAttribute('href');
    await page.goto(base + docHref);
    const heading = await page.locator('h1').innerText();
    assert(heading.includes('<script>'), `the tags should show as text: ${heading}`);
    await page.screenshot({ path: join(shots, 'hostile.png'), fullPage: true });
  });

  await check('no request leaves the machine', async () => {
    assert(outside.length === 0, `requests outside the server: ${outside.slice(0, 3)}`);
  });
} finally {
  await browser.close();
  server.kill('SIGINT');
  rmSync(store, { recursive: true, force: true });
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
