/**
 * Restoring a key from shares (shared/backup/recover.ts): every k-subset of a 3-of-5 split restores
 * the key and every (k-1)-subset is refused saying how many more are needed; a mistyped share is named
 * by its checksum; a share altered with its checksum recomputed fails the address check; shares of two
 * splits, duplicates and tampered k are refused, each naming the share file.
 */
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { combine } from 'shamir-secret-sharing';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeShare, readShareText, serializeShare, shareBytes, type KeyShare } from '../../../shared/backup/share.js';
import { splitKey } from '../../../client/backup/split.js';
import { recoverKey, type LoadedShare } from '../../../shared/backup/recover.js';
import { addressOf, randomSecretKey } from '../../../shared/crypto/secp256k1.js';
import { toHex } from '../../../shared/hash/hex.js';
import { expectRejects, expectThrows } from '../../helpers/errors.js';
import { FIXTURE_ADDRESS, FIXTURE_SECRET_KEY, FIXTURE_SHARES } from './fixture.js';

/** Every subset of `items` of exactly `size` elements, in index order. */
function subsets<T>(items: readonly T[], size: number): T[][] {
  if (size === 0) return [[]];
  return items.flatMap((item, i) => subsets(items.slice(i + 1), size - 1).map((rest) => [item, ...rest]));
}

const loaded = (share: KeyShare, folder = 'vault'): LoadedShare => ({ path: `${folder}/share-${share.index}.json`, share });
const names = (shares: readonly LoadedShare[]): string => shares.map((share) => share.share.index).join(',');

/** The share with byte `at` of its y values changed and its checksum recomputed: passes parsing, restores garbage. */
function alteredWithChecksum(share: KeyShare, at: number): KeyShare {
  const bytes = shareBytes(share);
  bytes[at] = (bytes[at] as number) ^ 0x5a;
  const { checksum: _, ...body } = share;
  return makeShare({ ...body, share: toHex(bytes) });
}

describe('the known 2-of-3 fixture', () => {
  it('restores the ethers example key from every pair, in either order', async () => {
    const shares = FIXTURE_SHARES.map((json, i) => ({ path: `share-${i + 1}.json`, share: readShareText(JSON.stringify(json), `share-${i + 1}.json`) }));
    for (const pair of subsets(shares, 2)) {
      for (const ordered of [pair, [...pair].reverse()]) {
        const restored = await recoverKey(ordered);
        expect(restored.address, names(ordered)).toBe(FIXTURE_ADDRESS);
        expect(toHex(restored.secretKey), names(ordered)).toBe(FIXTURE_SECRET_KEY);
      }
    }
  });
});

