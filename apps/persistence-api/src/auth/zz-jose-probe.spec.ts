import { generateKeyPairSync } from 'node:crypto';
it('loads jose', async () => {
  const nodeModule = process.getBuiltinModule('node:module');
  const jose = nodeModule.createRequire(__filename)('jose') as typeof import('jose');
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'k1', alg: 'ES256', use: 'sig' };
  const token = await new jose.SignJWT({ a: 1 }).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).setExpirationTime('1h').sign(privateKey);
  const set = jose.createLocalJWKSet({ keys: [jwk] } as never);
  const r = await jose.jwtVerify(token, set, { algorithms: ['ES256'] });
  expect(r.payload.a).toBe(1);
  const hs = await new jose.SignJWT({ a: 1 }).setProtectedHeader({ alg: 'HS256' }).sign(Buffer.from('secret'));
  expect(hs.split('.').length).toBe(3);
  const pk = await jose.importPKCS8(privateKey.export({type:'pkcs8',format:'pem'}).toString(), 'ES256');
  expect(pk).toBeTruthy();
  const hs2 = await new jose.SignJWT({ a: 1 }).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode('secret'));
  expect(hs2.split('.').length).toBe(3);
});
