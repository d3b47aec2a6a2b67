/**
 * The revision a member bundle is built for (DESIGN.md §6, §7): the consortium as that revision leaves
 * it, and what was agreed from it (chain spec, validator order, enodes, bridge set, the public manifest
 * everyone can rebuild). The genesis artifact is revision 0; a chain of revision artifacts verified
 * from it (shared/governance/verify-revisions.ts) gives revisions 1..n, the bundle being for the last.
 *
 * Revision 0's consortium is derived exactly as the governance reducer derives it, by
 * shared/governance/consortium.ts `genesisConsortium` from the spec and the genesis Reveals (nodes and
 * bridge validators interleaved by index, members in spec order), so a genesis bundle and a revision
 * bundle are one code path over one kind of state. Every later consortium is the one its revision
 * artifact carries (`verifyRevisionChain` re-derived it from the proposal and votes). The spec in force
 * at a revision is the genesis spec with the consortium's permission policy (a setPermissions revision
 * replaces it), as shared/governance/revision.ts `deriveRevision` builds the revision's public bundle.
 *
 *   artifact.json                    the genesis artifact, byte for byte (every bundle)
 *   revisions/revision-<n>.json      revision n, byte for byte (a bundle for revision n ≥ 1 holds 1..n)
 */
import { ConcordError } from '../errors.js';
import type { Address } from '../crypto/secp256k1.js';
import type { GenesisArtifact } from '../artifact/schema.js';
import type { Contribution } from '../ceremony/contribution.js';
import type { CeremonySpec } from '../spec/schema.js';
import { genesisConsortium, specInForce, type ConsortiumState } from '../governance/consortium.js';
import type { BridgeDeployment } from '../governance/bridge-deployment.js';
import type { RevisionArtifact } from '../governance/revision.js';
import type { BundleManifest } from './manifest.js';
import type { AgreedBridge } from './bridge-deploy-env.js';
import { buildPublicBundle, type PublicBundle } from './public.js';

/** The artifact's path in a member bundle. */
export const ARTIFACT_FILE = 'artifact.json';
/** Where a member bundle keeps the revision files it was built from. */
export const REVISIONS_FOLDER = 'revisions';

/** The member-bundle path of revision `n`'s file. */
export function revisionFilePath(n: number): string {
  return `${REVISIONS_FOLDER}/revision-${n}.json`;
}

/** What was agreed at one revision, in the fields the genesis artifact and a revision artifact share. */
export type AgreedRevision = Pick<GenesisArtifact, 'chainSpec' | 'enodes' | 'validators' | 'bridge' | 'publicManifest'>;

/** One revision of the consortium, as a member bundle needs it. */
export interface BundleRevision {
  /** 0 for the genesis artifact. */
  revision: number;
  /** Where its fields were read, for error paths: `artifact`, or `revisions[n-1]`. */
  source: string;
  /** The spec in force: the genesis spec with the revision's permission policy. */
  spec: CeremonySpec;
  consortium: ConsortiumState;
  chainSpec: unknown;
  /** Aura validators in signing order, and one enode per validator in the same order. */
  validators: readonly Address[];
  enodes: readonly string[];
  bridge: AgreedBridge | null;
  /** The public bundle's manifest as the members approved it (genesis) or the coordinator signed it (revision). */
  publicManifest: BundleManifest;
}

/** The revision a bundle is for, and the consortium of every revision from 0 up to it. */
export interface BundleChain {
  latest: BundleRevision;
  /** `history[r]` is the consortium after revision r. */
  history: readonly ConsortiumState[];
}

/** The contribution `member` revealed, from the artifact's transcript. */
function revealedContribution(artifact: GenesisArtifact, member: Address): Contribution {
  for (const entry of artifact.transcript) {
    if (entry.kind === 'Reveal' && entry.member === member) return entry.payload.contribution;
  }
  throw new ConcordError('ARTIFACT_INVALID', 'artifact.transcript', `a Reveal by ${member}`);
}

/** Revision 0: the consortium the ceremony finalized, as the governance reducer starts from it. */
export function genesisConsortiumOf(artifact: GenesisArtifact, spec: CeremonySpec): ConsortiumState {
  const contributions = spec.members.map((member) => revealedContribution(artifact, member.identity));
  return genesisConsortium(spec, contributions, { validators: artifact.validators, bridge: artifact.bridge });
}

/**
 * The chain a bundle is built from: the genesis artifact and revisions 1..n of a chain verified from it,
 * in order (none: the genesis bundle). The bundle is for the last revision.
 */
export function bundleChainOf(artifact: GenesisArtifact, spec: CeremonySpec, revisions: readonly RevisionArtifact[]): BundleChain {
  const consortium = genesisConsortiumOf(artifact, spec);
  const genesis: BundleRevision = { revision: 0, source: 'artifact', spec: specInForce(spec, consortium), consortium, ...agreedOf(artifact) };
  const history: ConsortiumState[] = [genesis.consortium];
  let latest = genesis;
  for (const [i, revision] of revisions.entries()) {
    if (revision.revision !== i + 1 || revision.consortium.revision !== i + 1) {
      throw new ConcordError('REVISION_INVALID', `revisions[${i}].revision`, `revision ${i + 1} (revisions in order from 1, as verified)`);
    }
    latest = { revision: revision.revision, source: `revisions[${i}]`, spec: specInForce(spec, revision.consortium), consortium: revision.consortium, ...agreedOf(revision) };
    history.push(revision.consortium);
  }
  return { latest, history };
}

function agreedOf(agreed: AgreedRevision): AgreedRevision {
  return { chainSpec: agreed.chainSpec, enodes: agreed.enodes, validators: agreed.validators, bridge: agreed.bridge, publicManifest: agreed.publicManifest };
}

/** What a public bundle is built from: the fields a genesis artifact, a revision artifact and a BundleRevision share. */
export interface PublicBundleSource {
  chainSpec: unknown;
  enodes: readonly string[];
  validators: readonly string[];
  bridge: AgreedBridge | null;
}

/**
 * The public bundle of a revision (the genesis artifact is revision 0): what every client rebuilds and
 * `verify` compares. `bridgeDeployment`: the one the revision's consortium records (none at genesis).
 */
export function publicBundleOf(agreed: PublicBundleSource, spec: CeremonySpec, bridgeDeployment: BridgeDeployment | null): PublicBundle {
  return buildPublicBundle({ chainSpec: agreed.chainSpec, enodes: agreed.enodes, agreed: { spec, validators: agreed.validators, bridge: agreed.bridge, bridgeDeployment } });
}
