/**
 * The chain spec of a revision (DESIGN.md §7): the genesis chain spec with the validator lists the
 * revisions added, each from its activation block, in Aura's `validators.multi`
 * (shared/chainspec/aura.ts `addValidatorLists`; OpenEthereum `validator_set/multi.rs`, Nethermind
 * `MultiValidator.cs` switch sets at those blocks). Everything else, the genesis list and the spec's
 * validator-set contracts included, is the genesis chain spec's, byte for byte: block 0 holds no
 * validator set, so the genesis block hash stays the one every member approved. That is asserted for
 * every client the spec targets, as assembly asserts it for genesis.
 */
import { ConcordError } from '../errors.js';
import type { Hex32 } from '../hash/hex.js';
import type { CeremonySpec } from '../spec/schema.js';
import { addValidatorLists, type AuraChainSpec } from '../chainspec/aura.js';
import { assertChainSpec } from '../chainspec/strict.js';
import { computeGenesisHash } from '../genesis/hash.js';
import type { ConsortiumState } from './consortium.js';

/** The chain spec for `consortium`'s validator schedule, built on the genesis chain spec. */
export async function revisionChainSpec(spec: CeremonySpec, genesisChainSpec: AuraChainSpec, genesisHash: Hex32, consortium: ConsortiumState): Promise<AuraChainSpec> {
  const params = genesisChainSpec.engine.authorityRound.params;
  const lists = consortium.schedule.lists.map((transition) => ({ fromBlock: BigInt(transition.fromBlock), validators: transition.validators }));
  const validators = lists.length === 0 ? params.validators : addValidatorLists(params.validators, lists);
  const chainSpec: AuraChainSpec = { ...genesisChainSpec, engine: { authorityRound: { params: { ...params, validators } } } };
  assertChainSpec(chainSpec, spec.chain.clients);
  for (const client of spec.chain.clients) {
    const { hash } = await computeGenesisHash(chainSpec, { client });
    if (hash !== genesisHash) {
      throw new ConcordError('CHAINSPEC_INVALID', 'chainSpec', `a revision chain spec whose genesis block hash (as ${client} computes it) is still ${genesisHash}`);
    }
  }
  return chainSpec;
}
