/**
 * Genesis state root from a chain spec's `accounts`: a secure Merkle-Patricia trie (key = keccak(address))
 * of rlp([nonce, balance, storageRoot, keccak(code)]), each storage trie secure too (key = keccak(32-byte
 * slot), value = rlp(value)).
 *
 * Which entries are in the state, and with what, follows both clients; where they differ the entry is
 * refused, since no one hash would be right:
 * - OpenEthereum `crates/ethjson/src/spec/account.rs` (`Account::is_empty`: no balance, nonce, code, storage)
 *   and `crates/ethcore/src/pod_state.rs` (`From<ethjson::spec::State>` drops empty entries, builtin or not);
 *   `crates/ethcore/src/pod_account.rs` (`From<ethjson::spec::Account>`: a missing balance, nonce, code or
 *   storage is zero / empty; not `accountStartNonce`).
 * - Nethermind `Nethermind.Specs/ChainSpecStyle/ChainSpecLoader.cs` (`LoadAllocations`): skips an entry
 *   with `builtIn` and no `balance`, keeps every other entry (even `{}`), balance defaults to 0;
 *   `Json/AllocationJson.cs`: `Nonce` defaults to 0, storage keys and values read as hex.
 * - Zero storage values are not stored: OpenEthereum `crates/ethcore/src/state/account.rs`
 *   (`commit_storage` removes zero values), Nethermind `GenesisBuilder.Preallocate` (sets
 *   `WithoutLeadingZeros`, and a zero value clears the slot).
 */
import { RLP } from '@ethereumjs/rlp';
import { Trie } from '@ethereumjs/trie';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { parseHexBytes, parseSpecInteger } from '../chainspec/numbers.js';
import { ConcordError, joinPath } from '../errors.js';

/** One account of the genesis state, parsed. */
export interface GenesisAccount {
  /** 20 bytes */
  address: Uint8Array;
  nonce: bigint;
  balance: bigint;
  code: Uint8Array;
  /** slot → value, zero values already left out */
  storage: Map<bigint, bigint>;
}

const ACCOUNT_FIELDS = new Set(['builtin', 'balance', 'nonce', 'code', 'storage', 'constructor']);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function wordBytes(value: bigint): Uint8Array {
  return hexToBytes(value.toString(16).padStart(64, '0'));
}

function readStorage(storage: unknown, path: string): Map<bigint, bigint> {
  if (!isObject(storage)) throw new ConcordError('CHAINSPEC_INVALID', path, 'an object mapping 0x-hex slots to 0x-hex values');
  const slots = new Map<bigint, bigint>();
  const seen = new Set<bigint>();
  for (const [key, rawValue] of Object.entries(storage)) {
    const slotPath = joinPath(path, key);
    const slot = parseSpecInteger(key, slotPath, { hexOnly: true });
    // Nethermind builds the slots with ToDictionary, which throws on a repeated key; OpenEthereum keeps the last.
    if (seen.has(slot)) throw new ConcordError('CHAINSPEC_INVALID', slotPath, 'a storage slot not already listed in another spelling');
    seen.add(slot);
    const value = parseSpecInteger(rawValue, slotPath, { hexOnly: true });
    if (value !== 0n) slots.set(slot, value);
  }
  return slots;
}

/**
 * Reads the `accounts` object of a chain spec into the accounts that are in the genesis state, in input
 * order. Throws CHAINSPEC_INVALID for malformed entries or the same address listed twice (in another
 * case, or with and without `0x`), CHAINSPEC_UNSUPPORTED for `constructor` accounts, unknown account
 * fields, and entries the two clients place differently in the state.
 */
export function readGenesisAccounts(accounts: unknown): GenesisAccount[] {
  if (!isObject(accounts)) throw new ConcordError('CHAINSPEC_INVALID', 'accounts', 'an object mapping addresses to accounts');
  const seen = new Set<string>();
  const out: GenesisAccount[] = [];
  for (const [key, entry] of Object.entries(accounts)) {
    const path = joinPath('accounts', key);
    const address = parseHexBytes(key, path, 20);
    const id = bytesToHex(address);
    if (seen.has(id)) {
      throw new ConcordError('CHAINSPEC_INVALID', path, 'an address not already listed in another case or with/without 0x');
    }
    seen.add(id);
    if (!isObject(entry)) throw new ConcordError('CHAINSPEC_INVALID', path, 'an account object');
    for (const field of Object.keys(entry)) {
      if (!ACCOUNT_FIELDS.has(field)) {
        throw new ConcordError('CHAINSPEC_UNSUPPORTED', joinPath(path, field), 'only builtin, balance, nonce, code and storage in an account');
      }
    }
    // `entry.constructor` would find Object.prototype.constructor on every entry.
    if (Object.hasOwn(entry, 'constructor')) {
      throw new ConcordError(
        'CHAINSPEC_UNSUPPORTED',
        joinPath(path, 'constructor'),
        'no genesis constructor: give the deployed code and storage instead',
      );
    }
    if (entry.builtin !== undefined && !isObject(entry.builtin)) {
      throw new ConcordError('CHAINSPEC_INVALID', joinPath(path, 'builtin'), 'a builtin object');
    }
    const hasState =
      entry.balance !== undefined || entry.nonce !== undefined || entry.code !== undefined || entry.storage !== undefined;
    if (entry.builtin !== undefined && entry.balance === undefined) {
      if (hasState) {
        throw new ConcordError(
          'CHAINSPEC_UNSUPPORTED',
          joinPath(path, 'balance'),
          'a balance on a builtin that has nonce, code or storage (without one OpenEthereum puts it in the state, Nethermind leaves it out)',
        );
      }
      continue;
    }
    if (!hasState) {
      throw new ConcordError(
        'CHAINSPEC_UNSUPPORTED',
        path,
        'an account with a balance, nonce, code or storage (OpenEthereum leaves an empty one out of the state, Nethermind puts it in)',
      );
    }
    out.push({
      address,
      balance: entry.balance === undefined ? 0n : parseSpecInteger(entry.balance, joinPath(path, 'balance')),
      nonce: entry.nonce === undefined ? 0n : parseSpecInteger(entry.nonce, joinPath(path, 'nonce')),
      code: entry.code === undefined ? new Uint8Array(0) : parseHexBytes(entry.code, joinPath(path, 'code')),
      storage: entry.storage === undefined ? new Map() : readStorage(entry.storage, joinPath(path, 'storage')),
    });
  }
  return out;
}

async function secureTrieRoot(entries: Iterable<[Uint8Array, Uint8Array]>): Promise<Uint8Array> {
  const trie = await Trie.create({ useKeyHashing: true });
  for (const [key, value] of entries) await trie.put(key, value);
  return trie.root();
}

/** The state root of the given genesis accounts (32 bytes). */
export async function computeStateRoot(accounts: readonly GenesisAccount[]): Promise<Uint8Array> {
  const leaves: [Uint8Array, Uint8Array][] = [];
  for (const account of accounts) {
    const storageRoot = await secureTrieRoot(
      [...account.storage].map(([slot, value]): [Uint8Array, Uint8Array] => [wordBytes(slot), RLP.encode(value)]),
    );
    leaves.push([account.address, RLP.encode([account.nonce, account.balance, storageRoot, keccak_256(account.code)])]);
  }
  return secureTrieRoot(leaves);
}
