// Embeds: the demo documentation page (dist/embed-demo.html) turns its two <pre class="kplay">
// blocks into independent, sandboxed playgrounds that never touch the playground's autosave.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import LZString from 'lz-string';
import { serveDist, launchBrowser, openPage, editorText, savedJson, storedWork, storeWork, isRuleDocs, OUT } from './support.mjs';

const WAIT = { timeout: 10_000 };

let server;
let browser;

before(async () => {
  server = await serveDist();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** The demo page with both frames' editors and problems shown; frames in page order. */
async function demo() {
  const { page, errors, requests } = await openPage(browser.context, `${server.url}embed-demo.html`);
  const iframes = page.locator('figure.kplay-embed iframe');
  await page.waitForFunction(() => document.querySelectorAll('figure.kplay-embed iframe').length === 2, null, WAIT);
  const frames = [];
  for (let i = 0; i < 2; i++) {
    const frame = await (await iframes.nth(i).elementHandle()).contentFrame();
    await frame.locator('.cm-content').waitFor(WAIT);
    await frame.locator('[data-testid="count-error"]').waitFor(WAIT);
    frames.push(frame);
  }
  return { page, errors, requests, frames };
}

const frameHeights = (page) =>
  page.locator('figure.kplay-embed iframe').evaluateAll((fs) => fs.map((f) => Math.round(f.getBoundingClientRect().height)));

/** Whether the editor of `frame` shows all of its lines without scrolling. */
const editorFits = (frame) => frame.evaluate(() => {
  const s = document.querySelector('.cm-scroller');
  return s.scrollHeight <= s.clientHeight + 1;
});

/** Waits until the embed in `frame` shows its whole file without scrolling its editor. */
async function fitted(page, frame) {
  const deadline = Date.now() + WAIT.timeout;
  while (!(await editorFits(frame))) {
    if (Date.now() > deadline) assert.fail(`the frame was not fitted to its file: ${await frameHeights(page)}`);
    await page.waitForTimeout(50);
  }
}

const WORK = savedJson([['mine.yaml', 'kind: Namespace\napiVersion: v1\nmetadata:\n  name: do-not-touch\n']]);

test('the demo page shows two independent embeds of its blocks', async () => {
  await storeWork(browser.context, server.url, WORK);
  const { page, errors, requests, frames } = await demo();
  // The blocks stay in the page, hidden, and each has its frame.
  assert.equal(await page.locator('pre.kplay[hidden]').count(), 2);
  for (const iframe of await page.locator('figure.kplay-embed iframe').all()) {
    assert.equal(await iframe.getAttribute('sandbox'), 'allow-scripts');
  }
  // The first block asks for a frame as tall as its file (data-height="auto"), the second for 320 px.
  await fitted(page, frames[0]);
  const heights = await frameHeights(page);
  assert.ok(heights[0] > 600, `the 31 lines of the first block need more than 600 px (${heights[0]})`);
  assert.equal(heights[1], 320);

  const [first, second] = frames;
  // Sandboxed frames have an opaque origin, where Chromium refuses the analysis worker: the
  // embeds take the main-thread path (web/src/worker.rs), and everything below still works.
  for (const f of frames) {
    await f.waitForFunction(() => document.documentElement.dataset.analysis, null, WAIT);
    assert.equal(await f.evaluate(() => document.documentElement.dataset.analysis), 'page');
  }
  assert.match(await editorText(first), /name: web\n/);
  assert.match(await editorText(second), /name: api\n/);
  assert.deepEqual(await first.getByTestId('tab').allTextContents(), ['web.yaml']);
  // data-view: the first shows the problems, the second the stored objects.
  await first.locator('[data-testid="diagnostic"][data-rule="selector-matches-no-pods"]').first().waitFor(WAIT);
  assert.match((await second.getByTestId('object-yaml').allTextContents()).join('\n'), /sessionAffinity: None/);
  // The compact page: no gallery, share or reset; the problems and its own view only.
  assert.equal(await first.getByTestId('gallery').isVisible(), false);
  assert.deepEqual(await first.locator('.views [role="tab"]').allTextContents(), ['Problems']);
  assert.deepEqual(await second.locator('.views [role="tab"]').allTextContents(), ['Problems', 'Objects']);
  const figures = page.locator('figure.kplay-embed');
  for (let i = 0; i < 2; i++) {
    await figures.nth(i).scrollIntoViewIfNeeded();
    await figures.nth(i).screenshot({ path: `${OUT}/embed-demo-${i + 1}.png` });
  }
  // A problem's rule opens its page, with a tab to come back from it.
  // Its text comes from the rule docs script, loaded only now (a classic script: it loads in the
  // sandboxed frame, where fetching a JSON file would be a refused CORS request).
  assert.deepEqual(requests.filter(isRuleDocs), []);
  await first.locator('[data-testid="diagnostic"] button.rule').first().click();
  await first.getByTestId('rule-doc').locator('h2').waitFor(WAIT);
  await first.getByTestId('rule-doc').locator('pre.doc').waitFor(WAIT);
  assert.match(await first.getByTestId('rule-doc').locator('pre.doc').textContent(), /^## What it does\n/);
  assert.equal(requests.filter(isRuleDocs).length, 1);
  assert.deepEqual(await first.locator('.views [role="tab"]').allTextContents(), ['Problems', 'Docs']);
  await first.getByTestId('view-problems').click();
  await first.locator('[data-testid="diagnostic"]').first().waitFor(WAIT);

  // Typing in one embed changes it alone.
  const before = await editorText(second);
  await first.locator('.cm-content').click();
  await first.locator('.cm-content').press('Control+A');
  await first.locator('.cm-content').pressSequentially('a: [');
  await first.locator('[data-testid="diagnostic"][data-rule="yaml-syntax"]').first().waitFor(WAIT);
  assert.equal(await editorText(second), before);

  // The embed's link carries its edited state to the full playground.
  const link = page.locator('a.kplay-open').first();
  await page.waitForFunction(() => {
    const a = document.querySelector('a.kplay-open');
    return a && !a.hidden && a.href.includes('#s=');
  }, null, WAIT);
  await page.waitForFunction(
    () => document.querySelector('a.kplay-open').href.length > 0 && !document.querySelector('a.kplay-open').href.endsWith('#s='),
    null,
    WAIT,
  );
  assert.equal(await link.getAttribute('target'), '_blank');
  const href = await link.getAttribute('href');
  const state = JSON.parse(LZString.decompressFromEncodedURIComponent(new URL(href).hash.slice(3)));
  assert.deepEqual(state.files.map((f) => [f.name, f.text]), [['web.yaml', 'a: [']]);

  // The embeds wrote nothing into the playground's autosave.
  assert.equal(await storedWork(browser.context, server.url), WORK);
  assert.deepEqual(errors, []);
  await page.close();

  const { page: full, errors: fullErrors } = await openPage(browser.context, href);
  await full.locator('.cm-content').waitFor(WAIT);
  assert.deepEqual(await full.getByTestId('tab').allTextContents(), ['web.yaml']);
  assert.equal(await editorText(full), 'a: [');
  assert.deepEqual(fullErrors, []);
  await full.close();
});

test('the embedding page accepts a share link only from its own frame, in the link alphabet', async () => {
  const { page, errors, frames } = await demo();
  const links = page.locator('a.kplay-open');
  await page.waitForFunction(() => [...document.querySelectorAll('a.kplay-open')].every((a) => !a.hidden), null, WAIT);
  const original = await links.nth(0).getAttribute('href');
  const post = (target, message) => target.evaluate((m) => (window === window.top ? window : window.parent).postMessage(m, '*'), message);
  // From the embedding page itself (not a frame), from the frame with a foreign hash, a
  // javascript: URL, another message type.
  await post(page, { type: 'kplay:share', hash: '#s=fromthepage' });
  await post(frames[0], { type: 'kplay:share', hash: 'javascript:alert(1)' });
  await post(frames[0], { type: 'kplay:share', hash: '#s=<img src=x onerror=alert(1)>' });
  await post(frames[0], { type: 'other', hash: '#s=abc' });
  await post(frames[0], '#s=abc');
  await page.waitForTimeout(200);
  assert.equal(await links.nth(0).getAttribute('href'), original);
  // A well-formed message from the frame is taken, and only for that frame's link.
  const second = await links.nth(1).getAttribute('href');
  await post(frames[0], { type: 'kplay:share', hash: '#s=abc' });
  await page.waitForFunction(() => document.querySelector('a.kplay-open').href.endsWith('#s=abc'), null, WAIT);
  assert.equal(await links.nth(1).getAttribute('href'), second);
  assert.deepEqual(errors, []);
  await page.close();
});

test('without the script the blocks stay readable YAML', async () => {
  const { page } = await openPage(browser.context, 'about:blank');
  await page.route('**/embed.js', (route) => route.abort());
  await page.goto(`${server.url}embed-demo.html`);
  await page.waitForTimeout(300);
  assert.equal(await page.locator('iframe').count(), 0);
  const blocks = page.locator('pre.kplay');
  assert.equal(await blocks.count(), 2);
  assert.equal(await blocks.first().isVisible(), true);
  assert.match(await blocks.first().textContent(), /^apiVersion: v1\nkind: Service\n/);
  await page.close();
});

test('a frame with data-height="auto" follows its file, within bounds; others keep their height', async () => {
  const { page, errors, frames } = await demo();
  const [auto, fixed] = frames;
  await fitted(page, auto);
  const [start] = await frameHeights(page);
  const lineHeight = await auto.evaluate(() => window.kplayEditor.current.view.defaultLineHeight);

  // Ten more lines: the frame grows by ten lines and still shows every line.
  await auto.locator('.cm-content').click();
  await auto.locator('.cm-content').press('Control+End');
  await auto.locator('.cm-content').pressSequentially('\n# 1\n# 2\n# 3\n# 4\n# 5\n# 6\n# 7\n# 8\n# 9\n# 10');
  await page.waitForFunction((h) => document.querySelector('figure.kplay-embed iframe').getBoundingClientRect().height > h, start, WAIT);
  await fitted(page, auto);
  const [grown] = await frameHeights(page);
  assert.ok(Math.abs(grown - start - 10 * lineHeight) <= 2, `grew by ${grown - start} px for ten ${lineHeight} px lines`);

  // Down to one line: no smaller than 160 px.
  await auto.locator('.cm-content').press('Control+A');
  await auto.locator('.cm-content').pressSequentially('a: 1');
  await page.waitForFunction(() => document.querySelector('figure.kplay-embed iframe').getBoundingClientRect().height === 160, null, WAIT);

  // Heights are taken only from the frame itself, as whole numbers, up to 2000 px, and only by a
  // frame that asked to fit.
  const post = (target, message) => target.evaluate((m) => (window === window.top ? window : window.parent).postMessage(m, '*'), message);
  await post(page, { type: 'kplay:height', height: 900 });
  await post(auto, { type: 'kplay:height', height: '900' });
  await post(auto, { type: 'kplay:height', height: 900.5 });
  await post(auto, { type: 'kplay:height', height: -5 });
  await post(fixed, { type: 'kplay:height', height: 900 });
  await page.waitForTimeout(200);
  assert.deepEqual(await frameHeights(page), [160, 320]);
  await post(auto, { type: 'kplay:height', height: 1e9 });
  await page.waitForFunction(() => document.querySelector('figure.kplay-embed iframe').getBoundingClientRect().height === 2000, null, WAIT);
  assert.deepEqual(errors, []);
  await page.close();
});

test('an embed reports a smaller height once its notice is dismissed', async () => {
  // A frame of the embed page given damaged files: it shows the example with a notice bar.
  // Dismissed, the bar's space goes to the editor, whose geometry change makes fit.js report.
  // A page of its own, served by a route of the browser context (removed again at the end).
  await browser.context.route('**/fit-notice.html', (route) => route.fulfill({
    contentType: 'text/html',
    body: '<!doctype html><meta charset="utf-8"><script>window.heights = [];'
      + 'addEventListener("message", (e) => { if (e.data?.type === "kplay:height") window.heights.push(e.data.height); });</script>'
      + '<iframe sandbox="allow-scripts" style="width:900px;height:500px" src="embed.html?embed=1&view=problems#e=%ZZ"></iframe>',
  }));
  const { page, errors } = await openPage(browser.context, `${server.url}fit-notice.html`);
  await browser.context.unroute('**/fit-notice.html');
  const frame = await (await page.locator('iframe').elementHandle()).contentFrame();
  const notice = frame.getByTestId('notice');
  await notice.waitFor(WAIT);
  await page.waitForFunction(() => window.heights.length > 0, null, WAIT);
  await page.waitForTimeout(300);
  const before = await page.evaluate(() => window.heights.at(-1));
  const bar = await notice.evaluate((n) => n.getBoundingClientRect().height);
  await notice.getByRole('button', { name: 'Dismiss the notice' }).click();
  await notice.waitFor({ state: 'detached' });
  await page.waitForFunction((b) => window.heights.at(-1) < b, before, WAIT);
  const after = await page.evaluate(() => window.heights.at(-1));
  assert.ok(Math.abs(before - after - bar) <= 2, `the height went from ${before} to ${after} px; the notice was ${bar} px tall`);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a map embed folds its legend away, so a 360 px frame shows the map', async () => {
  const text = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n  ports:\n    - port: 80\n';
  // The embed's fragment is the saved workspace's JSON, percent-encoded (web/src/embed.rs).
  const state = encodeURIComponent(JSON.stringify({ v: 1, files: [{ name: 'web.yaml', text }], active: 0 }));
  const host = await browser.context.newPage();
  await host.route('**/map-embed-host.html', (route) => route.fulfill({
    contentType: 'text/html',
    body: `<!doctype html><iframe sandbox="allow-scripts" style="width:900px;height:360px" src="embed.html?embed=1&view=map#e=${state}"></iframe>`,
  }));
  await host.goto(`${server.url}map-embed-host.html`);
  const frame = await (await host.locator('iframe').elementHandle()).contentFrame();
  const svg = frame.locator('svg[data-testid="map"]');
  await svg.waitFor(WAIT);
  const fold = frame.locator('details.legend-fold');
  assert.equal(await fold.count(), 1);
  assert.equal(await fold.evaluate((d) => d.open), false, 'folded by default');
  assert.equal(await frame.getByTestId('map-legend').isVisible(), false);
  // The map starts within the frame's upper half.
  const top = await svg.evaluate((el) => el.getBoundingClientRect().top);
  await host.locator('iframe').screenshot({ path: `${OUT}/embed-map.png` });
  assert.ok(top < 180, `the map starts at ${top} px of 360`);
  await fold.locator('summary').click();
  assert.equal(await frame.getByTestId('map-legend').isVisible(), true);
  await host.close();
});
