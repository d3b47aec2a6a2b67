/**
 * From the agreed `permissions` section, the member identities, the governance threshold and the bridge
 * validators (known after the reveals) to the permission contract's genesis state: one mask per listed
 * sender and a default mask.
 *
 * Mask bits: openethereum `crates/ethcore/src/tx_filter.rs` (`tx_permissions`), Nethermind
 * `Nethermind.Consensus.AuRa/Contracts/TransactionPermissionContract.cs` (`TxPermissions`): Basic 0x01
 * (a transaction to an address without code), Call 0x02 (to an address with code), Create 0x04.
 */
import { getAddress } from 'ethers';
import { CONSORTIUM, type Permissions } from './schema.js';
import type { PermissionState } from './storage.js';

/** A transaction to an address without code (a value transfer). */
export const TX_BASIC = 0x01;
/** A transaction to an address with code. */
export const TX_CALL = 0x02;
/** A contract creation. */
export const TX_CREATE = 0x04;

/** The mask of each right the spec names. */
export const RIGHTS_MASK: Readonly<Record<'none' | 'basic' | 'call' | 'create', number>> = Object.freeze({
  none: 0,
  basic: TX_BASIC,
  call: TX_BASIC | TX_CALL,
  create: TX_BASIC | TX_CALL | TX_CREATE,
});

/** What the contract's genesis state is made from. */
export interface PolicyInput {
  permissions: Permissions;
  /** member identities, EIP-55 */
  members: readonly string[];
  threshold: number;
  /** the agreed bridge validators, EIP-55; empty without a bridge */
  bridgeValidators: readonly string[];
}

/** Ascending address order: the order of 40 lowercase hex digits is the order of the numbers. */
export function compareAddresses(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * The contract's genesis state. An address reached twice (a bridge validator that a spec address also
 * names) gets the union of its rights: the spec schema already refuses every conflict it can see.
 */
export function resolvePolicy(input: PolicyInput): PermissionState {
  const consortium = [...input.members, ...input.bridgeValidators];
  const masks = new Map<string, number>();
  const grant = (grantees: readonly string[], mask: number): void => {
    for (const grantee of grantees) {
      for (const address of grantee === CONSORTIUM ? consortium : [grantee]) {
        const account = getAddress(address);
        masks.set(account, (masks.get(account) ?? 0) | mask);
      }
    }
  };
  grant(input.permissions.transact, RIGHTS_MASK.call);
  grant(input.permissions.create, RIGHTS_MASK.create);
  return {
    defaultMask: RIGHTS_MASK[input.permissions.unlisted],
    threshold: input.threshold,
    members: [...input.members].map((member) => getAddress(member)).sort(compareAddresses),
    entries: new Map([...masks].sort(([a], [b]) => compareAddresses(a, b))),
  };
}
