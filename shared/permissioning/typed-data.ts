/**
 * The EIP-712 messages that change the permission contract, the digest members sign, and the
 * transaction anyone may then submit. Kept apart from shared/eip712/types.ts on purpose: those are the
 * ceremony's messages (domain `Concord`/`1`, checked off chain), these are checked on chain by
 * ConsortiumPermissions.sol with ecrecover, under a domain bound to the chain id and the contract's
 * address, and each carries the contract's nonce, so a signature counts once, on one chain, for one
 * contract. The type strings here must stay those of the contract's `*_TYPEHASH` constants (the EVM
 * test signs with these and executes the contract).
 *
 * EIP-712 (https://eips.ethereum.org/EIPS/eip-712): `address[]` and `Entry[]` are hashed as the keccak of
 * their items' encodings, `Entry` is appended to `SetPermissions`' type string. Hashing is ethers'
 * `TypedDataEncoder` (ethers `src.ts/hash/typed-data.ts`), as in shared/eip712/sign.ts.
 */
import { Interface, TypedDataEncoder, getAddress, type TypedDataDomain, type TypedDataField } from 'ethers';
import { ConcordError } from '../errors.js';
import { fromHex, type Hex } from '../hash/hex.js';
import { recoverAddress, type Address } from '../crypto/secp256k1.js';
import { PERMISSIONS_ABI } from './bytecode.js';
import { PERMISSION_CONTRACT_ADDRESS } from './account.js';
import { compareAddresses, RIGHTS_MASK } from './policy.js';

/** The EIP-712 domain's name and version; chainId and verifyingContract come from the chain. */
export const PERMISSIONS_DOMAIN = { name: 'Concord Permissions', version: '1' } as const;

/** Most members the contract accepts (its `MAX_MEMBERS`). */
export const MAX_CONTRACT_MEMBERS = 200;

/** The struct definitions of both changes. */
export const PERMISSION_CHANGE_TYPES = {
  SetPermissions: [
    { name: 'entries', type: 'Entry[]' },
    { name: 'defaultMask', type: 'uint32' },
    { name: 'nonce', type: 'uint256' },
  ],
  Entry: [
    { name: 'account', type: 'address' },
    { name: 'mask', type: 'uint32' },
    { name: 'listed', type: 'bool' },
  ],
  SetMembers: [
    { name: 'members', type: 'address[]' },
    { name: 'threshold', type: 'uint32' },
    { name: 'nonce', type: 'uint256' },
  ],
} as const satisfies Record<string, readonly TypedDataField[]>;

/** One sender's permissions in a change; `listed: false` (with mask 0) removes its entry, so the default applies. */
export interface PermissionEntry {
  account: Address;
  mask: number;
  listed: boolean;
}

/** A change of the permission contract: its entries and default mask, or its members and threshold. */
export type PermissionChange =
  | { kind: 'SetPermissions'; entries: readonly PermissionEntry[]; defaultMask: number }
  | { kind: 'SetMembers'; members: readonly Address[]; threshold: number };

/** Where a change applies and with which of the contract's nonces. */
export interface ChangeContext {
  chainId: bigint;
  /** the contract's `nonce()` when the members sign */
  nonce: bigint;
  /** default: PERMISSION_CONTRACT_ADDRESS */
  contract?: Address;
}

/** The typed data of a change, as `eth_signTypedData_v4` and hardware wallets take it. */
export interface PermissionTypedData {
  domain: TypedDataDomain;
  primaryType: PermissionChange['kind'];
  types: Record<string, TypedDataField[]>;
  message: Record<string, unknown>;
}

/** A transaction for anyone to submit (a member identity may always call the contract). */
export interface PermissionTransaction {
  to: Address;
  data: Hex;
}

const KNOWN_BITS = RIGHTS_MASK.create;

function isMask(mask: number): boolean {
  return Number.isInteger(mask) && mask >= 0 && (mask & ~KNOWN_BITS) === 0;
}

function checkedAddress(value: string, path: string): Address {
  if (!/^0x[0-9a-fA-F]{40}$/.test(value)) throw new ConcordError('MESSAGE_INVALID', path, 'an address, 0x + 40 hex digits');
  return getAddress(value.toLowerCase());
}

