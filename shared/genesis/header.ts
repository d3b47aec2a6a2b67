/**
 * The genesis block header of an Aura chain, as RLP: the 13 pre-London fields, the Aura seal (step,
 * signature), then the post-London fields, which OpenEthereum and Nethermind choose differently.
 *
 * - OpenEthereum `crates/ethcore/src/spec/spec.rs` (`genesis_header`), `crates/ethcore/src/spec/genesis.rs`
 *   (defaults: zero author and parent hash, timestamp 0, empty extra data; the roots and gas used as
 *   written), `crates/ethjson/src/spec/genesis.rs` (gas limit non-zero). The seal: `crates/ethjson/src/spec/seal.rs`
 *   (`AuthorityRoundSeal { step: Uint, signature: H520 }`) becomes, in `crates/ethcore/src/spec/seal.rs`,
 *   `rlp([step as usize, signature])`, whose two items `genesis_header` appends raw to the header list;
 *   so the step is an RLP integer and the signature a 65-byte string. The base fee:
 *   `crates/ethcore/types/src/header.rs` (`stream_rlp`) appends `base_fee_per_gas` iff it is set, and
 *   `genesis_header` sets it from `genesis.baseFeePerGas` alone.
 * - Nethermind `Nethermind.Specs/ChainSpecStyle/ChainSpecLoader.cs` (`LoadGenesis`): base fee =
 *   `genesis.baseFeePerGas ?? 0` without London, `genesis.baseFeePerGas ?? 1 gwei` with London at block 0,
 *   0 with London later; withdrawalsRoot (empty trie root) when `eip4895TransitionTimestamp` ≤ genesis
 *   timestamp, blobGasUsed/excessBlobGas (from `genesis`, possibly unset) for `eip4844…`,
 *   parentBeaconBlockRoot (zero) for `eip4788…`, requestsHash (sha256 of nothing) for
 *   `eip6110/7002/7251…`; it ignores `genesis.stateRoot/transactionsRoot/receiptsRoot/gasUsed`.
 *   `Nethermind.Serialization.Rlp/HeaderDecoder.cs` (`Encode`): the AuRa step (`long`) and signature
 *   (`byte[]`), then the base fee if non-zero, each later field if set, and a set field forces every
 *   earlier one (withdrawalsRoot as the zero hash, blob gas as 0, a missing parentBeaconBlockRoot as an
 *   empty string: `Nethermind.Serialization.Rlp/RlpStream.cs` `Encode(Hash256?)` writes 0x80 for null).
 */
import { RLP } from '@ethereumjs/rlp';
import type { Input } from '@ethereumjs/rlp';
import { sha256 } from '@noble/hashes/sha2.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { parseHexBytes, parseSpecInteger } from '../chainspec/numbers.js';
import type { IntegerBits } from '../chainspec/numbers.js';
import { ConcordError, joinPath } from '../errors.js';

/** The client whose reading of the chain spec a genesis hash reproduces. */
export type GenesisClient = 'openethereum' | 'nethermind';

/** The timestamp-fork params for which Nethermind adds genesis header fields, in header order. */
export type TimestampFork =
  | 'eip4895TransitionTimestamp'
  | 'eip4844TransitionTimestamp'
  | 'eip4788TransitionTimestamp'
  | 'eip6110TransitionTimestamp'
  | 'eip7002TransitionTimestamp'
  | 'eip7251TransitionTimestamp';

/** The parsed genesis fields that decide the header, apart from the state root. */
export interface GenesisHeaderFields {
  parentHash: Uint8Array;
  author: Uint8Array;
  difficulty: bigint;
  gasLimit: bigint;
  timestamp: bigint;
  extraData: Uint8Array;
  step: bigint;
  signature: Uint8Array;
  /** `genesis.baseFeePerGas`, if written */
  baseFeePerGas?: bigint;
  /** `params.eip1559Transition` (London), if written */
  eip1559Transition?: bigint;
  /** timestamp forks at or before the genesis timestamp */
  activeTimestampForks: TimestampFork[];
  /** `genesis.blobGasUsed`, if written */
  blobGasUsed?: bigint;
  /** `genesis.excessBlobGas`, if written */
  excessBlobGas?: bigint;
}

/** What `readGenesisHeader` found: the fields, a state root the spec declares, and what it noticed. */
export interface GenesisHeaderReading {
  fields: GenesisHeaderFields;
  /** `genesis.stateRoot`, which OpenEthereum trusts and Nethermind recomputes */
  declaredStateRoot?: Uint8Array;
  notes: string[];
}

/** Whether both clients write the same genesis header; if not, the spec field that splits them. */
export type HeaderAgreement = { agree: true } | { agree: false; path: string; expected: string };

