/**
 * From the spec's words to the contract's state: the keyword expanded to member identities and bridge
 * validators, each right to its mask, members and entries in ascending address order.
 */
import { getAddress } from 'ethers';
import { describe, expect, it } from 'vitest';
import { RIGHTS_MASK, TX_BASIC, TX_CALL, TX_CREATE, resolvePolicy } from '../../../shared/permissioning/policy.js';
import { permissionsSchema } from '../../../shared/permissioning/schema.js';

const address = (byte: string): string => getAddress(`0x${byte.repeat(20)}`);
const [M1, M2, V1, X, D] = [address('c1'), address('a2'), address('b3'), address('0d'), address('e5')] as [string, string, string, string, string];

describe('resolvePolicy', () => {
  it('maps each right to the filter bits', () => {
    expect(RIGHTS_MASK).toEqual({ none: 0, basic: TX_BASIC, call: TX_BASIC | TX_CALL, create: TX_BASIC | TX_CALL | TX_CREATE });
  });

  it('expands "consortium" to the member identities and the bridge validators, and sorts members and entries', () => {
    const state = resolvePolicy({
      permissions: permissionsSchema.parse({ transact: ['consortium', X], create: [D], unlisted: 'basic' }),
      members: [M1, M2],
      threshold: 2,
      bridgeValidators: [V1],
    });
    expect(state.defaultMask).toBe(TX_BASIC);
    expect(state.threshold).toBe(2);
    expect(state.members).toEqual([M2, M1]);
    expect([...state.entries]).toEqual([
      [X, TX_BASIC | TX_CALL],
      [M2, TX_BASIC | TX_CALL],
      [V1, TX_BASIC | TX_CALL],
      [M1, TX_BASIC | TX_CALL],
      [D, TX_BASIC | TX_CALL | TX_CREATE],
    ]);
  });

  it('gives an address reached twice (a bridge validator the spec also names) the union of its rights', () => {
    const state = resolvePolicy({ permissions: permissionsSchema.parse({ transact: ['consortium'], create: [V1], unlisted: 'none' }), members: [M1], threshold: 1, bridgeValidators: [V1] });
    expect(state.entries.get(V1)).toBe(TX_BASIC | TX_CALL | TX_CREATE);
  });
});
