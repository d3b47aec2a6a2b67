/**
 * Restoring a key from Shamir shares (DESIGN.md §8) with shamir-secret-sharing's `combine`
 * (Lagrange interpolation at x = 0 in GF(2^8), privy-io `src/index.ts`).
 *
 * Checks, in order, each naming the share file that fails it (charon `cluster/lock.go` style):
 *   1. every share names the same address, set id, k and n as the first (one split of one key);
 *   2. no index twice (DUPLICATE), no x-coordinate twice (only an altered share repeats one);
 *   3. at least k shares: with k-1 the polynomial is undetermined and every key is equally likely;
 *   4. after combining, the restored key's address is the one the shares name. Each share's checksum
 *      was checked when it was parsed (share.ts); this catches a share whose bytes were altered and
 *      whose checksum was recomputed, since interpolation gives some other key without complaint.
 */
import { combine } from 'shamir-secret-sharing';
import { ConcordError, joinPath } from '../errors.js';
import { addressOf, type Address } from '../crypto/secp256k1.js';
import { shareBytes, shareX, type KeyShare } from './share.js';

/** A parsed share and the file it came from (named in errors). */
export interface LoadedShare {
  path: string;
  share: KeyShare;
}

/** A key restored from shares. */
export interface RecoveredKey {
  address: Address;
  secretKey: Uint8Array;
}

const SPLIT_FIELDS = ['address', 'setId', 'k', 'n'] as const;

/** Restores the key from at least k shares of one split and checks its address; throws a ConcordError naming the bad share otherwise. */
export async function recoverKey(shares: readonly LoadedShare[]): Promise<RecoveredKey> {
  const [first] = shares;
  if (first === undefined) throw new ConcordError('FILE_INVALID', 'shares', 'at least one share file');
  const { address, setId, k, n } = first.share;
  for (const { path, share } of shares) {
    for (const field of SPLIT_FIELDS) {
      if (share[field] !== first.share[field]) {
        throw new ConcordError(
          'FILE_INVALID',
          joinPath(path, field),
          `${field} ${String(first.share[field])} as in ${first.path}: shares of different splits cannot be combined, even splits of the same key`,
        );
      }
    }
  }
  const byIndex = new Map<number, string>();
  const byX = new Map<number, string>();
  for (const { path, share } of shares) {
    const sameIndex = byIndex.get(share.index);
    if (sameIndex !== undefined) throw new ConcordError('DUPLICATE', joinPath(path, 'index'), `a share other than share ${share.index}, which ${sameIndex} already is`);
    byIndex.set(share.index, path);
    const x = shareX(share);
    const sameX = byX.get(x);
    if (sameX !== undefined) {
      throw new ConcordError('FILE_INVALID', joinPath(path, 'share'), `share bytes with an x-coordinate (last byte) other than that of ${sameX}: no two shares of a split have the same, so this share was altered`);
    }
    byX.set(x, path);
  }
  if (shares.length < k) {
    const more = k - shares.length;
    throw new ConcordError(
      'FILE_INVALID',
      'shares',
      `${k} distinct shares of the ${k}-of-${n} split of ${address} (set ${setId}); ${shares.length} given, ${more} more needed: fewer than ${k} shares restore nothing of the key`,
    );
  }
  const secretKey = await combine(shares.map(({ share }) => shareBytes(share)));
  if (restoredAddress(secretKey) !== address) {
    throw new ConcordError(
      'FILE_INVALID',
      'shares',
      `shares that restore the key of ${address}; these ${shares.length} restore another key, so one of them was altered after its checksum was made: recover from another ${k} of the shares to find it`,
    );
  }
  return { address, secretKey };
}

/** The address of the combined secret, or null if it is not a valid secp256k1 key (only altered shares give one). */
function restoredAddress(secretKey: Uint8Array): Address | null {
  try {
    return addressOf(secretKey);
  } catch (error) {
    if (error instanceof ConcordError && error.code === 'KEYSTORE_INVALID') return null;
    throw error;
  }
}
