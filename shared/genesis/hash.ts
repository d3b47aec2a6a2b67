/**
 * The genesis block hash of an Aura chain spec: keccak256 of the genesis header RLP (`header.ts`) over
 * the genesis state root (`state-root.ts`). This is the hash consortium members sign.
 *
 * Read leniently enough for Parity 1.7/2.x specs (kovan, xDai), which OpenEthereum 3.3.5 itself refuses:
 * only what the hash depends on is checked, and what would make the hash wrong or client-dependent is
 * refused. OpenEthereum 3.3.5 refuses any `*TransitionTimestamp` param and the blob gas genesis fields
 * (`crates/ethjson/src/spec/params.rs`, `genesis.rs`: `deny_unknown_fields`), so a spec with them only has
 * a Nethermind hash. Parity 1.7 kept some common params inside the Aura engine params, where
 * `crates/ethjson/src/spec/authority_round.rs` (3.x, `deny_unknown_fields`) no longer takes them.
 */
import { keccak_256 } from '@noble/hashes/sha3.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { ConcordError, joinPath } from '../errors.js';
import { compareClientHeaders, encodeGenesisHeader, readGenesisHeader } from './header.js';
import type { GenesisClient } from './header.js';
import { computeStateRoot, readGenesisAccounts } from './state-root.js';

/** Options of `computeGenesisHash`. */
export interface GenesisHashOptions {
  /**
   * The client whose hash to compute. Without it, both clients must compute the same hash, and a spec
   * on which they differ is refused.
   */
  client?: GenesisClient;
}

/** A genesis hash with the state root under it and what was noticed on the way. */
export interface GenesisHashResult {
  hash: `0x${string}`;
  stateRoot: `0x${string}`;
  notes: string[];
}

// Common params that Parity 1.7 read from the Aura engine params.
const PARITY_ENGINE_PARAMS: readonly string[] = ['gasLimitBoundDivisor', 'registrar', 'eip155Transition'];
const BLOB_GENESIS_FIELDS: readonly string[] = ['blobGasUsed', 'excessBlobGas'];

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function refuseNethermindOnly(spec: Record<string, unknown>, client: GenesisClient | undefined): void {
  const expected =
    client === 'openethereum'
      ? 'none: OpenEthereum 3.3.5 refuses it; hash for Nethermind instead'
      : "none (OpenEthereum 3.3.5 refuses it), or options.client 'nethermind'";
  const params = isObject(spec.params) ? spec.params : {};
  const genesis = isObject(spec.genesis) ? spec.genesis : {};
  const param = Object.keys(params).find((key) => key.endsWith('TransitionTimestamp'));
  if (param !== undefined) throw new ConcordError('CHAINSPEC_UNSUPPORTED', joinPath('params', param), expected);
  const field = BLOB_GENESIS_FIELDS.find((key) => genesis[key] !== undefined);
  if (field !== undefined) throw new ConcordError('CHAINSPEC_UNSUPPORTED', joinPath('genesis', field), expected);
}

function parityLayoutNotes(spec: Record<string, unknown>): string[] {
  const engine = isObject(spec.engine) ? spec.engine : {};
  const aura = isObject(engine.authorityRound) ? engine.authorityRound : {};
  const params = isObject(aura.params) ? aura.params : {};
  const found = PARITY_ENGINE_PARAMS.filter((key) => params[key] !== undefined);
  return found.length === 0 ? [] : [`read leniently: Parity 1.7 layout (${found.join(', ')} in engine params)`];
}

/**
 * Computes the genesis block hash of a Parity-style Aura chain spec (parsed JSON), for `options.client`
 * or, by default, for both clients at once. Throws ConcordError (CHAINSPEC_INVALID, CHAINSPEC_UNSUPPORTED)
 * naming the offending field.
 */
export async function computeGenesisHash(chainSpec: unknown, options: GenesisHashOptions = {}): Promise<GenesisHashResult> {
  if (!isObject(chainSpec)) throw new ConcordError('CHAINSPEC_INVALID', '', 'a chain spec object');
  const { client } = options;
  if (client !== 'nethermind') refuseNethermindOnly(chainSpec, client);
  const { fields, declaredStateRoot, notes } = readGenesisHeader(chainSpec);
  notes.unshift(...parityLayoutNotes(chainSpec));

  const stateRoot = await computeStateRoot(readGenesisAccounts(chainSpec.accounts));
  const stateRootHex = bytesToHex(stateRoot);
  if (declaredStateRoot !== undefined) {
    if (bytesToHex(declaredStateRoot) !== stateRootHex) {
      throw new ConcordError(
        'CHAINSPEC_UNSUPPORTED',
        'genesis.stateRoot',
        `the state root of accounts, 0x${stateRootHex}, or no stateRoot (OpenEthereum trusts the value written, Nethermind recomputes it)`,
      );
    }
    notes.push('genesis.stateRoot is written; it is the state root of accounts');
  }

  const agreement = compareClientHeaders(fields);
  if (client === undefined) {
    if (!agreement.agree) {
      throw new ConcordError('CHAINSPEC_UNSUPPORTED', agreement.path, `${agreement.expected}; or options.client naming the target client`);
    }
    notes.push('OpenEthereum and Nethermind compute the same genesis hash');
  } else if (agreement.agree) {
    notes.push(`hashed for ${client}; OpenEthereum and Nethermind compute the same genesis hash`);
  } else {
    notes.push(`hashed for ${client}; the other client computes a different genesis hash (${agreement.path})`);
  }

  const header = encodeGenesisHeader(fields, stateRoot, client ?? 'openethereum');
  return { hash: `0x${bytesToHex(keccak_256(header))}`, stateRoot: `0x${stateRootHex}`, notes };
}
