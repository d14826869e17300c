import { isCompleteRequest } from './complete-request';

describe('isCompleteRequest', () => {
  it.each(['book with doctor smith on tuesday at ten', 'yes', 'no, Wednesday', 'what are your opening hours', 'Book it, please.', 'on friday', 'thank you'])(
    'takes "%s" as complete',
    (text) => expect(isCompleteRequest(text)).toBe(true),
  );

  it.each(['book with doctor smith on tuesday at', 'I would like to book with doctor', 'cancel my appointment on', 'um', '', 'I would like to', 'and'])(
    'waits for more after "%s"',
    (text) => expect(isCompleteRequest(text)).toBe(false),
  );
});
