/**
 * Building the genesis artifact from a FINALIZED ceremony. The coordinator signs `Artifact{ceremonyId,
 * specHash, bodyHash}` with bodyHash = keccak256(JCS(body)); the signature is added last.
 */
import { ConcordError } from '../errors.js';
import { hashCanonical } from '../hash/keccak.js';
import type { Hex32 } from '../hash/hex.js';
import type { TypedValue } from '../eip712/types.js';
import type { TranscriptEntry } from '../transcript/entry.js';
import type { CeremonyContext, CeremonyState } from '../ceremony/reducer.js';
import { ARTIFACT_FORMAT, type ArtifactBody, type GenesisArtifact } from './schema.js';

/** The artifact body of a finalized ceremony. */
export function buildArtifactBody(context: CeremonyContext, entries: readonly TranscriptEntry[], state: CeremonyState): ArtifactBody {
  const { assembly, revealHead } = state;
  if (state.phase !== 'FINALIZED' || assembly === null || revealHead === null) {
    throw new ConcordError('WRONG_PHASE', 'phase', `FINALIZED (the ceremony is ${state.phase})`);
  }
  return {
    format: ARTIFACT_FORMAT,
    spec: context.spec,
    specHash: context.specHash,
    transcript: [...entries],
    transcriptHead: revealHead,
    genesisHash: assembly.hashes.genesisHash,
    chainSpec: assembly.chainSpec,
    validators: assembly.validators,
    enodes: assembly.enodes,
    bridge: assembly.bridge,
    publicManifest: assembly.publicBundle.manifest,
    hashes: assembly.hashes,
  };
}

/** The typed message the coordinator signs over an artifact body. */
export function artifactSealMessage(body: ArtifactBody, ceremonyId: string): TypedValue<'Artifact'> {
  return { ceremonyId, specHash: body.specHash, bodyHash: bodyHash(body) };
}

/** keccak256(JCS(body)). */
export function bodyHash(body: ArtifactBody): Hex32 {
  return hashCanonical(body);
}

/** The artifact: the body and the coordinator's signature over it. */
export function sealArtifact(body: ArtifactBody, coordinatorSignature: string): GenesisArtifact {
  return { ...body, coordinatorSignature };
}
