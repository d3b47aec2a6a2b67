/**
 * Keystore v3 (Web3 Secret Storage: scrypt KDF, AES-128-CTR, keccak MAC), read and written by ethers
 * (`src.ts/wallet/json-keystore.ts`). Randomness is an argument so this file stays pure; the client
 * passes CSPRNG bytes. The password and key never appear in an error: a wrong password is reported as
 * PASSWORD_WRONG with the file's path and nothing else (ethers redacts them the same way).
 */
import { decryptKeystoreJson, encryptKeystoreJson, isKeystoreJson } from 'ethers';
import { ConcordError } from '../errors.js';
import { addressOf, type Address } from '../crypto/secp256k1.js';
import { fromHex, toHex } from '../hash/hex.js';

/** scrypt parameters: ethers' default N = 2^17, r = 8, p = 1 (as geth's "standard"). */
export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}
export const STANDARD_SCRYPT: ScryptParams = { N: 1 << 17, r: 8, p: 1 };

/** The random inputs of one keystore: 32 bytes of KDF salt, a 16-byte IV and 16 bytes for the UUID. */
export interface KeystoreRandomness {
  salt: Uint8Array;
  iv: Uint8Array;
  uuid: Uint8Array;
}

/** Encrypts a secret key into keystore v3 JSON text. */
export async function encryptKeystore(secretKey: Uint8Array, password: string, random: KeystoreRandomness, scrypt: ScryptParams = STANDARD_SCRYPT): Promise<string> {
  const address = addressOf(secretKey);
  return encryptKeystoreJson({ address, privateKey: toHex(secretKey) }, password, { salt: random.salt, iv: random.iv, uuid: toHex(random.uuid), scrypt });
}

/** Decrypts keystore v3 JSON text; `path` names the file in errors. The key must match the keystore's address. */
export async function decryptKeystore(json: string, password: string, path: string): Promise<{ address: Address; secretKey: Uint8Array }> {
  if (!isKeystoreJson(json)) throw new ConcordError('KEYSTORE_INVALID', path, 'a keystore v3 (Web3 Secret Storage) JSON file');
  let account;
  try {
    account = await decryptKeystoreJson(json, password);
  } catch (error) {
    // ethers `json-keystore.ts` reports a MAC mismatch as an invalid `password` argument; anything
    // else it throws is a malformed or inconsistent file.
    if ((error as { argument?: unknown }).argument === 'password') throw new ConcordError('PASSWORD_WRONG', path, 'the password this keystore was encrypted with');
    throw new ConcordError('KEYSTORE_INVALID', path, 'a complete keystore v3 file whose key matches its address');
  }
  // ethers has already checked that the decrypted key belongs to the keystore's address.
  return { address: account.address, secretKey: fromHex(account.privateKey) };
}

/**
 * A keystore password as parity-deploy makes one (`openssl rand -base64 LEN`): base64 of random
 * bytes. 24 bytes give 32 characters, no whitespace, so the file needs no trimming by any client.
 */
export function passwordFromRandom(random: Uint8Array): string {
  if (random.length < 16) throw new ConcordError('INTERNAL', 'random', 'at least 16 random bytes for a password');
  return btoa(String.fromCharCode(...random));
}

