/**
 * Offline verification of a chain of revisions (DESIGN.md §7, invariant 4): from the genesis artifact
 * (verified first, shared/artifact/verify.ts) and revisions 1..n in order, re-run each revision's
 * Propose and Votes through the governance reducer against the revision before it (member sets,
 * thresholds, proofs of possession, address reuse, the revision each message binds), check every
 * signature (a yes-vote's permission contract signatures included), re-derive the consortium, chain spec
 * (and that it keeps the genesis hash), validators, enodes, bridge set, bridge calls, permission contract
 * calls (calldata, nonce, signers in order) and public manifest, check the link to the previous body and the
 * coordinator's signature. One verifier for `concord verify`, `concord revision fetch` and the tests.
 *
 * What it cannot check offline: time. That a proposal's votes came before its deadline is the
 * coordinator's word (it is trusted for liveness and ordering only, DESIGN.md §1).
 * The chain stops at the first revision that fails: later ones link to a body that did not verify.
 */
import { ConcordError, joinPath } from '../errors.js';
import { canonicalize } from '../canonical/jcs.js';
import { recoverAddress } from '../crypto/secp256k1.js';
import { recoverTypedSigner } from '../eip712/sign.js';
import { parseWith } from '../validation/zod.js';
import { hashSpec, parseSpec } from '../spec/parse.js';
import { replay, type CeremonyContext } from '../ceremony/reducer.js';
import { hashEntry, messageDigest, type TranscriptEntry } from '../transcript/entry.js';
import { verifyArtifact, type VerifyFailure } from '../artifact/verify.js';
import { bodyHash } from '../artifact/build.js';
import type { GenesisArtifact } from '../artifact/schema.js';
import type { ConsortiumState } from './consortium.js';
import { findProposal, type GovernanceState } from './proposals.js';
import { applyGovernanceEntry } from './reducer.js';
import { deriveRevision, revisionArtifactSchema, revisionBodyHash, revisionSealMessage, type RevisionArtifact, type RevisionGenesis } from './revision.js';

export interface RevisionChainReport {
  ok: boolean;
  failures: VerifyFailure[];
  /** The genesis artifact, when it parsed. */
  genesis: GenesisArtifact | null;
  /** The revisions that verified, in order. */
  revisions: RevisionArtifact[];
  /** The consortium after the last revision that verified (revision 0 if none did); null if genesis failed. */
  consortium: ConsortiumState | null;
}

function failureOf(check: string, error: unknown): VerifyFailure {
  if (error instanceof ConcordError) return { check, path: error.path, expected: `${error.code}: ${error.expected}` };
  throw error;
}

/** Verifies a genesis artifact and revisions 1..n (parsed JSON values); never throws for bad input. */
export async function verifyRevisionChain(genesisInput: unknown, revisionInputs: readonly unknown[]): Promise<RevisionChainReport> {
  const genesisReport = await verifyArtifact(genesisInput);
  const artifact = genesisReport.artifact;
  if (!genesisReport.ok || artifact === null) return { ok: false, failures: genesisReport.failures, genesis: artifact, revisions: [], consortium: null };
  const spec = parseSpec(artifact.spec, 'artifact.spec');
  const specHash = hashSpec(spec);
  const finalized = await replay({ spec, specHash }, artifact.transcript);
  if (finalized.governance === null || finalized.assembly === null) {
    throw new ConcordError('INTERNAL', 'artifact.transcript', 'a verified artifact whose transcript ends FINALIZED');
  }
  const genesis: RevisionGenesis = { spec, specHash, genesisHash: artifact.genesisHash, genesisChainSpec: finalized.assembly.chainSpec };
  let governance: GovernanceState = { ...finalized.governance, proposals: [] };
  const { coordinatorSignature: _genesisSignature, ...genesisBody } = artifact;
  let previousBodyHash = bodyHash(genesisBody);
  const verified: RevisionArtifact[] = [];

  for (const [i, input] of revisionInputs.entries()) {
    const path = joinPath('revisions', i);
    const failures: VerifyFailure[] = [];
    let revision: RevisionArtifact;
    try {
      revision = parseWith(revisionArtifactSchema, input, 'REVISION_INVALID', path);
    } catch (error) {
      failures.push(failureOf('revision format', error));
      return broken(failures, i, revisionInputs.length, artifact, verified, governance);
    }
    const expect = (field: string, holds: boolean, expected: string): void => {
      if (!holds) failures.push({ check: 'revision', path: joinPath(path, field), expected });
    };
    expect('ceremonyId', revision.ceremonyId === spec.ceremonyId, `ceremony ${spec.ceremonyId}`);
    expect('specHash', revision.specHash === specHash, `the spec hash ${specHash}`);
    expect('genesisHash', revision.genesisHash === artifact.genesisHash, `the genesis hash ${artifact.genesisHash}`);
    expect('revision', revision.revision === i + 1, `revision ${i + 1} (revisions are given in order from 1)`);
    expect('previousBodyHash', revision.previousBodyHash === previousBodyHash, `the body hash of ${i === 0 ? 'the genesis artifact' : `revision ${i}`} (${previousBodyHash})`);

    const before = governance.revisions[governance.revisions.length - 1] as ConsortiumState;
    let next: GovernanceState | null = null;
    try {
      next = applyPassingVotes({ spec, specHash }, governance, revision, path);
    } catch (error) {
      failures.push(failureOf('proposal and votes', error));
    }
    // applyPassingVotes returns only once the proposal passed, so the state has revision i + 1.
    const after = next?.revisions[i + 1];
    if (after !== undefined) {
      const compare = (field: keyof RevisionArtifact, derived: unknown): void => {
        if (canonicalize(revision[field]) !== canonicalize(derived)) {
          failures.push({ check: 'revision', path: joinPath(path, field), expected: `the ${field} re-derived from the revision before and the proposal` });
        }
      };
      compare('consortium', after);
      try {
        const derived = await deriveRevision(genesis, before, after, revision.votes);
        for (const field of ['chainSpec', 'validators', 'enodes', 'bridge', 'bridgeCalls', 'contractCalls', 'publicManifest'] as const) compare(field, derived[field]);
      } catch (error) {
        failures.push(failureOf('revision chain spec', error));
      }
    }
    const { coordinatorSignature, ...body } = revision;
    try {
      if (recoverTypedSigner('Revision', revisionSealMessage(body), coordinatorSignature, joinPath(path, 'coordinatorSignature')) !== spec.coordinator) {
        failures.push({ check: 'coordinator signature', path: joinPath(path, 'coordinatorSignature'), expected: `a signature by the coordinator ${spec.coordinator} over the revision body` });
      }
    } catch (error) {
      failures.push(failureOf('coordinator signature', error));
    }
    if (failures.length > 0 || next === null) return broken(failures, i, revisionInputs.length, artifact, verified, governance);
    verified.push(revision);
    governance = { ...next, proposals: [] };
    previousBodyHash = revisionBodyHash(body);
  }
  return { ok: true, failures: [], genesis: artifact, revisions: verified, consortium: governance.revisions[governance.revisions.length - 1] ?? null };
}

