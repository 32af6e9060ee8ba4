// The arithmetic of the editor bundle's page modules, without a browser: the splitter
// (web/editor/splitter.js; its drag, keys and storage in the page: views.test.mjs) and the
// height an embed needs (web/editor/fit.js; in the page: embed.test.mjs).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clampShare, parseShare, keyMove, MIN_SHARE, MAX_SHARE } from '../../web/editor/splitter.js';
import { neededHeight } from '../../web/editor/fit.js';

test('shares stay within range, to a tenth of a percent', () => {
  assert.equal(clampShare(5), MIN_SHARE);
  assert.equal(clampShare(95), MAX_SHARE);
  assert.equal(clampShare(41.26), 41.3);
  assert.equal(clampShare(Number.NaN), null);
  assert.equal(clampShare(Number.POSITIVE_INFINITY), null);
  assert.equal(clampShare('40'), null);
});

test('only a plain number in storage is a share', () => {
  assert.equal(parseShare('35.5'), 35.5);
  assert.equal(parseShare(' 35 '), 35);
  assert.equal(parseShare('999'), MAX_SHARE);
  assert.equal(parseShare('1e2'), null);
  assert.equal(parseShare('wide'), null);
  assert.equal(parseShare(''), null);
  assert.equal(parseShare(null), null);
});

test('keys move by 2% (Shift: 10%), Home and End go to the ends, Enter resets', () => {
  assert.equal(keyMove('ArrowLeft', false, 50), 48);
  assert.equal(keyMove('ArrowRight', true, 50), 60);
  assert.equal(keyMove('ArrowLeft', true, 25), MIN_SHARE);
  assert.equal(keyMove('ArrowRight', false, 79.5), MAX_SHARE);
  assert.equal(keyMove('Home', false, 50), MIN_SHARE);
  assert.equal(keyMove('End', false, 50), MAX_SHARE);
  assert.equal(keyMove('Enter', false, 50), 'reset');
  assert.equal(keyMove('a', false, 50), undefined);
});

test('an embed needs what is above its editor, the tabs, the content and a scroll bar', () => {
  const parts = { above: 30.2, tabs: 28, content: 400.5, scrollbar: 0, stacked: false };
  assert.equal(neededHeight(parts), 459);
  assert.equal(neededHeight({ ...parts, scrollbar: 15 }), 474);
  // Stacked under the editor, the views get as much room as the editor.
  assert.equal(neededHeight({ ...parts, stacked: true }), Math.ceil(30.2 + 2 * 428.5));
});
