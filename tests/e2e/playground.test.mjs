// The playground page: it loads, analyses the example, and reacts to typing.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { serveDist, launchBrowser, openPage, screenshot, diagnostics, editorText } from './support.mjs';

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

test('the page loads with the seed tutorial and its diagnostics list', async () => {
  const { page, errors } = await openPage(browser.context, server.url);
  const editor = page.getByTestId('editor');
  await editor.waitFor();
  assert.equal(await page.title(), 'kplay playground');
  const text = await editorText(page);
  assert.match(text, /kind: Service/);
  assert.match(text, /name: MY_VARIABLE=value/);
  // The panel shows either the list or the empty state once the wasm has analysed the text.
  await page.locator('[data-testid="diagnostics"], [data-testid="no-diagnostics"]').first().waitFor();
  const shown = await diagnostics(page);
  for (const d of shown) {
    assert.ok(d.rule && /^[a-z0-9-]+$/.test(d.rule), `kebab-case rule name: ${d.rule}`);
    assert.ok(['error', 'warning', 'info'].includes(d.severity), d.severity);
    assert.ok(d.line >= 1 && d.line <= text.split('\n').length, `line ${d.line} inside the text`);
    assert.ok(d.column >= 1);
    assert.ok(d.message.length > 0);
  }
  // What shared/spec/seed-tutorial.md says kplay must make plain about this example.
  const find = (rule) => shown.find((d) => d.rule === rule);
  const envName = find('env-var-name-invalid');
  assert.ok(envName, `env-var-name-invalid among ${JSON.stringify(shown.map((d) => d.rule))}`);
  assert.deepEqual([envName.severity, envName.line, envName.column], ['error', 21, 17]);
  assert.equal(find('image-tag-latest')?.line, 19);
  assert.ok(find('selectorless-service-has-no-endpoints'), 'the selector-less Service is reported');
  // The header's counts agree with the list.
  for (const severity of ['error', 'warning', 'info']) {
    const count = await page.getByTestId(`count-${severity}`).getAttribute('data-count');
    assert.equal(Number(count), shown.filter((d) => d.severity === severity).length, `${severity} count`);
  }
  await screenshot(page, 'playground-seed');
  assert.deepEqual(errors, []);
});

test('typing broken YAML shows a yaml-syntax error on line 1', async () => {
  const { page, errors } = await openPage(browser.context, server.url);
  const editor = page.getByTestId('editor');
  await editor.waitFor();
  await editor.fill('');
  await editor.pressSequentially('a: [');
  const item = page.locator('[data-testid="diagnostic"][data-rule="yaml-syntax"]');
  await item.first().waitFor();
  const shown = await diagnostics(page);
  const syntax = shown.filter((d) => d.rule === 'yaml-syntax');
  assert.equal(syntax.length, 1, JSON.stringify(shown));
  assert.equal(syntax[0].severity, 'error');
  assert.equal(syntax[0].line, 1);
  assert.ok(syntax[0].column >= 1 && syntax[0].column <= 5, `column ${syntax[0].column}`);
  assert.equal(await page.getByTestId('count-error').textContent(), '1 error');
  await screenshot(page, 'playground-broken');

  // Fixing the text clears the error again.
  await editor.pressSequentially(']');
  await item.first().waitFor({ state: 'detached' });
  await screenshot(page, 'playground-fixed');
  assert.deepEqual(errors, []);
});
