import { randomBytes } from 'node:crypto';
import { Wallet, encryptKeystoreJson } from 'ethers';
import { describe, expect, it } from 'vitest';
import { decryptKeystore, encryptKeystore, passwordFromRandom, type KeystoreRandomness, type ScryptParams } from '../../../shared/keys/keystore.js';
import { addressOf, randomSecretKey } from '../../../shared/crypto/secp256k1.js';
import { toHex } from '../../../shared/hash/hex.js';
import { expectRejects, expectThrows } from '../../helpers/errors.js';

/** Small scrypt cost, for speed: the format is the same at any N. */
const FAST_SCRYPT: ScryptParams = { N: 1024, r: 8, p: 1 };

function freshRandomness(): KeystoreRandomness {
  return { salt: randomBytes(32), iv: randomBytes(16), uuid: randomBytes(16) };
}

const PATH = 'keys/alpha/authority-0.json';

describe('encryptKeystore', () => {
  it('writes a keystore v3 that ethers decrypts to the same address and key', async () => {
    const secretKey = randomSecretKey();
    const password = passwordFromRandom(randomBytes(24));
    const json = await encryptKeystore(secretKey, password, freshRandomness(), FAST_SCRYPT);
    const wallet = await Wallet.fromEncryptedJson(json, password);
    expect(wallet.address).toBe(addressOf(secretKey));
    expect(wallet.privateKey).toBe(toHex(secretKey));
  });

  it('writes version 3 with scrypt at the given cost, an RFC 4122 v4 id, and the address without 0x', async () => {
    const secretKey = randomSecretKey();
    type CryptoSection = { kdf: string; kdfparams: { n: number; r: number; p: number; dklen: number }; cipher: string };
    const keystore = JSON.parse(await encryptKeystore(secretKey, 'pw', freshRandomness(), FAST_SCRYPT)) as {
      version: number;
      id: string;
      address: string;
      crypto?: CryptoSection;
      Crypto?: CryptoSection; // ethers writes the capitalized name; geth, OpenEthereum and Nethermind read either
    };
    expect(keystore.version).toBe(3);
    expect(keystore.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(keystore.address).toBe(addressOf(secretKey).slice(2).toLowerCase());
    const crypto = keystore.crypto ?? keystore.Crypto;
    expect(crypto?.kdf).toBe('scrypt');
    expect(crypto?.kdfparams).toMatchObject({ n: 1024, r: 8, p: 1, dklen: 32 });
    expect(crypto?.cipher).toBe('aes-128-ctr');
  });

  it('is a pure function of key, password and randomness', async () => {
    const secretKey = randomSecretKey();
    const random = freshRandomness();
    const first = await encryptKeystore(secretKey, 'pw', random, FAST_SCRYPT);
    expect(await encryptKeystore(secretKey, 'pw', random, FAST_SCRYPT)).toBe(first);
    expect(await encryptKeystore(secretKey, 'pw', freshRandomness(), FAST_SCRYPT)).not.toBe(first);
  });

  it('never writes the password or the key in clear', async () => {
    const secretKey = randomSecretKey();
    const password = passwordFromRandom(randomBytes(24));
    const json = await encryptKeystore(secretKey, password, freshRandomness(), FAST_SCRYPT);
    expect(json).not.toContain(password);
    expect(json).not.toContain(toHex(secretKey).slice(2));
  });

  it('refuses a secret key that is not a 32-byte key in [1, n-1], without echoing it', async () => {
    const error = await expectRejects(encryptKeystore(new Uint8Array(32), 'pw', freshRandomness(), FAST_SCRYPT), 'KEYSTORE_INVALID', 'secretKey');
    expect(error.message).toBe('KEYSTORE_INVALID at secretKey: expected a 32-byte secp256k1 secret key in [1, n-1]');
    await expectRejects(encryptKeystore(randomBytes(31), 'pw', freshRandomness(), FAST_SCRYPT), 'KEYSTORE_INVALID', 'secretKey');
  });
});

describe('decryptKeystore', () => {
  it('decrypts its own keystore to the key and its address', async () => {
    const secretKey = randomSecretKey();
    const json = await encryptKeystore(secretKey, 'correct horse', freshRandomness(), FAST_SCRYPT);
    const account = await decryptKeystore(json, 'correct horse', PATH);
    expect(account.address).toBe(addressOf(secretKey));
    expect(toHex(account.secretKey)).toBe(toHex(secretKey));
  });

  it('decrypts a keystore that ethers wrote', async () => {
    const wallet = Wallet.createRandom();
    const json = await encryptKeystoreJson({ address: wallet.address, privateKey: wallet.privateKey }, 'ethers pw', { scrypt: { N: 1024 } });
    const account = await decryptKeystore(json, 'ethers pw', PATH);
    expect(account.address).toBe(wallet.address);
    expect(toHex(account.secretKey)).toBe(wallet.privateKey);
  });

  it('reports a wrong password as PASSWORD_WRONG with the path and without the password', async () => {
    const json = await encryptKeystore(randomSecretKey(), 'the right one', freshRandomness(), FAST_SCRYPT);
    const wrong = 'hunter2-wrong-password';
    const error = await expectRejects(decryptKeystore(json, wrong, PATH), 'PASSWORD_WRONG', PATH);
    expect(error.message).not.toContain(wrong);
    expect(error.message).not.toContain('the right one');
    expect(error.message).toMatchInlineSnapshot(`"PASSWORD_WRONG at keys/alpha/authority-0.json: expected the password this keystore was encrypted with"`);
    expect(JSON.stringify(error.toReply())).not.toContain(wrong);
  });

  const notKeystores: [string, string][] = [
    ['a JSON object of another kind', '{"hello":"world"}'],
    ['a JSON array', '[1,2,3]'],
    ['keystore version 1', '{"version":1,"Crypto":{}}'],
    ['text that is not JSON', 'not json at all'],
    ['the empty string', ''],
  ];
  for (const [name, json] of notKeystores) {
    it(`refuses ${name} as KEYSTORE_INVALID`, async () => {
      const error = await expectRejects(decryptKeystore(json, 'pw', PATH), 'KEYSTORE_INVALID', PATH);
      expect(error.expected).toBe('a keystore v3 (Web3 Secret Storage) JSON file');
    });
  }

  // A file that says version 3 but is not a whole keystore is a bad file, not a bad password.
  it('refuses a version-3 JSON without a crypto section as KEYSTORE_INVALID, not PASSWORD_WRONG', async () => {
    await expectRejects(decryptKeystore('{"version":3,"address":"0000000000000000000000000000000000000001"}', 'pw', PATH), 'KEYSTORE_INVALID', PATH);
  });

  // The address field is outside the MAC: a keystore whose address was edited decrypts with the right
  // password to a key of another address. That is a bad file, and the user must not be told to retype the password.
  it('refuses a keystore whose address is not its key\'s as KEYSTORE_INVALID, not PASSWORD_WRONG', async () => {
    const json = await encryptKeystore(randomSecretKey(), 'pw', freshRandomness(), FAST_SCRYPT);
    const edited = JSON.stringify({ ...JSON.parse(json), address: addressOf(randomSecretKey()).slice(2).toLowerCase() });
    const error = await expectRejects(decryptKeystore(edited, 'pw', PATH), 'KEYSTORE_INVALID', PATH);
    expect(error.expected).toBe('a complete keystore v3 file whose key matches its address');
  });
});

describe('passwordFromRandom', () => {
  it('gives the base64 of the bytes, as `openssl rand -base64` does', () => {
    for (const length of [16, 24, 32, 33]) {
      const bytes = randomBytes(length);
      expect(passwordFromRandom(bytes)).toBe(Buffer.from(bytes).toString('base64'));
    }
  });

  it('gives 32 characters without whitespace for 24 bytes', () => {
    const password = passwordFromRandom(randomBytes(24));
    expect(password).toHaveLength(32);
    expect(password).toMatch(/^[A-Za-z0-9+/]{32}$/);
  });

  it('knows the answer for fixed bytes', () => {
    expect(passwordFromRandom(Uint8Array.from({ length: 18 }, (_, i) => i * 15))).toBe('AA8eLTxLWml4h5altMPS4fD/');
  });

  it('refuses fewer than 16 random bytes', () => {
    expectThrows(() => passwordFromRandom(randomBytes(15)), 'INTERNAL', 'random');
  });
});
