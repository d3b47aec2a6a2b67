/**
 * Splitting a key (client/backup/split.ts): n checksummed shares of one set, the bounds on k and n,
 * and fresh polynomials on every split.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseShare, shareX } from '../../../shared/backup/share.js';
import { splitKey } from '../../../client/backup/split.js';
import { recoverKey } from '../../../shared/backup/recover.js';
import { addressOf, randomSecretKey } from '../../../shared/crypto/secp256k1.js';
import { fromHex, toHex } from '../../../shared/hash/hex.js';
import { expectRejects } from '../../helpers/errors.js';
import { FIXTURE_ADDRESS, FIXTURE_SECRET_KEY } from './fixture.js';

const SET_ID = Uint8Array.from({ length: 16 }, (_, i) => i);

describe('splitKey', () => {
  it('makes n shares indexed 1..n, all naming the address, k, n and set id, each with a valid checksum', async () => {
    const shares = await splitKey(fromHex(FIXTURE_SECRET_KEY), 3, 5, SET_ID);
    expect(shares.map((share) => share.index)).toEqual([1, 2, 3, 4, 5]);
    for (const share of shares) {
      expect(share).toMatchObject({ format: 'concord/key-share@1', address: FIXTURE_ADDRESS, k: 3, n: 5, setId: toHex(SET_ID) });
      expect(parseShare(share, `share-${share.index}.json`)).toEqual(share);
    }
    expect(new Set(shares.map(shareX)).size).toBe(5);
  });

  it('draws fresh polynomials each time: two splits of one key share no share bytes', async () => {
    const key = randomSecretKey();
    const first = await splitKey(key, 2, 3, randomBytes(16));
    const second = await splitKey(key, 2, 3, randomBytes(16));
    const firstBytes = new Set(first.map((share) => share.share));
    expect(second.some((share) => firstBytes.has(share.share))).toBe(false);
  });

  it('never writes the key into a share', async () => {
    const key = randomSecretKey();
    const hex = toHex(key).slice(2);
    for (const share of await splitKey(key, 2, 2, randomBytes(16))) expect(JSON.stringify(share)).not.toContain(hex.slice(0, 16));
  });

  it('accepts a Node Buffer as the key (the library itself refuses one)', async () => {
    const key = Buffer.from(fromHex(FIXTURE_SECRET_KEY));
    const shares = await splitKey(key, 2, 2, SET_ID);
    const restored = await recoverKey(shares.map((share) => ({ path: `share-${share.index}.json`, share })));
    expect(restored.address).toBe(FIXTURE_ADDRESS);
  });

  it('splits at the bounds: 2 of 2, and 255 of 255 restored from all 255', async () => {
    const key = randomSecretKey();
    const two = await splitKey(key, 2, 2, SET_ID);
    expect((await recoverKey(two.map((share) => ({ path: String(share.index), share })))).address).toBe(addressOf(key));
    const all = await splitKey(key, 255, 255, SET_ID);
    expect(all).toHaveLength(255);
    expect(new Set(all.map(shareX)).size).toBe(255);
    expect((await recoverKey(all.map((share) => ({ path: String(share.index), share })))).address).toBe(addressOf(key));
  });

  const badCounts: { k: number; n: number; path: string }[] = [
    { k: 1, n: 3, path: 'k' },
    { k: 0, n: 3, path: 'k' },
    { k: 4, n: 3, path: 'k' },
    { k: 2.5, n: 3, path: 'k' },
    { k: 2, n: 1, path: 'n' },
    { k: 2, n: 256, path: 'n' },
    { k: 2, n: Number.NaN, path: 'n' },
  ];
  for (const { k, n, path } of badCounts) {
    it(`refuses k = ${k}, n = ${n} at ${path}`, async () => {
      await expectRejects(splitKey(randomSecretKey(), k, n, SET_ID), 'MESSAGE_INVALID', path);
    });
  }

  it('says what a valid threshold is', async () => {
    const error = await expectRejects(splitKey(randomSecretKey(), 6, 5, SET_ID), 'MESSAGE_INVALID', 'k');
    expect(error.message).toBe('MESSAGE_INVALID at k: expected a threshold k in 2..n (n = 5)');
  });

  it('refuses a secret that is not a secp256k1 key, without echoing it', async () => {
    await expectRejects(splitKey(new Uint8Array(32), 2, 3, SET_ID), 'KEYSTORE_INVALID', 'secretKey');
    await expectRejects(splitKey(new Uint8Array(31).fill(7), 2, 3, SET_ID), 'KEYSTORE_INVALID', 'secretKey');
  });

  it('refuses a set id of another length', async () => {
    await expectRejects(splitKey(randomSecretKey(), 2, 3, new Uint8Array(8)), 'INTERNAL', 'setIdBytes');
  });
});
