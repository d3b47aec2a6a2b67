/**
 * Field by field, the permission contract's part of a claimed chain spec against the one re-derived
 * from the spec and the reveals: the two params, the account's balance, nonce and code, and every
 * storage slot. `verifyArtifact` already compares whole chain specs; this names what differs, so that a
 * tampered code or slot is reported as such.
 */
import { canonicalize } from '../canonical/jcs.js';
import { joinPath } from '../errors.js';
import type { AuraChainSpec } from '../chainspec/aura.js';
import { PERMISSION_CONTRACT_ADDRESS } from './account.js';

/** One field of the permission contract's genesis that differs. */
export interface GenesisDifference {
  /** from the chain spec's root, e.g. `chainSpec.accounts.0xC0C0….storage.0x00…00` */
  path: string;
  expected: string;
}

type Json = Record<string, unknown>;

function field(value: unknown, ...keys: string[]): unknown {
  let at = value;
  for (const key of keys) {
    if (typeof at !== 'object' || at === null || Array.isArray(at) || !Object.hasOwn(at, key)) return undefined;
    at = (at as Json)[key];
  }
  return at;
}

function keysOf(value: unknown): string[] {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? Object.keys(value) : [];
}

function shown(value: unknown): string {
  return value === undefined ? 'absent' : canonicalize(value);
}

/** Every difference between `claimed` (any JSON value) and `derived` in the permission contract's fields. */
export function comparePermissionGenesis(claimed: unknown, derived: AuraChainSpec): GenesisDifference[] {
  const differences: GenesisDifference[] = [];
  const compare = (keys: string[], what: string): void => {
    const expected = field(derived, ...keys);
    if (canonicalize(field(claimed, ...keys) ?? null) !== canonicalize(expected ?? null)) {
      differences.push({ path: joinPath('chainSpec', ...keys), expected: `${what} re-derived from the spec and the reveals: ${shown(expected)}` });
    }
  };
  compare(['params', 'transactionPermissionContract'], 'the permission contract address');
  compare(['params', 'transactionPermissionContractTransition'], 'the permission contract transition');
  const account = ['accounts', PERMISSION_CONTRACT_ADDRESS];
  compare([...account, 'balance'], 'the permission contract balance');
  compare([...account, 'nonce'], 'the permission contract nonce');
  // The code is long and public (shared/permissioning/bytecode.ts); the message names it instead of repeating it.
  if (canonicalize(field(claimed, ...account, 'code') ?? null) !== canonicalize(field(derived, ...account, 'code') ?? null)) {
    differences.push({ path: joinPath('chainSpec', ...account, 'code'), expected: "the permission contract's runtime code for the chain's EVM level (shared/permissioning/bytecode.ts)" });
  }
  const slots = new Set([...keysOf(field(claimed, ...account, 'storage')), ...keysOf(field(derived, ...account, 'storage'))]);
  for (const slot of [...slots].sort()) compare([...account, 'storage', slot], `the value of storage slot ${slot}`);
  return differences;
}
