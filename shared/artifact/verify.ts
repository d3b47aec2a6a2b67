/**
 * Offline verification of a genesis artifact (DESIGN.md §5, invariant 4): from the spec and the
 * transcript alone, re-run the reducer (every signature, commitment opening, proof of possession and
 * approval), re-assemble chain spec, validator set and bridge validators, and compare with what the
 * artifact claims; then check the coordinator's signature. One verifier for `concord verify`, the
 * client before it saves an artifact, and the tests (as charon `cluster/lock.go` keeps its checks).
 */
import { ConcordError, joinPath } from '../errors.js';
import { canonicalize } from '../canonical/jcs.js';
import { recoverTypedSigner } from '../eip712/sign.js';
import { parseWith } from '../validation/zod.js';
import { parseSpec, hashSpec } from '../spec/parse.js';
import type { CeremonySpec } from '../spec/schema.js';
import { replay, type CeremonyState } from '../ceremony/reducer.js';
import { artifactSchema, type GenesisArtifact } from './schema.js';
import { artifactSealMessage } from './build.js';
import { comparePermissionGenesis } from '../permissioning/check-genesis.js';

/** One check that did not hold. */
export interface VerifyFailure {
  check: string;
  path: string;
  expected: string;
}

export interface VerifyReport {
  ok: boolean;
  failures: VerifyFailure[];
  /** Present when the artifact parsed: what it claims. */
  artifact: GenesisArtifact | null;
}

function failureOf(check: string, error: unknown): VerifyFailure {
  if (error instanceof ConcordError) return { check, path: error.path, expected: `${error.code}: ${error.expected}` };
  throw error;
}

/** Verifies a parsed artifact JSON value; never throws for bad input, reports every failed check. */
export async function verifyArtifact(input: unknown): Promise<VerifyReport> {
  let artifact: GenesisArtifact;
  let spec: CeremonySpec;
  try {
    artifact = parseWith(artifactSchema, input, 'ARTIFACT_INVALID', 'artifact');
  } catch (error) {
    return { ok: false, failures: [failureOf('artifact format', error)], artifact: null };
  }
  try {
    spec = parseSpec(artifact.spec, 'artifact.spec');
  } catch (error) {
    return { ok: false, failures: [failureOf('ceremony spec', error)], artifact };
  }
  const failures: VerifyFailure[] = [];
  const specHash = hashSpec(spec);
  if (specHash !== artifact.specHash) {
    failures.push({ check: 'spec hash', path: 'artifact.specHash', expected: `keccak256 of the canonical spec (${specHash})` });
  }

  let state: CeremonyState | null = null;
  try {
    state = await replay({ spec, specHash }, artifact.transcript);
  } catch (error) {
    failures.push(failureOf('transcript', error));
  }
  if (state !== null) {
    if (state.phase !== 'FINALIZED') {
      failures.push({ check: 'transcript', path: 'artifact.transcript', expected: `a transcript that ends FINALIZED (it ends ${state.phase})` });
    }
    const assembly = state.assembly;
    if (assembly !== null) {
      const compare = (field: string, claimed: unknown, derived: unknown): void => {
        if (canonicalize(claimed) !== canonicalize(derived)) {
          failures.push({ check: 'assembly', path: joinPath('artifact', field), expected: `the ${field} re-derived from the spec and the reveals` });
        }
      };
      compare('transcriptHead', artifact.transcriptHead, state.revealHead);
      compare('genesisHash', artifact.genesisHash, assembly.hashes.genesisHash);
      compare('chainSpec', artifact.chainSpec, assembly.chainSpec);
      for (const difference of comparePermissionGenesis(artifact.chainSpec, assembly.chainSpec)) {
        failures.push({ check: 'permission contract', path: joinPath('artifact', difference.path), expected: difference.expected });
      }
      compare('validators', artifact.validators, assembly.validators);
      compare('enodes', artifact.enodes, assembly.enodes);
      compare('bridge', artifact.bridge, assembly.bridge);
      compare('publicManifest', artifact.publicManifest, assembly.publicBundle.manifest);
      compare('hashes', artifact.hashes, assembly.hashes);
    }
  }

  const { coordinatorSignature, ...body } = artifact;
  try {
    const signer = recoverTypedSigner('Artifact', artifactSealMessage(body, spec.ceremonyId), coordinatorSignature, 'artifact.coordinatorSignature');
    if (signer !== spec.coordinator) {
      failures.push({ check: 'coordinator signature', path: 'artifact.coordinatorSignature', expected: `a signature by the coordinator ${spec.coordinator} over the artifact body` });
    }
  } catch (error) {
    failures.push(failureOf('coordinator signature', error));
  }
  return { ok: failures.length === 0, failures, artifact };
}

/**
 * Parses artifact JSON text and verifies it; throws ARTIFACT_INVALID at `source` (a file path or URL)
 * naming every check that failed. For callers that must not go on with an artifact that does not verify.
 */
export async function parseVerifiedArtifact(text: string, source: string): Promise<GenesisArtifact> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ConcordError('ARTIFACT_INVALID', source, 'JSON text holding a Concord genesis artifact');
  }
  const report = await verifyArtifact(json);
  if (!report.ok || report.artifact === null) {
    throw new ConcordError('ARTIFACT_INVALID', source, `an artifact that verifies (${report.failures.map((f) => `${f.check} at ${f.path}`).join('; ')})`);
  }
  return report.artifact;
}