/** The report of a chain that broke at revision index `at`: its failures, and a note for every revision after it. */
function broken(failures: VerifyFailure[], at: number, count: number, genesis: GenesisArtifact, verified: RevisionArtifact[], governance: GovernanceState): RevisionChainReport {
  for (let later = at + 1; later < count; later++) {
    failures.push({ check: 'revision chain', path: joinPath('revisions', later), expected: `a chain that verifies up to it (not checked: revisions[${at}] failed)` });
  }
  return { ok: false, failures, genesis, revisions: verified, consortium: governance.revisions[governance.revisions.length - 1] ?? null };
}

/** Checks one signed entry of a revision: its ceremony binding and its signer. */
function checkSigned(context: CeremonyContext, entry: TranscriptEntry, path: string): void {
  if (entry.payload.ceremonyId !== context.spec.ceremonyId) throw new ConcordError('WRONG_CEREMONY', joinPath(path, 'payload', 'ceremonyId'), `ceremony ${context.spec.ceremonyId}`);
  if (entry.payload.specHash !== context.specHash) throw new ConcordError('WRONG_CEREMONY', joinPath(path, 'payload', 'specHash'), `the spec hash ${context.specHash}`);
  if (recoverAddress(messageDigest(entry), entry.signature, joinPath(path, 'signature')) !== entry.member) {
    throw new ConcordError('SIGNATURE_INVALID', joinPath(path, 'signature'), `an EIP-712 ${entry.kind} signature by ${entry.member}`);
  }
}

/**
 * Replays a revision's Propose and Votes through the governance reducer on `governance` (whose last
 * revision is the one the proposal must be made against); returns the state after the last vote, in
 * which the proposal must have passed exactly then.
 */
function applyPassingVotes(context: CeremonyContext, governance: GovernanceState, revision: RevisionArtifact, path: string): GovernanceState {
  const proposalPath = joinPath(path, 'proposal');
  checkSigned(context, revision.proposal, proposalPath);
  const proposalHash = hashEntry(revision.proposal);
  let state = applyGovernanceEntry(context, governance, revision.proposal, proposalHash, proposalPath);
  for (const [j, vote] of revision.votes.entries()) {
    const votePath = joinPath(path, 'votes', j);
    checkSigned(context, vote, votePath);
    state = applyGovernanceEntry(context, state, vote, hashEntry(vote), votePath);
  }
  if (findProposal(state, proposalHash)?.status !== 'passed') {
    throw new ConcordError('REVISION_INVALID', joinPath(path, 'votes'), 'the votes that passed the proposal: yes-votes reaching the threshold of the revision it was made against');
  }
  return state;
}
