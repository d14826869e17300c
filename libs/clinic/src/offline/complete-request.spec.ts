import { isCompleteRequest } from './complete-request';

describe('isCompleteRequest', () => {
  it.each([
    'book with doctor smith on tuesday at ten',
    'yes',
    'no, Wednesday',
    'what are your opening hours',
    'Book it, please.',
    'on friday',
    'thank you',
    'um what are your opening hours',
    'actually make it three',
    'at half past two',
    'does doctor brown have any openings on friday',
  ])('takes "%s" as complete', (text) => expect(isCompleteRequest(text)).toBe(true));

  it.each([
    'book with doctor smith on tuesday at',
    'I would like to book with doctor',
    'cancel my appointment on',
    'um',
    '',
    'I would like to',
    'and',
    'I would like to see doctor jones on',
    'put me through to',
    'book an appointment with',
    'book an appointment with doctor smith um',
    'what are your opening hours uh',
    'okay so',
    'so um',
    'hmm',
    'I was wondering if',
    'book it for half past',
    'no, not',
    'is it possible to',
  ])('waits for more after "%s"', (text) => expect(isCompleteRequest(text)).toBe(false));
});
