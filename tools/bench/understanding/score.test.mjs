// The scorer's own tests (node:test): `npm run bench:understanding -- --self-test`, and `npm test` (project bench).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { resolveDoctor, scoreUtterance, summarise, wordErrors } from './score.mjs';

const DOCTORS = ['Dr. Alice Smith', 'Dr. Brian Jones', 'Dr. Carmen Lopez', 'Dr. David Brown'];
const parsed = (text, extra = {}) => ({ words: text.split(' '), ...extra, intents: new Set(extra.intents ?? []) });

test('word errors count substitutions, insertions and deletions', () => {
  assert.equal(wordErrors(['book', 'on', 'tuesday'], ['book', 'on', 'tuesday']), 0);
  assert.equal(wordErrors(['book', 'on', 'tuesday'], ['book', 'on', 'thursday']), 1);
  assert.equal(wordErrors(['book', 'on', 'tuesday'], ['book', 'tuesday']), 1);
  assert.equal(wordErrors(['book', 'tuesday'], ['book', 'about', 'eight', 'tuesday']), 2);
  assert.equal(wordErrors(['a', 'b'], []), 2);
  assert.equal(wordErrors([], ['a']), 1);
});

test('a doctor resolves by name words as the scheduling tools do', () => {
  assert.equal(resolveDoctor('smith', DOCTORS), 'alice smith');
  assert.equal(resolveDoctor('alice smith', DOCTORS), 'alice smith');
  assert.equal(resolveDoctor('alice jones', DOCTORS), undefined); // a tie picks nobody
  assert.equal(resolveDoctor('who', DOCTORS), undefined);
});

test('success needs the intent, every expected slot and no wrong booking slot', () => {
  const phrase = { intent: 'book', slots: { doctor: 'alice smith', day: 'tuesday', time: '10:00' } };
  const reference = parsed('book with doctor alice smith on tuesday at ten');
  const right = scoreUtterance(
    phrase,
    reference,
    parsed('book with doctor smith on tuesday at ten', { intents: ['book'], doctor: 'smith', day: 'tuesday', time: '10:00' }),
    DOCTORS,
  );
  assert.equal(right.success, true);
  assert.equal(right.slotsRight, 3);
  assert.equal(right.errors, 1);

  const wrongHour = scoreUtterance(phrase, reference, parsed('x', { intents: ['book'], doctor: 'alice smith', day: 'tuesday', time: '20:00' }), DOCTORS);
  assert.deepEqual([wrongHour.success, wrongHour.slotsRight, wrongHour.wrongSlots], [false, 2, ['time']]);

  const noIntent = scoreUtterance(phrase, reference, parsed('x', { intents: ['availability'], doctor: 'alice smith', day: 'tuesday', time: '10:00' }), DOCTORS);
  assert.equal(noIntent.success, false);

  const bare = { intent: 'hours', slots: {} };
  const extraDay = scoreUtterance(bare, parsed('opening hours'), parsed('opening hours today', { intents: ['hours'], day: 'today' }), DOCTORS);
  assert.deepEqual([extraDay.success, extraDay.wrongSlots], [false, ['day']]);
  const extraPart = scoreUtterance(bare, parsed('opening hours'), parsed('opening hours morning', { intents: ['hours'], partOfDay: 'morning' }), DOCTORS);
  assert.equal(extraPart.success, true); // a part of day narrows a search, it books nothing
});

test('the summary gives rates in percent and time percentiles', () => {
  const s = summarise([
    { errors: 1, referenceWords: 4, intentOk: true, slotsRight: 1, slotsExpected: 2, success: false, ms: 10 },
    { errors: 0, referenceWords: 6, intentOk: true, slotsRight: 0, slotsExpected: 0, success: true, ms: 30 },
  ]);
  assert.deepEqual(s, { n: 2, werPct: 10, intentPct: 100, slotPct: 50, successPct: 50, msP50: 10, msP95: 30 });
});

test('the phrase set holds a stratified quarter out', () => {
  const phrases = JSON.parse(readFileSync(new URL('./phrases.json', import.meta.url), 'utf8'));
  assert.ok(phrases.length >= 96);
  const held = phrases.filter((p) => p.heldOut).length;
  assert.ok(Math.abs(held - phrases.length / 4) <= 1, `${held} of ${phrases.length} held out`);
  for (const intent of new Set(phrases.map((p) => p.intent))) {
    const group = phrases.filter((p) => p.intent === intent);
    const out = group.filter((p) => p.heldOut).length;
    assert.ok(Math.abs(out - group.length / 4) <= 1, `${intent}: ${out} of ${group.length} held out`);
  }
  assert.equal(new Set(phrases.map((p) => p.id)).size, phrases.length);
});