const TIMESTAMP_FORKS: readonly TimestampFork[] = [
  'eip4895TransitionTimestamp',
  'eip4844TransitionTimestamp',
  'eip4788TransitionTimestamp',
  'eip6110TransitionTimestamp',
  'eip7002TransitionTimestamp',
  'eip7251TransitionTimestamp',
];
// Newer Nethermind adds blockAccessListHash and slotNumber for these; not modelled here.
const UNMODELLED_TIMESTAMP_FORKS: readonly string[] = ['eip7928TransitionTimestamp', 'eip7843TransitionTimestamp'];
const REQUEST_FORKS: readonly TimestampFork[] = [
  'eip6110TransitionTimestamp',
  'eip7002TransitionTimestamp',
  'eip7251TransitionTimestamp',
];
const GENESIS_FIELDS = new Set([
  'seal',
  'difficulty',
  'author',
  'timestamp',
  'parentHash',
  'gasLimit',
  'transactionsRoot',
  'receiptsRoot',
  'stateRoot',
  'gasUsed',
  'extraData',
  'baseFeePerGas',
  'blobGasUsed',
  'excessBlobGas',
]);

const EMPTY = new Uint8Array(0);
const ZERO_HASH = new Uint8Array(32);
const EMPTY_TRIE_ROOT = keccak_256(RLP.encode(EMPTY));
const OMMERS_HASH = keccak_256(RLP.encode([]));
const EMPTY_REQUESTS_HASH = sha256(EMPTY);
const ONE_GWEI = 1_000_000_000n;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function requireObject(value: unknown, path: string): Record<string, unknown> {
  if (!isObject(value)) throw new ConcordError('CHAINSPEC_INVALID', path, 'an object');
  return value;
}

function optionalInteger(obj: Record<string, unknown>, key: string, path: string, bits: IntegerBits): bigint | undefined {
  return obj[key] === undefined ? undefined : parseSpecInteger(obj[key], joinPath(path, key), { bits });
}

function optionalBytes(obj: Record<string, unknown>, key: string, path: string, length?: number): Uint8Array | undefined {
  return obj[key] === undefined ? undefined : parseHexBytes(obj[key], joinPath(path, key), length);
}

function requireEmptyTrieRoot(genesis: Record<string, unknown>, key: string, notes: string[]): void {
  const root = optionalBytes(genesis, key, 'genesis', 32);
  if (root === undefined) return;
  if (bytesToHex(root) !== bytesToHex(EMPTY_TRIE_ROOT)) {
    throw new ConcordError(
      'CHAINSPEC_UNSUPPORTED',
      joinPath('genesis', key),
      `the empty trie root 0x${bytesToHex(EMPTY_TRIE_ROOT)}, or no ${key} (OpenEthereum uses the value written, Nethermind ignores it)`,
    );
  }
  notes.push(`genesis.${key} is written; it is the empty trie root both clients use`);
}

/**
 * Reads the genesis header fields of a chain spec (`genesis`, and the fork params in `params`). Throws
 * CHAINSPEC_INVALID for malformed or missing fields, CHAINSPEC_UNSUPPORTED for a non-Aura seal, genesis
 * fields the clients do not both read, and declared roots or gas used that the clients would treat
 * differently.
 */
export function readGenesisHeader(chainSpec: unknown): GenesisHeaderReading {
  const spec = requireObject(chainSpec, '');
  const genesis = requireObject(spec.genesis, 'genesis');
  const params = requireObject(spec.params, 'params');
  const notes: string[] = [];

  for (const key of Object.keys(genesis)) {
    if (!GENESIS_FIELDS.has(key)) {
      throw new ConcordError('CHAINSPEC_UNSUPPORTED', joinPath('genesis', key), `only the genesis fields ${[...GENESIS_FIELDS].join(', ')}`);
    }
  }
  const seal = requireObject(genesis.seal, 'genesis.seal');
  if (!isObject(seal.authorityRound) || Object.keys(seal).length !== 1) {
    throw new ConcordError('CHAINSPEC_UNSUPPORTED', 'genesis.seal', 'a seal with authorityRound only (Concord launches Aura chains)');
  }
  const aura = seal.authorityRound;
  const step = parseSpecInteger(aura.step, 'genesis.seal.authorityRound.step', { bits: 63 });
  const signature = parseHexBytes(aura.signature, 'genesis.seal.authorityRound.signature', 65);

  const gasLimit = parseSpecInteger(genesis.gasLimit, 'genesis.gasLimit', { bits: 63 });
  if (gasLimit === 0n) throw new ConcordError('CHAINSPEC_INVALID', 'genesis.gasLimit', 'a non-zero integer below 2^63');

  requireEmptyTrieRoot(genesis, 'transactionsRoot', notes);
  requireEmptyTrieRoot(genesis, 'receiptsRoot', notes);
  const gasUsed = optionalInteger(genesis, 'gasUsed', 'genesis', 256);
  if (gasUsed !== undefined) {
    if (gasUsed !== 0n) {
      throw new ConcordError('CHAINSPEC_UNSUPPORTED', 'genesis.gasUsed', '0, or no gasUsed (OpenEthereum uses the value written, Nethermind ignores it)');
    }
    notes.push('genesis.gasUsed is written; it is the 0 both clients use');
  }

  const timestamp = optionalInteger(genesis, 'timestamp', 'genesis', 64) ?? 0n;
  const activeTimestampForks: TimestampFork[] = [];
  for (const fork of TIMESTAMP_FORKS) {
    const at = optionalInteger(params, fork, 'params', 64);
    if (at !== undefined && at <= timestamp) activeTimestampForks.push(fork);
  }
  for (const fork of UNMODELLED_TIMESTAMP_FORKS) {
    const at = optionalInteger(params, fork, 'params', 64);
    if (at !== undefined && at <= timestamp) {
      throw new ConcordError('CHAINSPEC_UNSUPPORTED', joinPath('params', fork), 'a fork time after the genesis timestamp');
    }
  }

  const fields: GenesisHeaderFields = {
    parentHash: optionalBytes(genesis, 'parentHash', 'genesis', 32) ?? ZERO_HASH,
    author: optionalBytes(genesis, 'author', 'genesis', 20) ?? new Uint8Array(20),
    difficulty: parseSpecInteger(genesis.difficulty, 'genesis.difficulty'),
    gasLimit,
    timestamp,
    extraData: optionalBytes(genesis, 'extraData', 'genesis') ?? EMPTY,
    step,
    signature,
    baseFeePerGas: optionalInteger(genesis, 'baseFeePerGas', 'genesis', 256),
    eip1559Transition: optionalInteger(params, 'eip1559Transition', 'params', 63),
    activeTimestampForks,
    blobGasUsed: optionalInteger(genesis, 'blobGasUsed', 'genesis', 64),
    excessBlobGas: optionalInteger(genesis, 'excessBlobGas', 'genesis', 64),
  };
  return { fields, declaredStateRoot: optionalBytes(genesis, 'stateRoot', 'genesis', 32), notes };
}

