/**
 * `concord genesis-hash <chain-spec>`: the block-0 hash a node will report for any Aura chain spec.
 */
import { resolve } from 'node:path';
import { computeGenesisHash } from '../../shared/genesis/hash.js';
import type { GenesisClient } from '../../shared/genesis/header.js';
import { readJson } from '../io/files.js';

export async function genesisHash(chainSpecPath: string, client: GenesisClient | undefined): Promise<void> {
  const result = await computeGenesisHash(await readJson(resolve(chainSpecPath), 'an OpenEthereum/Nethermind chain spec'), client === undefined ? {} : { client });
  console.log(result.hash);
  console.log(`  state root ${result.stateRoot}${client === undefined ? ' (same for OpenEthereum and Nethermind)' : ` (as ${client} computes it)`}`);
  for (const note of result.notes) console.log(`  note: ${note}`);
}
