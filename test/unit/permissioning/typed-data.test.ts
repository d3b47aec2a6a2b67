/**
 * The EIP-712 changes off chain: the type strings are the contract's, the digest is bound to the chain,
 * the contract and the nonce, and the transaction builder refuses what the contract would revert on
 * before anyone pays for it. (That the contract accepts what this signs: evm.test.ts.)
 */
import { readFileSync } from 'node:fs';
import { TypedDataEncoder, getAddress } from 'ethers';
import { describe, expect, it } from 'vitest';
import { signDigest } from '../../../shared/crypto/secp256k1.js';
import { PERMISSION_CONTRACT_ADDRESS } from '../../../shared/permissioning/account.js';
import {
  PERMISSION_CHANGE_TYPES,
  permissionChangeDigest,
  permissionChangeTransaction,
  permissionTypedData,
  type ChangeContext,
  type PermissionChange,
} from '../../../shared/permissioning/typed-data.js';
import { makeKey } from '../../helpers/ceremony.js';
import { expectThrows } from '../../helpers/errors.js';
import { CONTRACT } from './genesis-evm.js';

const SOURCE = readFileSync(new URL('../../../shared/permissioning/ConsortiumPermissions.sol', import.meta.url), 'utf8');
const A = getAddress(`0x${'0a'.repeat(20)}`);
const B = getAddress(`0x${'0b'.repeat(20)}`);
const CONTEXT: ChangeContext = { chainId: 77_999n, nonce: 4n };
const OPEN_A: PermissionChange = { kind: 'SetPermissions', entries: [{ account: A, mask: 3, listed: true }], defaultMask: 0 };

const hex = (bytes: Uint8Array): string => `0x${Buffer.from(bytes).toString('hex')}`;

describe('permission change typed data', () => {
  it("uses exactly the contract's type strings", () => {
    const setPermissions = TypedDataEncoder.from({ SetPermissions: [...PERMISSION_CHANGE_TYPES.SetPermissions], Entry: [...PERMISSION_CHANGE_TYPES.Entry] }).encodeType('SetPermissions');
    const setMembers = TypedDataEncoder.from({ SetMembers: [...PERMISSION_CHANGE_TYPES.SetMembers] }).encodeType('SetMembers');
    expect(setPermissions).toBe('SetPermissions(Entry[] entries,uint32 defaultMask,uint256 nonce)Entry(address account,uint32 mask,bool listed)');
    expect(setMembers).toBe('SetMembers(address[] members,uint32 threshold,uint256 nonce)');
    expect(SOURCE).toContain(`"${setPermissions}"`);
    expect(SOURCE).toContain(`"${setMembers}"`);
    expect(SOURCE).toContain('keccak256("Concord Permissions")');
  });

  it('binds the domain to the chain id and the contract address', () => {
    expect(permissionTypedData(OPEN_A, CONTEXT).domain).toEqual({ name: 'Concord Permissions', version: '1', chainId: 77_999n, verifyingContract: PERMISSION_CONTRACT_ADDRESS });
  });

  it('gives another digest for another chain, contract, nonce or change', () => {
    const digest = hex(permissionChangeDigest(OPEN_A, CONTEXT));
    const others = [
      permissionChangeDigest(OPEN_A, { ...CONTEXT, chainId: 78_000n }),
      permissionChangeDigest(OPEN_A, { ...CONTEXT, contract: B }),
      permissionChangeDigest(OPEN_A, { ...CONTEXT, nonce: 5n }),
      permissionChangeDigest({ ...OPEN_A, defaultMask: 1 }, CONTEXT),
    ].map(hex);
    expect(new Set([digest, ...others]).size).toBe(5);
  });

  it('signs members in ascending order, whatever order they are given in', () => {
    const members: PermissionChange = { kind: 'SetMembers', members: [B, A], threshold: 1 };
    expect(permissionTypedData(members, CONTEXT).message.members).toEqual([A, B]);
    expect(hex(permissionChangeDigest(members, CONTEXT))).toBe(hex(permissionChangeDigest({ ...members, members: [A, B] }, CONTEXT)));
  });

  it('builds the call with the signatures in ascending signer order', () => {
    const [first, second] = [makeKey(), makeKey()].sort((x, y) => (x.address.toLowerCase() < y.address.toLowerCase() ? -1 : 1)) as [ReturnType<typeof makeKey>, ReturnType<typeof makeKey>];
    const digest = permissionChangeDigest(OPEN_A, CONTEXT);
    const signatures = [signDigest(digest, second.secretKey), signDigest(digest, first.secretKey)];
    const tx = permissionChangeTransaction(OPEN_A, CONTEXT, signatures);
    expect(tx.to).toBe(PERMISSION_CONTRACT_ADDRESS);
    const decoded = CONTRACT.decodeFunctionData('setPermissions', tx.data);
    expect(decoded[2]).toBe(4n);
    expect([...decoded[3]]).toEqual([signatures[1], signatures[0]]);
  });

  it.each<[string, PermissionChange, string]>([
    ['a mask with an unknown bit', { ...OPEN_A, entries: [{ account: A, mask: 8, listed: true }] }, 'change.entries[0].mask'],
    ['an unlisted entry with a mask', { ...OPEN_A, entries: [{ account: A, mask: 1, listed: false }] }, 'change.entries[0].mask'],
    ['one account twice', { ...OPEN_A, entries: [{ account: A, mask: 1, listed: true }, { account: A.toLowerCase(), mask: 3, listed: true }] }, 'change.entries[1].account'],
    ['a malformed account', { ...OPEN_A, entries: [{ account: '0x1234', mask: 1, listed: true }] }, 'change.entries[0].account'],
    ['a default mask with an unknown bit', { ...OPEN_A, defaultMask: 0x10 }, 'change.defaultMask'],
    ['no members', { kind: 'SetMembers', members: [], threshold: 1 }, 'change.members'],
    ['a member twice', { kind: 'SetMembers', members: [A, A.toLowerCase()], threshold: 1 }, 'change.members'],
    ['a threshold above the members', { kind: 'SetMembers', members: [A, B], threshold: 3 }, 'change.threshold'],
    ['a threshold of 0', { kind: 'SetMembers', members: [A], threshold: 0 }, 'change.threshold'],
  ])('refuses %s, naming the field', (_name, change, path) => {
    expectThrows(() => permissionChangeDigest(change, CONTEXT), 'MESSAGE_INVALID', path);
  });

  it('refuses one signer twice and a malformed signature', () => {
    const key = makeKey();
    const signature = signDigest(permissionChangeDigest(OPEN_A, CONTEXT), key.secretKey);
    expectThrows(() => permissionChangeTransaction(OPEN_A, CONTEXT, [signature, signature]), 'DUPLICATE', 'signatures[1]');
    expectThrows(() => permissionChangeTransaction(OPEN_A, CONTEXT, [signature.slice(0, -2)]), 'SIGNATURE_INVALID', 'signatures[0]');
  });
});
