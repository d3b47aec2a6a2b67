/**
 * An independent genesis hash for cross-checking shared/genesis: hand-written RLP and Merkle-Patricia
 * root, from the rules in REFERENCE.md §1 and the clients' sources, sharing no code with shared/genesis
 * (which uses @ethereumjs/rlp and @ethereumjs/trie). Only keccak and sha256 come from @noble/hashes.
 *
 *   const root = stateRoot([{ address, nonce: 0n, balance: 1n, code: new Uint8Array(0), storage: [] }]);
 *   const hash = headerHash([...preLondonFields(root, { difficulty: 0x20000n, gasLimit: 10_000_000n }), bigBytes(0n), new Uint8Array(65), bigBytes(baseFee)]);
 */
import { keccak_256 } from '@noble/hashes/sha3.js';
import { bytesToHex, concatBytes, hexToBytes } from '@noble/hashes/utils.js';

/** An RLP item: a byte string or a list. */
export type Rlp = Uint8Array | Rlp[];

/** The big-endian bytes of `n` without leading zeros (zero is the empty string), as RLP integers are. */
export function bigBytes(n: bigint): Uint8Array {
  if (n === 0n) return new Uint8Array(0);
  const hex = n.toString(16);
  return hexToBytes(hex.length % 2 === 0 ? hex : `0${hex}`);
}

function lengthPrefix(length: number, offset: number): Uint8Array {
  if (length < 56) return Uint8Array.of(offset + length);
  const lengthBytes = bigBytes(BigInt(length));
  return concatBytes(Uint8Array.of(offset + 55 + lengthBytes.length), lengthBytes);
}

/** The RLP encoding of `item` (Ethereum yellow paper, appendix B). */
export function rlp(item: Rlp): Uint8Array {
  if (item instanceof Uint8Array) {
    if (item.length === 1 && (item[0] ?? 0) < 0x80) return item;
    return concatBytes(lengthPrefix(item.length, 0x80), item);
  }
  const body = concatBytes(...item.map(rlp));
  return concatBytes(lengthPrefix(body.length, 0xc0), body);
}

function nibbles(bytes: Uint8Array): number[] {
  return [...bytes].flatMap((b) => [b >> 4, b & 15]);
}

function hexPrefix(path: number[], leaf: boolean): Uint8Array {
  const flagged = path.length % 2 === 1 ? [(leaf ? 2 : 0) + 1, ...path] : [leaf ? 2 : 0, 0, ...path];
  const out = new Uint8Array(flagged.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = ((flagged[2 * i] ?? 0) << 4) | (flagged[2 * i + 1] ?? 0);
  return out;
}

type Leaf = [number[], Uint8Array];

function childRef(node: Rlp): Rlp {
  const encoded = rlp(node);
  return encoded.length < 32 ? node : keccak_256(encoded);
}

function trieNode(leaves: Leaf[]): Rlp {
  const [first] = leaves;
  if (first === undefined) throw new Error('empty subtrie');
  if (leaves.length === 1) return [hexPrefix(first[0], true), first[1]];
  let shared = 0;
  while (leaves.every(([key]) => key[shared] === first[0][shared])) shared++;
  if (shared > 0) {
    const rest = leaves.map(([key, value]): Leaf => [key.slice(shared), value]);
    return [hexPrefix(first[0].slice(0, shared), false), childRef(trieNode(rest))];
  }
  const branch: Rlp[] = [];
  for (let nibble = 0; nibble < 16; nibble++) {
    const group = leaves.filter(([key]) => key[0] === nibble).map(([key, value]): Leaf => [key.slice(1), value]);
    branch.push(group.length === 0 ? new Uint8Array(0) : childRef(trieNode(group)));
  }
  branch.push(new Uint8Array(0));
  return branch;
}

/** The root of a secure Merkle-Patricia trie (key = keccak(key)) holding `entries` (distinct keys). */
export function secureRoot(entries: [Uint8Array, Uint8Array][]): Uint8Array {
  if (entries.length === 0) return keccak_256(rlp(new Uint8Array(0)));
  return keccak_256(rlp(trieNode(entries.map(([key, value]): Leaf => [nibbles(keccak_256(key)), value]))));
}

/** `n` as a 32-byte word: a storage slot key. */
export function word(n: bigint): Uint8Array {
  return hexToBytes(n.toString(16).padStart(64, '0'));
}

/** The root of the empty trie: the transactions and receipts roots of block 0. */
export const EMPTY_ROOT = keccak_256(rlp(new Uint8Array(0)));

/** One account of the genesis state, as both clients put it in the trie. */
export interface StateAccount {
  /** 20 bytes */
  address: Uint8Array;
  nonce: bigint;
  balance: bigint;
  code: Uint8Array;
  /** [slot, value] with distinct slots; zero values are left out of the trie, as both clients do */
  storage: readonly (readonly [bigint, bigint])[];
}

/** The state root of `accounts` (distinct addresses): secure trie of rlp([nonce, balance, storageRoot, keccak(code)]). */
export function stateRoot(accounts: readonly StateAccount[]): Uint8Array {
  return secureRoot(
    accounts.map((a): [Uint8Array, Uint8Array] => {
      const storage = a.storage.filter(([, value]) => value !== 0n).map(([slot, value]): [Uint8Array, Uint8Array] => [word(slot), rlp(bigBytes(value))]);
      return [a.address, rlp([bigBytes(a.nonce), bigBytes(a.balance), secureRoot(storage), keccak_256(a.code)])];
    }),
  );
}

/** The genesis values of the 13 pre-London header fields; absent ones are the clients' defaults. */
export interface PreLondonGenesis {
  parentHash?: Uint8Array;
  author?: Uint8Array;
  difficulty: bigint;
  gasLimit: bigint;
  timestamp?: bigint;
  extraData?: Uint8Array;
}

/** The 13 pre-London fields of block 0 over `stateRoot`: number, gas used 0, empty roots and bloom. */
export function preLondonFields(root: Uint8Array, g: PreLondonGenesis): Rlp[] {
  return [
    g.parentHash ?? new Uint8Array(32),
    keccak_256(rlp([])),
    g.author ?? new Uint8Array(20),
    root,
    EMPTY_ROOT,
    EMPTY_ROOT,
    new Uint8Array(256),
    bigBytes(g.difficulty),
    bigBytes(0n),
    bigBytes(g.gasLimit),
    bigBytes(0n),
    bigBytes(g.timestamp ?? 0n),
    g.extraData ?? new Uint8Array(0),
  ];
}

/** keccak256 of the RLP list of header `fields`, as 0x-hex. */
export function headerHash(fields: Rlp[]): string {
  return `0x${bytesToHex(keccak_256(rlp(fields)))}`;
}