describe('a 3-of-5 split', () => {
  const secretKey = randomSecretKey();
  const address = addressOf(secretKey);
  let shares: LoadedShare[];

  beforeAll(async () => {
    shares = (await splitKey(secretKey, 3, 5, randomBytes(16))).map((share) => loaded(share));
  });

  it('restores the key from each of the 10 subsets of 3 shares, the 5 of 4 and the whole 5', async () => {
    const all = [...subsets(shares, 3), ...subsets(shares, 4), shares];
    expect(all).toHaveLength(16);
    for (const subset of all) {
      const restored = await recoverKey(subset);
      expect(restored.address, names(subset)).toBe(address);
      expect(toHex(restored.secretKey), names(subset)).toBe(toHex(secretKey));
    }
  });

  it('refuses each of the 10 subsets of 2 shares, saying 1 more is needed and that 2 restore nothing', async () => {
    const pairs = subsets(shares, 2);
    expect(pairs).toHaveLength(10);
    for (const pair of pairs) {
      const error = await expectRejects(recoverKey(pair), 'FILE_INVALID', 'shares');
      expect(error.expected, names(pair)).toContain('2 given, 1 more needed: fewer than 3 shares restore nothing of the key');
    }
  });

  it('refuses a single share, saying 2 more are needed, with the pinned text', async () => {
    const [first] = shares;
    if (first === undefined) throw new Error('no shares');
    const error = await expectRejects(recoverKey([first]), 'FILE_INVALID', 'shares');
    expect(error.message).toBe(
      `FILE_INVALID at shares: expected 3 distinct shares of the 3-of-5 split of ${address} (set ${first.share.setId}); 1 given, 2 more needed: fewer than 3 shares restore nothing of the key`,
    );
  });

  it('refuses no shares at all', async () => {
    await expectRejects(recoverKey([]), 'FILE_INVALID', 'shares');
  });

  it('shows why 2 shares are refused: combined anyway, they give some other key', async () => {
    for (const pair of subsets(shares, 2)) {
      const combined = await combine(pair.map(({ share }) => shareBytes(share)));
      expect(toHex(combined), names(pair)).not.toBe(toHex(secretKey));
    }
  });

  it('names a share file with a mistyped character by its checksum, before any combining', () => {
    const share = shares[3]?.share as KeyShare;
    const text = serializeShare(share);
    const digit = text.indexOf(share.share) + 10;
    const typo = `${text.slice(0, digit)}${text[digit] === '0' ? '1' : '0'}${text.slice(digit + 1)}`;
    expectThrows(() => readShareText(typo, 'vault/share-4.json'), 'FILE_INVALID', 'vault/share-4.json.checksum');
  });

  it('refuses a share whose bytes were altered and whose checksum was recomputed, at the address check, whichever share it is', async () => {
    for (const subset of subsets(shares, 3)) {
      for (let victim = 0; victim < 3; victim++) {
        const tampered = subset.map((entry, i) => (i === victim ? { ...entry, share: alteredWithChecksum(entry.share, 7) } : entry));
        const error = await expectRejects(recoverKey(tampered), 'FILE_INVALID', 'shares');
        expect(error.expected, `${names(subset)} altering #${victim}`).toContain(`shares that restore the key of ${address}; these 3 restore another key, so one of them was altered`);
      }
    }
  });

  it('refuses an altered share among more than k shares too', async () => {
    const tampered = shares.map((entry, i) => (i === 4 ? { ...entry, share: alteredWithChecksum(entry.share, 31) } : entry));
    await expectRejects(recoverKey(tampered), 'FILE_INVALID', 'shares');
  });

  it('refuses a share whose x-coordinate was changed to another share\'s, naming it', async () => {
    const [one, two, three] = shares as [LoadedShare, LoadedShare, LoadedShare];
    const bytes = shareBytes(three.share);
    bytes[32] = shareBytes(one.share)[32] as number;
    const { checksum: _, ...body } = three.share;
    const moved = { path: three.path, share: makeShare({ ...body, share: toHex(bytes) }) };
    await expectRejects(recoverKey([one, two, moved]), 'FILE_INVALID', 'vault/share-3.json.share');
  });

  it('refuses the same share given twice, naming the second', async () => {
    const [one, two] = shares as [LoadedShare, LoadedShare];
    const again = { path: 'copies/share-1.json', share: one.share };
    const error = await expectRejects(recoverKey([one, two, again]), 'DUPLICATE', 'copies/share-1.json.index');
    expect(error.expected).toBe('a share other than share 1, which vault/share-1.json already is');
  });

  it('refuses shares of two splits of the same key, naming the share of the other set', async () => {
    const other = (await splitKey(secretKey, 3, 5, randomBytes(16))).map((share) => loaded(share, 'other'));
    const [one, two] = shares as [LoadedShare, LoadedShare];
    const error = await expectRejects(recoverKey([one, two, other[2] as LoadedShare]), 'FILE_INVALID', 'other/share-3.json.setId');
    expect(error.expected).toContain('shares of different splits cannot be combined, even splits of the same key');
  });

  it('refuses shares of another key, naming the share', async () => {
    const other = (await splitKey(randomSecretKey(), 3, 5, randomBytes(16))).map((share) => loaded(share, 'other'));
    const [one, two] = shares as [LoadedShare, LoadedShare];
    await expectRejects(recoverKey([one, other[1] as LoadedShare, two]), 'FILE_INVALID', 'other/share-2.json.address');
  });

  it('refuses a share whose k was changed with its checksum recomputed', async () => {
    const [one, two, three] = shares as [LoadedShare, LoadedShare, LoadedShare];
    const { checksum: _, ...body } = three.share;
    const lowered = { path: three.path, share: makeShare({ ...body, k: 2 }) };
    await expectRejects(recoverKey([one, two, lowered]), 'FILE_INVALID', 'vault/share-3.json.k');
  });
});

describe('any k of n shares restore the key (property)', () => {
  /** n in 2..8, k in 2..n, an order of the n shares, and how many of them (k..n) to use. */
  const splits = fc.integer({ min: 2, max: 8 }).chain((n) =>
    fc.integer({ min: 2, max: n }).chain((k) =>
      fc.record({
        n: fc.constant(n),
        k: fc.constant(k),
        order: fc.shuffledSubarray([...Array(n).keys()], { minLength: n, maxLength: n }),
        used: fc.integer({ min: k, max: n }),
      }),
    ),
  );

  it('restores from any k or more shares of any split with n ≤ 8, and refuses any k-1', async () => {
    await fc.assert(
      fc.asyncProperty(splits, async ({ n, k, order, used }) => {
        const secretKey = randomSecretKey();
        const shares = (await splitKey(secretKey, k, n, randomBytes(16))).map((share) => loaded(share));
        const shuffled = order.map((i) => shares[i] as LoadedShare);
        expect((await recoverKey(shuffled.slice(0, used))).address).toBe(addressOf(secretKey));
        await expectRejects(recoverKey(shuffled.slice(0, k - 1)), 'FILE_INVALID', 'shares');
      }),
      { numRuns: 60 },
    );
  });
});
