import { z } from 'zod';
import { ServiceScope } from './common';

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_POLICY = `Password must be at least ${PASSWORD_MIN_LENGTH} characters and contain at least one letter and one digit.`;

export const Email = z
  .string()
  .trim()
  .toLowerCase()
  .max(254, 'must be at most 254 characters')
  .pipe(z.email({ message: 'must be a valid email address' }));

export const Password = z
  .string()
  .max(128, 'must be at most 128 characters')
  .refine((p) => p.length >= PASSWORD_MIN_LENGTH && /\p{L}/u.test(p) && /\d/.test(p), PASSWORD_POLICY);

export const DisplayName = z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters');

export const RegisterRequest = z.object({ email: Email, password: Password, displayName: DisplayName.optional() }).strict();
export type RegisterRequest = z.infer<typeof RegisterRequest>;

export const LoginRequest = z.object({ email: Email, password: z.string().min(1, 'is required').max(128, 'must be at most 128 characters') }).strict();
export type LoginRequest = z.infer<typeof LoginRequest>;

/** Refresh and logout take the refresh token in the body, or from the refresh cookie when omitted. */
export const RefreshRequest = z.object({ refreshToken: z.string().min(20, 'is not a valid refresh token').max(200).optional() }).strict();
export type RefreshRequest = z.infer<typeof RefreshRequest>;

export const UserSummary = z.object({
  id: z.uuid(),
  email: z.string(),
  displayName: z.string().nullable(),
});
export type UserSummary = z.infer<typeof UserSummary>;

export const TokenResponse = z.object({
  tokenType: z.literal('Bearer'),
  accessToken: z.string(),
  /** Seconds until the access token expires. */
  expiresIn: z.number().int().positive(),
  refreshToken: z.string(),
  refreshExpiresIn: z.number().int().positive(),
  user: UserSummary,
});
export type TokenResponse = z.infer<typeof TokenResponse>;

/** OAuth 2.0 client-credentials grant (RFC 6749 §4.4) for service clients such as voice-api. */
export const ClientCredentialsRequest = z
  .object({
    grant_type: z.literal('client_credentials', { message: 'must be "client_credentials"' }),
    client_id: z.string().min(1, 'is required').max(100),
    client_secret: z.string().min(1, 'is required').max(200),
    /** Space-separated subset of the client's scopes; all of them when omitted. */
    scope: z.string().max(500).optional(),
  })
  .strict();
export type ClientCredentialsRequest = z.infer<typeof ClientCredentialsRequest>;

export const ClientCredentialsResponse = z.object({
  access_token: z.string(),
  token_type: z.literal('Bearer'),
  expires_in: z.number().int().positive(),
  scope: z.string(),
});
export type ClientCredentialsResponse = z.infer<typeof ClientCredentialsResponse>;

/** Claims carried by every access token persistence-api issues. */
export const AccessTokenClaims = z.discriminatedUnion('typ', [
  z.object({ typ: z.literal('user'), sub: z.uuid(), email: z.string() }),
  z.object({ typ: z.literal('service'), sub: z.string(), scope: z.string() }),
]);
export type AccessTokenClaims = z.infer<typeof AccessTokenClaims>;
export const parseScopes = (scope: string): ServiceScope[] => scope.split(' ').filter((s): s is ServiceScope => ServiceScope.safeParse(s).success);

export const Jwk = z.object({ kty: z.string(), kid: z.string(), alg: z.string(), use: z.string() }).loose();
export const JwksResponse = z.object({ keys: z.array(Jwk) });
export type JwksResponse = z.infer<typeof JwksResponse>;
