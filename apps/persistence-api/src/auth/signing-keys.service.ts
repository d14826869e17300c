import { Injectable } from '@nestjs/common';
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InjectConfig, type PersistenceApiConfig } from '../config';

export type PublicJwk = { kty: string; crv: string; x: string; y: string; kid: string; alg: 'ES256'; use: 'sig' };

/** Loads (or, in development, generates and keeps) the ES256 key that signs access tokens. */
@Injectable()
export class SigningKeysService {
  readonly privateKeyPem: string;
  readonly publicKeyPem: string;
  readonly jwk: PublicJwk;

  constructor(@InjectConfig() config: PersistenceApiConfig) {
    const privateKey = config.JWT_PRIVATE_KEY ? parsePrivateKey(config.JWT_PRIVATE_KEY) : loadOrCreateDevKey(resolve(config.DATA_DIR));
    const publicKey = createPublicKey(privateKey);
    this.privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    this.publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const { kty, crv, x, y } = publicKey.export({ format: 'jwk' }) as { kty: string; crv: string; x: string; y: string };
    // RFC 7638 thumbprint: the members in lexicographic order, no whitespace.
    const kid = createHash('sha256').update(JSON.stringify({ crv, kty, x, y })).digest('base64url');
    this.jwk = { kty, crv, x, y, kid, alg: 'ES256', use: 'sig' };
  }
}

function parsePrivateKey(raw: string): KeyObject {
  const pem = raw.includes('-----BEGIN') ? raw.replace(/\\n/g, '\n') : Buffer.from(raw, 'base64').toString('utf8');
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    throw new Error('JWT_PRIVATE_KEY is not a readable PEM private key (PEM text, \\n escapes allowed, or base64 of it)');
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new Error('JWT_PRIVATE_KEY must be an EC P-256 key for ES256 (openssl ecparam -name prime256v1 -genkey -noout)');
  }
  return key;
}

function loadOrCreateDevKey(dataDir: string): KeyObject {
  const file = join(dataDir, 'jwt-signing-key.pem');
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  }
  return parsePrivateKey(readFileSync(file, 'utf8'));
}
