import * as argon2 from 'argon2';
import { randomBytes } from 'node:crypto';

/** argon2id with the library defaults (64 MiB, 3 passes, 4 lanes): OWASP's first recommendation. */
export const hashSecret = (plain: string) => argon2.hash(plain, { type: argon2.argon2id });

export const verifySecret = async (hash: string, plain: string) => {
  try {
    return await argon2.verify(hash, plain);
  } catch {
    return false;
  }
};

let dummyHash: Promise<string> | undefined;
/** Spends the same time as a real check so unknown emails can't be told apart by timing. */
export const burnVerification = async (plain: string) => {
  dummyHash ??= hashSecret(randomBytes(16).toString('hex'));
  await verifySecret(await dummyHash, plain);
  return false;
};
