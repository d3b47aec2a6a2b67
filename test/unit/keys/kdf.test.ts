/**
 * The client's native scrypt (client/keys/kdf.ts) writes the very keystore ethers' JavaScript scrypt
 * writes: same randomness in, same bytes out, at a small cost and at the standard N = 2^17 (where
 * OpenSSL's memory limit matters).
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { encryptKeystore, STANDARD_SCRYPT, type KeystoreRandomness } from '../../../shared/keys/keystore.js';
import { randomSecretKey } from '../../../shared/crypto/secp256k1.js';
import { scryptAsync } from '@noble/hashes/scrypt.js';
import { LIGHT_SCRYPT, nativeScrypt, useNativeScrypt } from '../../../client/keys/kdf.js';

describe('nativeScrypt', () => {
  it('derives the same key as the JavaScript scrypt ethers ships (@noble/hashes)', async () => {
    const password = randomBytes(20);
    const salt = randomBytes(32);
    for (const { N, r, p } of [LIGHT_SCRYPT, { N: 1 << 10, r: 4, p: 2 }]) {
      expect(await nativeScrypt(password, salt, N, r, p, 64)).toEqual(await scryptAsync(password, salt, { N, r, p, dkLen: 64 }));
    }
  });
});

describe('useNativeScrypt', () => {
  it('makes byte-identical keystores to the JavaScript scrypt, light and standard', async () => {
    const inputs = [LIGHT_SCRYPT, STANDARD_SCRYPT].map((scrypt) => ({
      scrypt,
      secretKey: randomSecretKey(),
      random: { salt: randomBytes(32), iv: randomBytes(16), uuid: randomBytes(16) } satisfies KeystoreRandomness,
    }));
    const write = (): Promise<string[]> => Promise.all(inputs.map(({ secretKey, random, scrypt }) => encryptKeystore(secretKey, 'a password', random, scrypt)));
    const javascript = await write();
    useNativeScrypt();
    const native = await write();
    expect(native).toEqual(javascript);
    expect(JSON.parse(native[1] as string).Crypto.kdfparams.n).toBe(STANDARD_SCRYPT.N);
  }, 30_000);
});
