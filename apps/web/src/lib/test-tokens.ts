import type { TokenResponse } from '@voice/contracts/persistence';

/** Tokens as persistence-api issues them, numbered so a test can tell a rotation happened (unit tests only). */
export const testTokens = (n: number): TokenResponse => ({
  tokenType: 'Bearer',
  accessToken: `access-${n}`,
  expiresIn: 900,
  refreshToken: `refresh-${n}`,
  refreshExpiresIn: 86_400,
  user: { id: '00000000-0000-4000-8000-000000000001', email: 'a@example.com', displayName: null },
});
