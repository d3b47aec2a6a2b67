/**
 * Governance entries after FINALIZED (DESIGN.md §7), applied by the ceremony reducer
 * (shared/ceremony/reducer.ts), which has already checked the entry's place in the transcript, its
 * ceremony binding and its signature. Pure, like the ceremony reducer: the coordinator runs it before
 * it stores an entry, clients run it over the transcript they are shown, `verify` over revisions.
 *
 *   Propose (a member of the current revision, made against it)  -> open
 *   Vote    (a member of the proposal's revision, once; a yes-vote
 *            with its signature over each permission contract change) -> passed | failed | still open
 *   Expire  (the coordinator, at the voting deadline)             -> expired
 *   a pass makes revision n+1; every other open proposal (made against revision n) becomes stale
 *
 * The reducer cannot see time: the coordinator refuses a deadline already past when a proposal is
 * submitted, refuses votes after the deadline, and records Expire when it passes (as it records a
 * phase deadline's Abort).
 */
import { ConcordError, joinPath } from '../errors.js';
import { hashCanonical } from '../hash/keccak.js';
import type { Hex32 } from '../hash/hex.js';
import type { CeremonyContext } from '../ceremony/reducer.js';
import type { TranscriptEntry } from '../transcript/entry.js';
import { applyChange } from './apply-change.js';
import { checkContractSignatures, proposalContractSteps } from './contract-changes.js';
import { memberOf, type ConsortiumState } from './consortium.js';
import {
  baseOf,
  currentConsortium,
  findProposal,
  tallyOf,
  type ExpireEntry,
  type GovernanceState,
  type Proposal,
  type ProposeEntry,
  type VoteEntry,
} from './proposals.js';

/** A governance transcript entry. */
export type GovernanceEntry = ProposeEntry | VoteEntry | ExpireEntry;

/** True for the entry kinds that follow FINALIZED. */
export function isGovernanceEntry(entry: TranscriptEntry): entry is GovernanceEntry {
  return entry.kind === 'Propose' || entry.kind === 'Vote' || entry.kind === 'Expire';
}

/** Governance as the ceremony finalized it: revision 0 and no proposal. */
export function beginGovernance(genesisHash: Hex32, genesis: ConsortiumState): GovernanceState {
  return { genesisHash, revisions: [genesis], proposals: [] };
}

/**
 * Applies one governance entry whose hash is `entryHash`; throws a ConcordError saying why it cannot
 * be applied. Never mutates `governance`.
 */
export function applyGovernanceEntry(context: CeremonyContext, governance: GovernanceState, entry: GovernanceEntry, entryHash: Hex32, path: string): GovernanceState {
  const payloadPath = joinPath(path, 'payload');
  switch (entry.kind) {
    case 'Propose':
      return propose(context, governance, entry, entryHash, path);
    case 'Vote':
      return vote(context, governance, entry, path);
    case 'Expire': {
      if (entry.member !== context.spec.coordinator) throw new ConcordError('FORBIDDEN', joinPath(path, 'member'), `the coordinator ${context.spec.coordinator} (only it records an Expire)`);
      const proposal = openProposal(governance, entry.payload.proposalHash, joinPath(payloadPath, 'proposalHash'));
      return withProposal(governance, { ...proposal, status: 'expired' });
    }
  }
}

function propose(context: CeremonyContext, governance: GovernanceState, entry: ProposeEntry, entryHash: Hex32, path: string): GovernanceState {
  const payloadPath = joinPath(path, 'payload');
  const { payload } = entry;
  const current = currentConsortium(governance);
  if (memberOf(current, entry.member) === undefined) throw new ConcordError('NOT_A_MEMBER', joinPath(path, 'member'), `the identity of a member of revision ${current.revision}`);
  checkGenesis(governance, payload.genesisHash, payloadPath);
  if (payload.revision !== current.revision) {
    throw new ConcordError('REVISION_MISMATCH', joinPath(payloadPath, 'revision'), `the current revision ${current.revision} (a proposal is made against the latest revision)`);
  }
  if (hashCanonical(payload.change) !== payload.changeHash) {
    throw new ConcordError('MESSAGE_INVALID', joinPath(payloadPath, 'changeHash'), 'keccak256 of the canonical JSON of the change');
  }
  const after = applyChange(context, current, entry.member, payload.change, payload.activationBlock, {
    change: joinPath(payloadPath, 'change'),
    activationBlock: joinPath(payloadPath, 'activationBlock'),
  });
  const proposal: Proposal = { hash: entryHash, entry, after, votes: [], status: 'open' };
  return { ...governance, proposals: [...governance.proposals, proposal] };
}

