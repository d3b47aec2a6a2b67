/**
 * The scrypt cost of the keystores a client writes, and the scrypt that computes it. Standard
 * (N = 2^17, as geth and ethers) unless the user asks for light keystores (N = 2^12, geth's
 * `--lightkdf`), which tests and demos use.
 */
import { scrypt as nodeScrypt } from 'node:crypto';
import { scrypt as ethersScrypt } from 'ethers';
import { STANDARD_SCRYPT, type ScryptParams } from '../../shared/keys/keystore.js';

export const LIGHT_SCRYPT: ScryptParams = { N: 1 << 12, r: 8, p: 1 };

export function scryptParams(light: boolean): ScryptParams {
  return light ? LIGHT_SCRYPT : STANDARD_SCRYPT;
}

/** The cost of `params` for a progress line: `scrypt N=2^17`. */
export function describeScrypt(params: ScryptParams): string {
  return `scrypt N=2^${Math.log2(params.N)}`;
}

/** scrypt by Node's OpenSSL binding, on the libuv thread pool; the signature of ethers' `scrypt.register`. */
export function nativeScrypt(password: Uint8Array, salt: Uint8Array, N: number, r: number, p: number, dkLen: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    // OpenSSL refuses more than `maxmem` bytes; scrypt needs 128·N·r·p for its working memory.
    nodeScrypt(password, salt, dkLen, { N, r, p, maxmem: 2 * 128 * N * r * p }, (error, key) => (error === null ? resolve(new Uint8Array(key)) : reject(error)));
  });
}

let registered = false;

/**
 * Makes ethers' keystore code derive keys with `nativeScrypt` instead of its JavaScript scrypt
 * (`scrypt.register`, ethers `src.ts/crypto/scrypt.ts`). Same function, same bytes, about twice as
 * fast, and several keystores are written in parallel instead of one after another on the main
 * thread. Called once by each program that writes or opens keystores.
 */
export function useNativeScrypt(): void {
  if (registered) return;
  registered = true;
  ethersScrypt.register(nativeScrypt);
}