function openEthereumTail(fields: GenesisHeaderFields): Input[] {
  return fields.baseFeePerGas === undefined ? [] : [fields.baseFeePerGas];
}

function nethermindBaseFee(fields: GenesisHeaderFields): bigint {
  if (fields.eip1559Transition === undefined) return fields.baseFeePerGas ?? 0n;
  if (fields.eip1559Transition === 0n) return fields.baseFeePerGas ?? ONE_GWEI;
  return 0n;
}

function nethermindTail(fields: GenesisHeaderFields): Input[] {
  const active = (fork: TimestampFork): boolean => fields.activeTimestampForks.includes(fork);
  const baseFee = nethermindBaseFee(fields);
  const blobs = active('eip4844TransitionTimestamp');
  const blobGasUsed = blobs ? fields.blobGasUsed : undefined;
  const excessBlobGas = blobs ? fields.excessBlobGas : undefined;
  // [set, value written when set or forced by a later field]
  const items: [boolean, Input][] = [
    [baseFee !== 0n, baseFee],
    [active('eip4895TransitionTimestamp'), active('eip4895TransitionTimestamp') ? EMPTY_TRIE_ROOT : ZERO_HASH],
    [blobGasUsed !== undefined, blobGasUsed ?? 0n],
    [blobGasUsed !== undefined || excessBlobGas !== undefined, excessBlobGas ?? 0n],
    [active('eip4788TransitionTimestamp'), active('eip4788TransitionTimestamp') ? ZERO_HASH : EMPTY],
    [REQUEST_FORKS.some(active), EMPTY_REQUESTS_HASH],
  ];
  let written = 0;
  items.forEach(([set], index) => {
    if (set) written = index + 1;
  });
  return items.slice(0, written).map(([, value]) => value);
}

/** The RLP of the genesis header, as `client` writes it, with the given state root (32 bytes). */
export function encodeGenesisHeader(fields: GenesisHeaderFields, stateRoot: Uint8Array, client: GenesisClient): Uint8Array {
  return RLP.encode([
    fields.parentHash,
    OMMERS_HASH,
    fields.author,
    stateRoot,
    EMPTY_TRIE_ROOT,
    EMPTY_TRIE_ROOT,
    new Uint8Array(256),
    fields.difficulty,
    0n,
    fields.gasLimit,
    0n,
    fields.timestamp,
    fields.extraData,
    fields.step,
    fields.signature,
    ...(client === 'openethereum' ? openEthereumTail(fields) : nethermindTail(fields)),
  ]);
}

/**
 * Reports whether OpenEthereum and Nethermind write the same genesis header for these fields (the state
 * root is the same for both), and if not, which spec field splits them and what would not.
 */
export function compareClientHeaders(fields: GenesisHeaderFields): HeaderAgreement {
  const [fork] = fields.activeTimestampForks;
  if (fork !== undefined) {
    return {
      agree: false,
      path: joinPath('params', fork),
      expected: 'no timestamp fork at or before the genesis timestamp (Nethermind adds header fields for it; OpenEthereum 3.3.5 has none)',
    };
  }
  const tails = [openEthereumTail(fields), nethermindTail(fields)].map((tail) => bytesToHex(RLP.encode(tail)));
  if (tails[0] === tails[1]) return { agree: true };
  return {
    agree: false,
    path: 'genesis.baseFeePerGas',
    expected:
      'a non-zero baseFeePerGas exactly when London (params.eip1559Transition) is at block 0 (OpenEthereum writes a base fee iff baseFeePerGas is present; Nethermind iff London is at block 0, 1 gwei if absent)',
  };
}
