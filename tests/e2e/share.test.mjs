// Share links: a link opens the same files; a corrupt or oversized one falls back with a notice
// and keeps the autosaved work.
//
// Every navigation opens a new page. Going to the same address with another fragment is only a
// fragment navigation: the app is not loaded again, reads no link, and a wait for the notice
// would run until the test's time-out (what made an earlier draft of this test hang). The
// waits below have short explicit time-outs for the same reason.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import LZString from 'lz-string';
import { serveDist, launchBrowser, openPage, editorText, savedJson, storedWork, storeWork, STORAGE_KEY } from './support.mjs';

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

const WORK = savedJson([['mine.yaml', 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: autosaved-work\n']]);
const SHARED = savedJson(
  [
    ['service.yaml', 'apiVersion: v1\nkind: Service\nmetadata:\n  name: shared\nspec:\n  selector:\n    app: shared\n  ports:\n    - port: 80\n'],
    ['notes.yaml', '# shared notes, é 😀\na: [\n'],
  ],
  1,
);

/** Opens the playground at `hash` in a new page, once its editor and problems are shown. */
async function open(hash) {
  const { page, errors } = await openPage(browser.context, server.url + hash);
  await page.locator('.cm-content').waitFor(WAIT);
  await page.locator('[data-testid="diagnostics"], [data-testid="no-diagnostics"]').first().waitFor(WAIT);
  return { page, errors };
}

async function tabs(page) {
  return page.getByTestId('tab').allTextContents();
}

test('a share link opens the same files, with the same tab open', async () => {
  await storeWork(browser.context, server.url, WORK);
  const { page, errors } = await open(`#s=${LZString.compressToEncodedURIComponent(SHARED)}`);
  assert.deepEqual(await tabs(page), ['service.yaml', 'notes.yaml']);
  assert.equal(await editorText(page), '# shared notes, é 😀\na: [\n');
  await page.locator('[data-testid="diagnostic"][data-rule="yaml-syntax"][data-file="notes.yaml"]').first().waitFor(WAIT);
  // The link has been read: the address loses it. The files it replaced are offered back, and
  // stay stored until the link's files are changed.
  assert.equal(new URL(page.url()).hash, '');
  assert.match(await page.getByTestId('notice').textContent(), /share link's files replaced your own/);
  await page.getByTestId('restore').waitFor(WAIT);
  await page.waitForTimeout(1200);
  assert.equal(await storedWork(browser.context, server.url), WORK);
  await page.locator('.cm-content').press('Control+Home');
  await page.keyboard.type('# edited\n');
  await page.waitForFunction((key) => localStorage.getItem(key)?.includes('# edited\\n# shared notes'), STORAGE_KEY, WAIT);

  // The page's own Share button makes a link that opens the same thing again.
  await page.getByTestId('share').click();
  const link = await page.getByTestId('share-link').inputValue(WAIT);
  assert.match(link, /#s=[A-Za-z0-9+\-$]+$/);
  await page.close();
  const again = await open(new URL(link).hash);
  assert.deepEqual(await tabs(again.page), ['service.yaml', 'notes.yaml']);
  assert.equal(await editorText(again.page), '# edited\n# shared notes, é 😀\na: [\n');
  // The stored work is the link's own files now: nothing to offer back.
  assert.equal(await again.page.getByTestId('notice').count(), 0);
  assert.deepEqual([...errors, ...again.errors], []);
  await again.page.close();
});

test('after Share, a change drops the link from the address and its box, so a reload opens the newer work', async () => {
  await storeWork(browser.context, server.url, WORK);
  const { page, errors } = await open('');
  await page.getByTestId('share').click();
  const link = await page.getByTestId('share-link').inputValue(WAIT);
  assert.equal(page.url(), link);
  await page.locator('.cm-content').press('Control+End');
  await page.keyboard.type('# typed after sharing\n');
  await page.getByTestId('share-link').waitFor({ state: 'detached', ...WAIT });
  assert.equal(new URL(page.url()).hash, '');
  await page.waitForFunction((key) => localStorage.getItem(key)?.includes('# typed after sharing'), STORAGE_KEY, WAIT);
  await page.reload();
  await page.locator('.cm-content').waitFor(WAIT);
  assert.match(await editorText(page), /name: autosaved-work\n# typed after sharing\n/);
  assert.equal(await page.getByTestId('notice').count(), 0);
  // A cluster toggle is a change too; Reset drops the link as well. Switching tabs is not.
  await page.getByTestId('share').click();
  await page.getByTestId('share-link').waitFor(WAIT);
  await page.getByTestId('node-count').selectOption('4');
  await page.getByTestId('share-link').waitFor({ state: 'detached', ...WAIT });
  assert.equal(new URL(page.url()).hash, '');
  await page.getByTestId('share').click();
  await page.getByTestId('share-link').waitFor(WAIT);
  await page.getByTestId('reset').click();
  await page.getByTestId('share-link').waitFor({ state: 'detached', ...WAIT });
  assert.equal(new URL(page.url()).hash, '');
  await page.getByTestId('tab-add').click();
  await page.getByTestId('tab').nth(1).waitFor(WAIT);
  await page.getByTestId('share').click();
  const second = await page.getByTestId('share-link').inputValue(WAIT);
  await page.getByTestId('tab').nth(0).click();
  await page.waitForTimeout(300);
  assert.equal(await page.getByTestId('share-link').inputValue(), second);
  assert.equal(page.url(), second);
  assert.deepEqual(errors, []);
  await page.close();
});

test('opened from a share link and then edited, the address stays without the link and a reload opens the edits', async () => {
  await storeWork(browser.context, server.url, WORK);
  const { page, errors } = await open(`#s=${LZString.compressToEncodedURIComponent(SHARED)}`);
  assert.equal(new URL(page.url()).hash, '');
  await page.locator('.cm-content').press('Control+Home');
  await page.keyboard.type('# mine now\n');
  await page.waitForFunction((key) => localStorage.getItem(key)?.includes('# mine now'), STORAGE_KEY, WAIT);
  assert.equal(new URL(page.url()).hash, '');
  await page.reload();
  await page.locator('.cm-content').waitFor(WAIT);
  assert.deepEqual(await tabs(page), ['service.yaml', 'notes.yaml']);
  assert.equal(await editorText(page), '# mine now\n# shared notes, é 😀\na: [\n');
  assert.equal(await page.getByTestId('notice').count(), 0);
  assert.deepEqual(errors, []);
  await page.close();
});

test('a share link over autosaved work offers that work back', async () => {
  await storeWork(browser.context, server.url, WORK);
  const { page, errors } = await open(`#s=${LZString.compressToEncodedURIComponent(SHARED)}`);
  assert.deepEqual(await tabs(page), ['service.yaml', 'notes.yaml']);
  await page.getByTestId('restore').click();
  await page.getByTestId('notice').waitFor({ state: 'detached', ...WAIT });
  assert.deepEqual(await tabs(page), ['mine.yaml']);
  assert.match(await editorText(page), /name: autosaved-work/);
  await page.locator('[data-testid="diagnostics"], [data-testid="no-diagnostics"]').first().waitFor(WAIT);
  await page.close();
  const stored = JSON.parse(await storedWork(browser.context, server.url));
  assert.deepEqual(stored.files, JSON.parse(WORK).files);
  assert.deepEqual(errors, []);
});

const BAD_LINKS = [
  ['a damaged link', '#s=!!not-lz-string!!', /damaged|could not be opened/],
  ['a link to something that is not a workspace', `#s=${LZString.compressToEncodedURIComponent('{"v":1,"files":[],"active":0}')}`, /could not be opened: it holds 0 files/],
  ['an oversized link', `#s=${'A'.repeat(1024 * 1024 + 1)}`, /longer than 1048576 characters/],
];

for (const [what, hash, notice] of BAD_LINKS) {
  test(`${what} falls back with a notice and keeps the autosaved work`, async () => {
    await storeWork(browser.context, server.url, WORK);
    const { page, errors } = await open(hash);
    const shown = page.getByTestId('notice');
    await shown.waitFor(WAIT);
    assert.match(await shown.textContent(), notice);
    assert.deepEqual(await tabs(page), ['mine.yaml']);
    assert.match(await editorText(page), /name: autosaved-work/);
    await page.close();
    assert.equal(await storedWork(browser.context, server.url), WORK);
    assert.deepEqual(errors, []);
  });
}

test('a corrupt link without autosaved work opens the example with a notice', async () => {
  await storeWork(browser.context, server.url, null);
  const { page, errors } = await open('#s=!!');
  await page.getByTestId('notice').waitFor(WAIT);
  assert.match(await editorText(page), /kind: Service/);
  // The notice can be dismissed.
  await page.getByRole('button', { name: 'Dismiss the notice' }).click();
  await page.getByTestId('notice').waitFor({ state: 'detached', ...WAIT });
  assert.deepEqual(errors, []);
  await page.close();
});
