/**
 * Splitting a secp256k1 secret key into n Shamir shares with threshold k (DESIGN.md §8), with
 * shamir-secret-sharing (privy-io, audited by Cure53 and Zellic): GF(2^8), one random polynomial of
 * degree k-1 per secret byte, random distinct x-coordinates (`src/index.ts`, `split`).
 *
 * It lives in client/, not shared/, because the library draws the polynomial coefficients and
 * x-coordinates from its own CSPRNG (`crypto.getRandomValues`) and takes no randomness as an argument.
 */
import { split } from 'shamir-secret-sharing';
import { ConcordError } from '../../shared/errors.js';
import { addressOf } from '../../shared/crypto/secp256k1.js';
import { toHex } from '../../shared/hash/hex.js';
import { KEY_SHARE_FORMAT, SET_ID_BYTES, makeShare, type KeyShare } from '../../shared/backup/share.js';

/** The most shares a split can have: x-coordinates are the 255 non-zero bytes. */
export const MAX_SHARES = 255;

/**
 * Splits `secretKey` into `n` shares, any `k` of which restore it (2 ≤ k ≤ n ≤ 255), all bound by the
 * set id `setIdBytes` (16 random bytes). Refuses other k or n with MESSAGE_INVALID at `k` or `n`.
 */
export async function splitKey(secretKey: Uint8Array, k: number, n: number, setIdBytes: Uint8Array): Promise<KeyShare[]> {
  if (!Number.isInteger(n) || n < 2 || n > MAX_SHARES) throw new ConcordError('MESSAGE_INVALID', 'n', `a share count n in 2..${MAX_SHARES}`);
  if (!Number.isInteger(k) || k < 2 || k > n) throw new ConcordError('MESSAGE_INVALID', 'k', `a threshold k in 2..n (n = ${n})`);
  if (setIdBytes.length !== SET_ID_BYTES) throw new ConcordError('INTERNAL', 'setIdBytes', `${SET_ID_BYTES} random bytes for a set id`);
  const address = addressOf(secretKey);
  // The library checks `secret.constructor === Uint8Array`, which a Node Buffer fails: copy.
  const parts = await split(Uint8Array.from(secretKey), n, k);
  const setId = toHex(setIdBytes);
  return parts.map((bytes, i) => makeShare({ format: KEY_SHARE_FORMAT, address, k, n, index: i + 1, setId, share: toHex(bytes) }));
}