/** The change as the contract will check it: valid, members in ascending order. Throws MESSAGE_INVALID naming the field. */
function normalize(change: PermissionChange): PermissionChange {
  if (change.kind === 'SetPermissions') {
    if (!isMask(change.defaultMask)) throw new ConcordError('MESSAGE_INVALID', 'change.defaultMask', 'a mask of the bits 0x01, 0x02, 0x04');
    const seen = new Map<string, number>();
    const entries = change.entries.map((entry, i) => {
      const account = checkedAddress(entry.account, `change.entries[${i}].account`);
      const earlier = seen.get(account);
      if (earlier !== undefined) throw new ConcordError('MESSAGE_INVALID', `change.entries[${i}].account`, `an account not already in change.entries[${earlier}]`);
      seen.set(account, i);
      if (!isMask(entry.mask) || (!entry.listed && entry.mask !== 0)) {
        throw new ConcordError('MESSAGE_INVALID', `change.entries[${i}].mask`, 'a mask of the bits 0x01, 0x02, 0x04; 0 when listed is false');
      }
      return { account, mask: entry.mask, listed: entry.listed };
    });
    return { kind: 'SetPermissions', entries, defaultMask: change.defaultMask };
  }
  const members = change.members.map((member, i) => checkedAddress(member, `change.members[${i}]`)).sort(compareAddresses);
  if (members.length === 0 || members.length > MAX_CONTRACT_MEMBERS) throw new ConcordError('MESSAGE_INVALID', 'change.members', `1..${MAX_CONTRACT_MEMBERS} members`);
  members.forEach((member, i) => {
    if (i > 0 && member === members[i - 1]) throw new ConcordError('MESSAGE_INVALID', 'change.members', 'each member once');
  });
  if (!Number.isInteger(change.threshold) || change.threshold < 1 || change.threshold > members.length) {
    throw new ConcordError('MESSAGE_INVALID', 'change.threshold', `a threshold in 1..${members.length}`);
  }
  return { kind: 'SetMembers', members, threshold: change.threshold };
}

/** The EIP-712 typed data of `change` in `context` (members sorted as the contract requires). */
export function permissionTypedData(change: PermissionChange, context: ChangeContext): PermissionTypedData {
  const normalized = normalize(change);
  const domain: TypedDataDomain = {
    ...PERMISSIONS_DOMAIN,
    chainId: context.chainId,
    verifyingContract: context.contract ?? PERMISSION_CONTRACT_ADDRESS,
  };
  const copy = (fields: readonly TypedDataField[]): TypedDataField[] => fields.map((field) => ({ ...field }));
  if (normalized.kind === 'SetPermissions') {
    return {
      domain,
      primaryType: 'SetPermissions',
      types: { SetPermissions: copy(PERMISSION_CHANGE_TYPES.SetPermissions), Entry: copy(PERMISSION_CHANGE_TYPES.Entry) },
      message: { entries: normalized.entries.map((entry) => ({ ...entry })), defaultMask: normalized.defaultMask, nonce: context.nonce },
    };
  }
  return {
    domain,
    primaryType: 'SetMembers',
    types: { SetMembers: copy(PERMISSION_CHANGE_TYPES.SetMembers) },
    message: { members: [...normalized.members], threshold: normalized.threshold, nonce: context.nonce },
  };
}

/** The 32-byte digest each member signs for `change` (r ‖ s ‖ v, v 27 or 28, low s). */
export function permissionChangeDigest(change: PermissionChange, context: ChangeContext): Uint8Array {
  const typed = permissionTypedData(change, context);
  return fromHex(TypedDataEncoder.hash(typed.domain, typed.types, typed.message));
}

const CONTRACT_INTERFACE = new Interface(PERMISSIONS_ABI);

/** The contract function a change calls, as its signature, e.g. `setMembers(address[],uint32,uint256,bytes[])`. */
export function permissionChangeFunction(kind: PermissionChange['kind']): string {
  const fragment = CONTRACT_INTERFACE.getFunction(kind === 'SetPermissions' ? 'setPermissions' : 'setMembers');
  if (fragment === null) throw new ConcordError('INTERNAL', 'PERMISSIONS_ABI', `the function a ${kind} calls`);
  return fragment.format('sighash');
}

/**
 * The transaction that applies `change` with the members' `signatures` over its digest: each signature's
 * signer is recovered, a signer twice is refused (DUPLICATE), and the signatures are put in ascending
 * signer order, as the contract requires. Whether the signers are members and reach the threshold the
 * contract checks; a stale nonce makes it revert.
 */
export function permissionChangeTransaction(change: PermissionChange, context: ChangeContext, signatures: readonly string[]): PermissionTransaction {
  const normalized = normalize(change);
  const digest = permissionChangeDigest(normalized, context);
  const signed = signatures.map((signature, i) => ({ signer: recoverAddress(digest, signature, `signatures[${i}]`), signature, i }));
  const bySigner = new Map<string, number>();
  for (const { signer, i } of signed) {
    const earlier = bySigner.get(signer);
    if (earlier !== undefined) throw new ConcordError('DUPLICATE', `signatures[${i}]`, `a signer other than that of signatures[${earlier}]`);
    bySigner.set(signer, i);
  }
  const ordered = signed.sort((a, b) => compareAddresses(a.signer, b.signer)).map(({ signature }) => signature);
  const data =
    normalized.kind === 'SetPermissions'
      ? CONTRACT_INTERFACE.encodeFunctionData('setPermissions', [
          normalized.entries.map((entry) => [entry.account, entry.mask, entry.listed]),
          normalized.defaultMask,
          context.nonce,
          ordered,
        ])
      : CONTRACT_INTERFACE.encodeFunctionData('setMembers', [normalized.members, normalized.threshold, context.nonce, ordered]);
  return { to: context.contract ?? PERMISSION_CONTRACT_ADDRESS, data };
}
