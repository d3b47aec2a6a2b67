/**
 * The permission contract's genesis account: the committed runtime code for the chain's EVM level and
 * the storage of its state, with `balance` 0 and `nonce` 1 (the nonce EIP-161 gives a created contract)
 * written out, and never a `constructor`: OpenEthereum runs one from sender 0x0 and Nethermind from
 * the account itself, so a constructor's state could differ by client, and Concord would need an EVM to
 * compute the genesis hash (shared/reference/permissioning.md §6).
 */
import type { ContractAccount, TransactionPermission } from '../chainspec/aura.js';
import type { EvmLevel } from '../chainspec/evm-levels.js';
import { RUNTIME_BYTECODE } from './bytecode.js';
import { permissionStorage, type PermissionState } from './storage.js';

/**
 * Where every Concord chain with a `permissions` section has its permission contract: a fixed address
 * no key controls, outside the precompile range, so that tools and auditors find it without the spec.
 */
export const PERMISSION_CONTRACT_ADDRESS = '0xC0C0000000000000000000000000000000000001';

/** The permission contract's genesis account for `state` on a chain of EVM level `level`. */
export function permissionAccount(state: PermissionState, level: EvmLevel): ContractAccount {
  return {
    balance: '0x0',
    nonce: '0x1',
    code: RUNTIME_BYTECODE[level],
    storage: permissionStorage(state),
  };
}

/** The chain spec input that places the contract at its address and switches the filter on. */
export function transactionPermission(state: PermissionState, level: EvmLevel): TransactionPermission {
  return { address: PERMISSION_CONTRACT_ADDRESS, account: permissionAccount(state, level) };
}
