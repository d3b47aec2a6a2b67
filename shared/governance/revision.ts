/**
 * The signed revision artifact, version 1 (DESIGN.md §7): what a passed proposal makes of the
 * consortium, as one JSON file chained to the one before it (revision 1 to the genesis artifact's body,
 * revision n to revision n-1's body). It carries the Propose and the Vote entries that passed it (with
 * their signatures), the consortium after it, the chain spec whose `validators.multi` gains the new
 * list at the activation block, the public bundle's manifest (its read-access section from the policy in
 * force, and the bridge deployment once recorded), the exact BridgeValidators calls a bridge change
 * needs (targeting the recorded BridgeValidators contracts), and the permission contract
 * transactions (contract-changes.ts) anyone may submit, with the yes-voters' signatures; the coordinator signs `Revision{ceremonyId, specHash, revision, bodyHash}` over
 * keccak256(JCS(body)). `verifyRevisionChain` (verify-revisions.ts) re-derives all of it. A later
 * version gets a file of its own beside this one.
 */
import { z } from 'zod';
import { hashCanonical } from '../hash/keccak.js';
import type { Hex32 } from '../hash/hex.js';
import { addressField, hash32Field, intField, signatureField } from '../validation/fields.js';
import { entrySchema } from '../transcript/entry.js';
import { bundleManifestSchema } from '../bundle/manifest.js';
import { buildPublicBundle } from '../bundle/public.js';
import type { AuraChainSpec } from '../chainspec/aura.js';
import type { CeremonySpec } from '../spec/schema.js';
import type { TypedValue } from '../eip712/types.js';
import { bridgeDeploymentOf, bridgeOf, consortiumStateSchema, enodesOf, specInForce, validatorsOf, type ConsortiumState } from './consortium.js';
import { bridgeCallSchema, bridgeCallsOf } from './bridge-calls.js';
import { contractCallSchema, contractCallsOf, contractStepsOf } from './contract-changes.js';
import { revisionChainSpec } from './revision-chain-spec.js';
import type { ProposeEntry, VoteEntry } from './proposals.js';

export const REVISION_FORMAT = 'concord/revision@1';

/** Everything the coordinator signs. */
export const revisionBodySchema = z.strictObject({
  format: z.literal(REVISION_FORMAT),
  ceremonyId: z.string(),
  specHash: hash32Field,
  genesisHash: hash32Field,
  revision: intField(1),
  /** keccak256(JCS(body)) of the genesis artifact (revision 1) or of revision n-1. */
  previousBodyHash: hash32Field,
  proposal: entrySchema('Propose'),
  /** The votes the proposal had when it passed, in transcript order. */
  votes: z.array(entrySchema('Vote')),
  consortium: consortiumStateSchema,
  chainSpec: z.unknown(),
  validators: z.array(addressField),
  enodes: z.array(z.string()),
  bridge: z.strictObject({ validators: z.array(addressField), requiredSignatures: intField(1) }).nullable(),
  bridgeCalls: z.array(bridgeCallSchema),
  /** The permission contract transactions, to submit in this order (empty when the contract does not change). */
  contractCalls: z.array(contractCallSchema),
  publicManifest: bundleManifestSchema,
});

export const revisionArtifactSchema = revisionBodySchema.extend({ coordinatorSignature: signatureField });

/** A revision's body. */
export type RevisionBody = z.infer<typeof revisionBodySchema>;
/** A signed revision artifact. */
export type RevisionArtifact = z.infer<typeof revisionArtifactSchema>;

/** What the genesis fixed for every revision. */
export interface RevisionGenesis {
  spec: CeremonySpec;
  specHash: Hex32;
  genesisHash: Hex32;
  genesisChainSpec: AuraChainSpec;
}

/** The parts of a revision that follow from the consortium before and after it and the votes that passed it. */
export type DerivedRevision = Pick<RevisionBody, 'chainSpec' | 'validators' | 'enodes' | 'bridge' | 'bridgeCalls' | 'contractCalls' | 'publicManifest'>;

/**
 * Derives chain spec, validators, enodes, bridge, bridge calls, permission contract calls (signed by the
 * yes-votes among `votes`) and public manifest of the revision `before` → `after`.
 */
export async function deriveRevision(genesis: RevisionGenesis, before: ConsortiumState, after: ConsortiumState, votes: readonly VoteEntry[]): Promise<DerivedRevision & { chainSpec: AuraChainSpec }> {
  const chainSpec = await revisionChainSpec(genesis.spec, genesis.genesisChainSpec, genesis.genesisHash, after);
  const validators = validatorsOf(after);
  const enodes = enodesOf(after);
  const bridge = bridgeOf(after);
  // The public README's read-access section follows the policy in force.
  const spec = specInForce(genesis.spec, after);
  const publicBundle = buildPublicBundle({ chainSpec, enodes, agreed: { spec, validators, bridge, bridgeDeployment: bridgeDeploymentOf(after) } });
  return {
    chainSpec,
    validators,
    enodes,
    bridge,
    bridgeCalls: bridgeCallsOf(genesis.spec, before, after),
    contractCalls: contractCallsOf(genesis.spec, contractStepsOf(before, after), votes),
    publicManifest: publicBundle.manifest,
  };
}

/** What a passed proposal brings to its revision. */
export interface PassedProposal {
  previousBodyHash: Hex32;
  before: ConsortiumState;
  after: ConsortiumState;
  proposal: ProposeEntry;
  votes: readonly VoteEntry[];
}

/** The body of the revision a passed proposal makes. */
export async function buildRevisionBody(genesis: RevisionGenesis, passed: PassedProposal): Promise<RevisionBody> {
  return {
    format: REVISION_FORMAT,
    ceremonyId: genesis.spec.ceremonyId,
    specHash: genesis.specHash,
    genesisHash: genesis.genesisHash,
    revision: passed.after.revision,
    previousBodyHash: passed.previousBodyHash,
    proposal: passed.proposal,
    votes: [...passed.votes],
    consortium: passed.after,
    ...(await deriveRevision(genesis, passed.before, passed.after, passed.votes)),
  };
}

/** keccak256(JCS(body)): what the coordinator signs and the next revision links to. */
export function revisionBodyHash(body: RevisionBody): Hex32 {
  return hashCanonical(body);
}

/** The typed message the coordinator signs over a revision body. */
export function revisionSealMessage(body: RevisionBody): TypedValue<'Revision'> {
  return { ceremonyId: body.ceremonyId, specHash: body.specHash, revision: body.revision, bodyHash: revisionBodyHash(body) };
}

/** The artifact: the body and the coordinator's signature over it. */
export function sealRevision(body: RevisionBody, coordinatorSignature: string): RevisionArtifact {
  return { ...body, coordinatorSignature };
}
