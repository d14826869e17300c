import { websocketBase, websocketUrl } from './websocket-url';

describe('websocketBase', () => {
  const request = { protocol: 'http', host: 'internal:8080' };

  it('turns PUBLIC_URL into ws(s), keeping a path prefix and ignoring the request', () => {
    expect(websocketBase('https://voice.example.com', request)).toBe('wss://voice.example.com');
    expect(websocketBase('https://voice.example.com/edge/', request)).toBe('wss://voice.example.com/edge');
    expect(websocketBase('http://localhost:3002', { protocol: 'https', host: 'x' })).toBe('ws://localhost:3002');
  });

  it("without PUBLIC_URL, follows the request's protocol and Host", () => {
    expect(websocketBase(undefined, request)).toBe('ws://internal:8080');
    expect(websocketBase(undefined, { protocol: 'https', host: 'myvoice.azurewebsites.net' })).toBe('wss://myvoice.azurewebsites.net');
  });

  it('puts the ticket in the query, encoded', () => {
    expect(websocketUrl('wss://h', 'abc-_12')).toBe('wss://h/v1/media?ticket=abc-_12');
    expect(websocketUrl('wss://h', 'a+b/c=')).toBe('wss://h/v1/media?ticket=a%2Bb%2Fc%3D');
  });
});
