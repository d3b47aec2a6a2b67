/**
 * Genesis storage from solc's layout: known slots (the mapping vectors of shared/reference/
 * permissioning.md §6, the well-known keccak256(1) of a dynamic array at slot 1), packing at the
 * layout's offsets, no zero value ever written, and a layout that no longer matches refused.
 */
import { describe, expect, it } from 'vitest';
import { STORAGE_LAYOUT } from '../../../shared/permissioning/bytecode.js';
import { LISTED, permissionStorage, type PermissionState, type StorageLayout } from '../../../shared/permissioning/storage.js';
import { expectThrows } from '../../helpers/errors.js';

const word = (n: bigint): string => `0x${n.toString(16).padStart(64, '0')}`;

/** The committed layout with state variable `label` moved to `slot`. */
function movedTo(label: string, slot: string): StorageLayout {
  return { ...STORAGE_LAYOUT, storage: STORAGE_LAYOUT.storage.map((item) => (item.label === label ? { ...item, slot } : item)) };
}

const EMPTY: PermissionState = { defaultMask: 0, threshold: 0, members: [], entries: new Map() };

describe('permissionStorage', () => {
  it('reads the layout solc reported: packed slot 0, then the member list, the member set and the entries', () => {
    expect(STORAGE_LAYOUT.storage.map(({ label, slot, offset }) => `${label}@${slot}+${offset}`)).toEqual([
      'defaultMask@0+0',
      'threshold@0+4',
      'nonce@0+8',
      'memberList@1+0',
      'isMember@2+0',
      'entries@3+0',
    ]);
  });

  it('puts a mapping entry at keccak256(pad32(key) ‖ pad32(slot)) (the reference vectors, slot 1)', () => {
    const state: PermissionState = {
      ...EMPTY,
      entries: new Map([
        [`0x${'22'.repeat(20)}`, 0x3],
        [`0x${'33'.repeat(20)}`, 0x0],
      ]),
    };
    expect(permissionStorage(state, movedTo('entries', '1'))).toEqual({
      '0xc611fb372755de90f24772b7c74dc525779414c15e504fcd974b69858402ce1a': word(LISTED | 3n),
      '0x69a4ad26e73cd81c8a3f4c36f8ad31b9e645e9898595480251dbca7e9f78a527': word(LISTED),
    });
  });

  it('packs the default mask and the threshold into slot 0 at their offsets', () => {
    expect(permissionStorage({ ...EMPTY, defaultMask: 0x3, threshold: 2 })).toEqual({ [word(0n)]: word((2n << 32n) | 3n) });
  });

  it('writes the member list as length at slot 1 and items from keccak256(1), and marks each member', () => {
    const members = [`0x${'11'.repeat(20)}`, `0x${'aa'.repeat(20)}`];
    const storage = permissionStorage({ ...EMPTY, threshold: 1, members });
    const first = 0xb10e2d527612073b26eecdfd717e6a320cf44b4afac2b0732d9fcbe2b7fa0cf6n;
    expect(storage[word(1n)]).toBe(word(2n));
    expect(storage[word(first)]).toBe(word(BigInt(members[0] as string)));
    expect(storage[word(first + 1n)]).toBe(word(BigInt(members[1] as string)));
    expect(Object.values(storage).filter((value) => value === word(1n))).toHaveLength(2);
  });

  it('never writes a zero value, and writes keys and values as 0x + 64 lowercase hex digits in ascending order', () => {
    expect(permissionStorage(EMPTY)).toEqual({});
    const storage = permissionStorage({ defaultMask: 1, threshold: 2, members: [`0x${'0f'.repeat(20)}`], entries: new Map([[`0x${'0f'.repeat(20)}`, 0]]) });
    const keys = Object.keys(storage);
    expect(keys).toEqual([...keys].sort());
    for (const [key, value] of Object.entries(storage)) {
      expect(key).toMatch(/^0x[0-9a-f]{64}$/);
      expect(value).toMatch(/^0x[0-9a-f]{64}$/);
      expect(BigInt(value)).not.toBe(0n);
    }
  });

  it('refuses a layout whose variable is no longer of the type it writes', () => {
    const layout: StorageLayout = {
      ...STORAGE_LAYOUT,
      storage: STORAGE_LAYOUT.storage.map((item) => (item.label === 'threshold' ? { ...item, type: 't_uint64' } : item)),
    };
    expectThrows(() => permissionStorage(EMPTY, layout), 'INTERNAL', 'permissioning.storageLayout.threshold');
  });
});
