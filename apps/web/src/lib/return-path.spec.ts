jest.mock('next/headers', () => ({ cookies: jest.fn() }));
jest.mock('next/navigation', () => ({ redirect: jest.fn() }));

import { safeReturnPath } from './session';

describe('safeReturnPath', () => {
  it('keeps paths of this site', () => {
    expect(safeReturnPath('/history?channel=web')).toBe('/history?channel=web');
    expect(safeReturnPath('/history/0b0c')).toBe('/history/0b0c');
  });

  it.each([
    '//evil.example/x',
    '/\\evil.example',
    'https://evil.example/',
    'javascript:alert(1)',
    '',
    undefined,
    42,
    // What `?next=%2F%09%2Fevil.com` decodes to: browsers drop the tab and go to //evil.com.
    '/\t/evil.com',
    '/\n/evil.com',
    '/\r\n/evil.com',
    '/\u0000/evil.com',
    '/history\\..\\\\evil.com',
    '/history//evil.com',
    'chat',
  ])('refuses %p and goes to the chat', (next) => {
    expect(safeReturnPath(next)).toBe('/chat');
  });
});