function vote(context: CeremonyContext, governance: GovernanceState, entry: VoteEntry, path: string): GovernanceState {
  const payloadPath = joinPath(path, 'payload');
  const { payload } = entry;
  const proposal = findProposal(governance, payload.proposalHash);
  if (proposal === undefined) throw new ConcordError('NOT_FOUND', joinPath(payloadPath, 'proposalHash'), 'the hash of a Propose entry of this transcript');
  checkGenesis(governance, payload.genesisHash, payloadPath);
  const made = proposal.entry.payload.revision;
  if (payload.revision !== made) {
    throw new ConcordError('REVISION_MISMATCH', joinPath(payloadPath, 'revision'), `revision ${made}, the one the proposal was made against`);
  }
  if (memberOf(baseOf(governance, proposal), entry.member) === undefined) {
    throw new ConcordError('NOT_A_MEMBER', joinPath(path, 'member'), `the identity of a member of revision ${made}, the one the proposal was made against`);
  }
  if (proposal.status !== 'open') throw closed(proposal, joinPath(payloadPath, 'proposalHash'));
  if (proposal.votes.some((earlier) => earlier.member === entry.member)) {
    throw new ConcordError('DUPLICATE', joinPath(path, 'kind'), "one Vote per member per proposal (this member's vote is already in the transcript)");
  }
  if (hashCanonical(payload.contractSignatures) !== payload.contractSignaturesHash) {
    throw new ConcordError('MESSAGE_INVALID', joinPath(payloadPath, 'contractSignaturesHash'), 'keccak256 of the canonical JSON of contractSignatures');
  }
  checkContractSignatures(context.spec, proposalContractSteps(governance, proposal), entry, payloadPath);
  const voted: Proposal = { ...proposal, votes: [...proposal.votes, entry] };
  const tally = tallyOf(governance, voted);
  if (tally.yes >= tally.threshold) return pass(governance, voted);
  if (tally.yes + tally.notVoted.length < tally.threshold) return withProposal(governance, { ...voted, status: 'failed' });
  return withProposal(governance, voted);
}

/** Makes the proposal's consortium the next revision; every other open proposal is now stale. */
function pass(governance: GovernanceState, proposal: Proposal): GovernanceState {
  return {
    ...governance,
    revisions: [...governance.revisions, proposal.after],
    proposals: governance.proposals.map((other) => (other.hash === proposal.hash ? { ...proposal, status: 'passed' } : other.status === 'open' ? { ...other, status: 'stale' } : other)),
  };
}

function withProposal(governance: GovernanceState, proposal: Proposal): GovernanceState {
  return { ...governance, proposals: governance.proposals.map((other) => (other.hash === proposal.hash ? proposal : other)) };
}

function openProposal(governance: GovernanceState, hash: Hex32, path: string): Proposal {
  const proposal = findProposal(governance, hash);
  if (proposal === undefined) throw new ConcordError('NOT_FOUND', path, 'the hash of a Propose entry of this transcript');
  if (proposal.status !== 'open') throw closed(proposal, path);
  return proposal;
}

function closed(proposal: Proposal, path: string): ConcordError {
  const why: Record<Exclude<Proposal['status'], 'open'>, string> = {
    passed: 'it passed',
    failed: 'it failed: it can no longer reach the threshold',
    expired: 'its voting deadline passed',
    stale: `another proposal made against revision ${proposal.entry.payload.revision} passed first`,
  };
  return new ConcordError('PROPOSAL_CLOSED', path, `an open proposal (this one is ${proposal.status}: ${why[proposal.status as Exclude<Proposal['status'], 'open'>]})`);
}

function checkGenesis(governance: GovernanceState, genesisHash: Hex32, payloadPath: string): void {
  if (genesisHash !== governance.genesisHash) throw new ConcordError('WRONG_CEREMONY', joinPath(payloadPath, 'genesisHash'), `the genesis hash ${governance.genesisHash}`);
}
