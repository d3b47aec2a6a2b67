/**
 * `concord genesis-hash <chain-spec>`: the block-0 hash a node will report for any Aura chain spec, and
 * whether each client would load the file as written (shared/chainspec/strict.ts). A file a client
 * refuses still gets its hash when it can be computed (Parity 1.7/2.x layouts, REFERENCE.md §1), and
 * the exit code stays 0 then: the hash is what the command is for.
 */
import { resolve } from 'node:path';
import { computeGenesisHash, type GenesisHashResult } from '../../shared/genesis/hash.js';
import type { GenesisClient } from '../../shared/genesis/header.js';
import { CLIENT_LABELS, checkChainSpec, type ChainSpecCheck } from '../../shared/chainspec/strict.js';
import type { ChainClient } from '../../shared/chainspec/evm-levels.js';
import { readJson } from '../io/files.js';
import type { Output } from '../cli/output.js';

const ALL_CLIENTS: readonly ChainClient[] = ['openethereum', 'nethermind'];

/** One line per problem, per client in `targets`; a line saying so for a client without any. */
export function formatStrictness(check: ChainSpecCheck, targets: readonly ChainClient[]): string[] {
  return targets.flatMap((client) => {
    const label = CLIENT_LABELS[client];
    const problems = check.problems.filter((problem) => problem.client === client);
    if (problems.length === 0) return [`${label} loads this file as written`];
    return problems.map((problem) =>
      problem.code === 'CHAINSPEC_INVALID'
        ? `${label} would refuse this file: ${problem.path}: ${problem.expected}`
        : `${label} may not run this file as written: ${problem.path}: ${problem.expected}`,
    );
  });
}

/**
 * Prints the genesis hash of the chain spec file at `chainSpecPath` (for `client`, or for both when they
 * agree), then each client's verdict on the file. Throws only when no hash can be computed.
 */
export async function genesisHash(chainSpecPath: string, client: GenesisClient | undefined, output: Output): Promise<void> {
  const chainSpec = await readJson(resolve(chainSpecPath), 'an OpenEthereum/Nethermind chain spec');
  const targets = client === undefined ? ALL_CLIENTS : [client];
  const hashing: { result: GenesisHashResult } | { error: unknown } = await computeGenesisHash(chainSpec, client === undefined ? {} : { client }).then(
    (result) => ({ result }),
    (error: unknown) => ({ error }),
  );
  const check = checkChainSpec(chainSpec, targets);
  const verdicts = formatStrictness(check, targets).map((line) => `  ${line}`);
  if ('error' in hashing) {
    // Said even when no hash could be computed: which rule each client breaks is the likely reason.
    for (const line of verdicts) output.progress(line);
    throw hashing.error;
  }
  const { result } = hashing;
  output.result({ genesisHash: result.hash, stateRoot: result.stateRoot, client: client ?? 'both', notes: result.notes, problems: check.problems }, [
    result.hash,
    `  state root ${result.stateRoot}${client === undefined ? ' (same for OpenEthereum and Nethermind)' : ` (as ${client} computes it)`}`,
    ...result.notes.map((note) => `  note: ${note}`),
    ...verdicts,
  ]);
}
