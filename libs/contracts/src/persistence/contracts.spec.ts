import { AppendMessageRequest, ListConversationsQuery, Password, RegisterRequest, UpdateProfileRequest } from './index';

describe('persistence contracts', () => {
  it('normalises emails and enforces the password policy', () => {
    expect(RegisterRequest.parse({ email: ' Ada@Example.COM ', password: 'lovelace-1815' }).email).toBe('ada@example.com');
    for (const weak of ['short1', 'onlyletterslong', '1234567890123']) expect(Password.safeParse(weak).success).toBe(false);
  });

  it('defaults and bounds list queries from query strings', () => {
    expect(ListConversationsQuery.parse({}).limit).toBe(20);
    expect(ListConversationsQuery.parse({ limit: '5' }).limit).toBe(5);
    expect(ListConversationsQuery.safeParse({ limit: '500' }).success).toBe(false);
    expect(ListConversationsQuery.safeParse({ from: '2026-02-01T00:00:00Z', to: '2026-01-01T00:00:00Z' }).success).toBe(false);
  });

  it('rejects unknown fields and empty profile patches', () => {
    expect(UpdateProfileRequest.safeParse({}).success).toBe(false);
    expect(UpdateProfileRequest.safeParse({ admin: true }).success).toBe(false);
    expect(UpdateProfileRequest.safeParse({ timezone: 'Mars/Olympus' }).success).toBe(false);
    expect(UpdateProfileRequest.parse({ timezone: 'europe/berlin' })).toEqual({ timezone: 'Europe/Berlin' });
  });

  it('fills message defaults', () => {
    const m = AppendMessageRequest.parse({ id: '0b7f7d4e-8a43-4b8e-9d1e-2f0a1c3b4d5e', role: 'user', text: 'hi' });
    expect(m).toMatchObject({ interrupted: false, latency: {} });
  });
});
