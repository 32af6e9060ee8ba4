// The splitter's arithmetic (web/editor/splitter.js), without a browser; the drag, the keys and
// the storage in the page are tested in views.test.mjs.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clampShare, parseShare, keyMove, MIN_SHARE, MAX_SHARE } from '../../web/editor/splitter.js';

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
