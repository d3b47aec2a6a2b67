/**
 * The genesis storage of ConsortiumPermissions, computed from solc's storage layout (bytecode.ts
 * `STORAGE_LAYOUT`), never from guessed slot numbers. Solidity docs, "Layout of State Variables in
 * Storage": value types are right-aligned in their slot at the byte `offset` the layout gives, several
 * sharing a slot when they fit; a dynamic array keeps its length at its slot p and item i at
 * keccak256(p) + i·size/32 (items packed the same way); a mapping's value for key k sits at
 * keccak256(pad32(k) ‖ pad32(p)).
 *
 * Written as a chain spec `storage` object: 0x + 64 lowercase hex digits for keys and values (Nethermind
 * reads them as hex, OpenEthereum as hex only with 0x: REFERENCE.md §1), zero values left out (both
 * clients drop them, but by different code paths: shared/reference/permissioning.md §6).
 */
import { keccak_256 } from '@noble/hashes/sha3.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { ConcordError } from '../errors.js';
import { STORAGE_LAYOUT } from './bytecode.js';

/** solc's `storageLayout` output, without the AST ids. */
export interface StorageLayout {
  storage: { label: string; slot: string; offset: number; type: string }[];
  types: Record<string, { encoding: string; label: string; numberOfBytes: string; base?: string; key?: string; value?: string }>;
}

/** The contract's state at genesis. */
export interface PermissionState {
  /** mask of every sender without an entry */
  defaultMask: number;
  /** distinct member signatures a change needs */
  threshold: number;
  /** member identities, EIP-55, in ascending address order (the order `setMembers` requires) */
  members: readonly string[];
  /** one entry per listed sender (EIP-55 address → mask), in ascending address order */
  entries: ReadonlyMap<string, number>;
}

/**
 * The contract's `nonce()` in genesis: `permissionStorage` never writes the variable (a zero value is
 * left out), so the first change the members sign carries 0.
 */
export const GENESIS_CONTRACT_NONCE = 0;

/** Marks an entry as present, so that a listed mask of 0 differs from no entry (the contract's `LISTED`). */
export const LISTED = 1n << 32n;

const SLOT_COUNT = 1n << 256n;

function word(value: bigint): Uint8Array {
  return hexToBytes(value.toString(16).padStart(64, '0'));
}

function keccakWord(...words: Uint8Array[]): bigint {
  const joined = new Uint8Array(32 * words.length);
  words.forEach((w, i) => joined.set(w, 32 * i));
  return BigInt(`0x${bytesToHex(keccak_256(joined))}`);
}

/** Reads the layout of one state variable, checking that it is what the code below writes. */
function variable(layout: StorageLayout, label: string, typeLabel: string): { slot: bigint; offset: number; bytes: number; type: StorageLayout['types'][string] } {
  const entry = layout.storage.find((item) => item.label === label);
  const type = entry === undefined ? undefined : layout.types[entry.type];
  if (entry === undefined || type === undefined || type.label !== typeLabel) {
    throw new ConcordError('INTERNAL', `permissioning.storageLayout.${label}`, `a state variable ${label} of type ${typeLabel}`);
  }
  return { slot: BigInt(entry.slot), offset: entry.offset, bytes: Number(type.numberOfBytes), type };
}

class Slots {
  readonly values = new Map<bigint, bigint>();

  /** Places `value` (`bytes` wide) at byte `offset` from the right of `slot`. */
  put(slot: bigint, offset: number, bytes: number, value: bigint): void {
    if (value < 0n || value >= 1n << BigInt(8 * bytes)) {
      throw new ConcordError('INTERNAL', 'permissioning.storage', `a value that fits ${bytes} byte(s)`);
    }
    const shifted = value << BigInt(8 * offset);
    this.values.set(slot, (this.values.get(slot) ?? 0n) | shifted);
  }
}

/**
 * The contract's storage for `state`, as chain spec `storage` entries in ascending slot order. `layout`
 * is the committed one unless a test passes another.
 */
export function permissionStorage(state: PermissionState, layout: StorageLayout = STORAGE_LAYOUT): Record<string, string> {
  const slots = new Slots();
  const defaultMask = variable(layout, 'defaultMask', 'uint32');
  const threshold = variable(layout, 'threshold', 'uint32');
  const members = variable(layout, 'memberList', 'address[]');
  const isMember = variable(layout, 'isMember', 'mapping(address => bool)');
  const entries = variable(layout, 'entries', 'mapping(address => uint256)');

  slots.put(defaultMask.slot, defaultMask.offset, defaultMask.bytes, BigInt(state.defaultMask));
  slots.put(threshold.slot, threshold.offset, threshold.bytes, BigInt(state.threshold));

  const itemBytes = Number(layout.types[members.type.base ?? '']?.numberOfBytes ?? 32);
  const perSlot = Math.floor(32 / itemBytes);
  slots.put(members.slot, 0, 32, BigInt(state.members.length));
  const firstItemSlot = keccakWord(word(members.slot));
  state.members.forEach((member, i) => {
    // Slot arithmetic is modulo 2^256, as the EVM's.
    slots.put((firstItemSlot + BigInt(Math.floor(i / perSlot))) % SLOT_COUNT, (i % perSlot) * itemBytes, itemBytes, BigInt(member));
    slots.put(keccakWord(word(BigInt(member)), word(isMember.slot)), 0, 1, 1n);
  });
  for (const [account, mask] of state.entries) {
    slots.put(keccakWord(word(BigInt(account)), word(entries.slot)), 0, 32, LISTED | BigInt(mask));
  }

  const storage: Record<string, string> = {};
  const ordered = [...slots.values].filter(([, value]) => value !== 0n).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [slot, value] of ordered) {
    storage[`0x${bytesToHex(word(slot))}`] = `0x${bytesToHex(word(value))}`;
  }
  return storage;
}
