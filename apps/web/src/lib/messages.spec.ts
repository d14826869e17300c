import { PASSWORD_POLICY } from '@voice/contracts/persistence';
import { personMessage } from './messages';

describe('personMessage', () => {
  it.each([
    ['email', 'must be a valid email address', 'Enter a valid email address.'],
    ['email', 'is required', 'Enter your email address.'],
    ['password', 'is required', 'Enter your password.'],
    ['displayName', 'must not be empty', 'Enter your display name.'],
    ['displayName', 'must be at most 100 characters', 'Display name must be at most 100 characters.'],
    ['timezone', 'must be an IANA time zone such as "Europe/Berlin"', 'Enter an IANA time zone such as "Europe/Berlin".'],
    ['language', 'must be a language tag such as "en" or "en-US"', 'Enter a language tag such as "en" or "en-US".'],
    ['phone', 'must be an E.164 phone number such as +14155550123', 'Enter the phone number in international form, such as +14155550123.'],
    ['from', 'must not be after "to"', 'The From date must not be after the To date.'],
    ['password', PASSWORD_POLICY, PASSWORD_POLICY],
    [
      'form',
      'The sign-in service is not answering right now. Please try again in a minute.',
      'The sign-in service is not answering right now. Please try again in a minute.',
    ],
  ])('words %s "%s" as "%s"', (field, message, expected) => {
    expect(personMessage(field, message)).toBe(expected);
  });
});
