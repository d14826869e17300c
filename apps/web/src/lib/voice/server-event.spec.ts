import type { ErrorEvent } from '@voice/contracts/media';
import { callErrorMessage, parseServerEvent } from './server-event';

describe('parseServerEvent', () => {
  let warn: jest.SpyInstance;
  beforeEach(() => (warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined)));
  afterEach(() => warn.mockRestore());

  it('returns an event that matches the contract', () => {
    const event = { type: 'transcript', turnId: 't1', role: 'user', text: 'hello', final: false };
    expect(parseServerEvent(JSON.stringify(event))).toEqual(event);
    expect(parseServerEvent('{"type":"clear","turnId":"t1"}')).toEqual({ type: 'clear', turnId: 't1' });
    expect(warn).not.toHaveBeenCalled();
  });

  it.each([
    ['text that is not JSON', 'not json'],
    ['a missing field', '{"type":"transcript","role":"user","text":"hi","final":true}'],
    ['a field of the wrong type', '{"type":"agent_state","state":"dancing","agent":"receptionist"}'],
    ['a kind of event this page does not know', '{"type":"confetti"}'],
    ['JSON that is not an object', '[1,2]'],
  ])('drops and logs %s', (_why, text) => {
    expect(parseServerEvent(text)).toBeNull();
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it('keeps what was said out of the log', () => {
    parseServerEvent('{"type":"transcript","turnId":"t1","role":"user","text":"my card number is 4242","final":"yes"}');
    expect(JSON.stringify(warn.mock.calls)).not.toContain('4242');
  });
});

describe('callErrorMessage', () => {
  let warn: jest.SpyInstance;
  beforeEach(() => (warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined)));
  afterEach(() => warn.mockRestore());

  const error = (code: ErrorEvent['code'], message: string): ErrorEvent => ({ type: 'error', code, message });

  it('shows nothing for what voice-api refused of this page (its own protocol), and logs it', () => {
    expect(callErrorMessage(error('bad_frame', 'Send {"type":"start"} before audio. The frame was dropped.'))).toBeNull();
    expect(callErrorMessage(error('bad_message', 'Text frames must be JSON objects such as {"type":"start"}.'))).toBeNull();
    expect(warn).toHaveBeenCalledTimes(2);
  });

  it.each(['provider_error', 'session_ended', 'internal'] as const)('words %s for a person, never with the protocol message', (code) => {
    const shown = callErrorMessage(error(code, 'The session has ended (ticket {"type":"x"}).'));
    expect(shown).toMatch(/^[A-Z][^{}"]+\.$/);
    expect(shown).not.toContain('session has ended (');
  });
});
