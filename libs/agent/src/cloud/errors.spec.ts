import { providerMessage, redact } from './errors';

describe('providerMessage', () => {
  it.each([
    ['OpenAI / Azure', '{"error":{"message":"Invalid API key","type":"invalid_request_error"}}', 'Invalid API key'],
    ['Ollama', '{"error":"model \\"llama9\\" not found"}', 'model "llama9" not found'],
    ['Deepgram', '{"err_code":"INVALID_AUTH","err_msg":"Invalid credentials."}', 'Invalid credentials.'],
    [
      'Cartesia (2026 form)',
      '{"error_code":"concurrency_limited","title":"Too many concurrent requests","message":"Over your plan limit."}',
      'Over your plan limit.',
    ],
    ['plain text', '  Invalid API key\n', 'Invalid API key'],
    ['empty body', '', 'fallback'],
  ])('reads the message of %s', (_name, body, expected) => {
    expect(providerMessage(body, 'fallback')).toBe(expected);
  });

  it('clips a long body (an HTML error page) to one readable line', () => {
    const message = providerMessage(`<html>\n${'x'.repeat(1000)}</html>`, 'fallback');
    expect(message.length).toBeLessThanOrEqual(301);
    expect(message).not.toContain('\n');
  });
});

describe('redact', () => {
  it('removes every occurrence of each secret', () => {
    expect(redact('key sk-abc123 and again sk-abc123', ['sk-abc123', undefined])).toBe('key *** and again ***');
  });
});
