/**
 * The governance state a finalized ceremony's transcript folds into (DESIGN.md §7): every revision's
 * consortium (revision 0 is genesis) and every proposal with its votes and status, plus the tally of a
 * proposal. Statuses:
 *   open     votes are accepted
 *   passed   yes-votes reached the threshold of the revision it was made against: it made the next revision
 *   failed   it can no longer pass (too many no-votes)
 *   expired  its voting deadline passed first (the coordinator's Expire entry)
 *   stale    another proposal made against the same revision passed first
 */
import { ConcordError } from '../errors.js';
import type { Hex32 } from '../hash/hex.js';
import type { Address } from '../crypto/secp256k1.js';
import type { TranscriptEntry } from '../transcript/entry.js';
import type { ConsortiumState } from './consortium.js';

/** A Propose transcript entry. */
export type ProposeEntry = Extract<TranscriptEntry, { kind: 'Propose' }>;
/** A Vote transcript entry. */
export type VoteEntry = Extract<TranscriptEntry, { kind: 'Vote' }>;
/** The coordinator's Expire transcript entry. */
export type ExpireEntry = Extract<TranscriptEntry, { kind: 'Expire' }>;

export const PROPOSAL_STATUSES = ['open', 'passed', 'failed', 'expired', 'stale'] as const;
/** Where a proposal stands. */
export type ProposalStatus = (typeof PROPOSAL_STATUSES)[number];

/** A proposal as the transcript recorded it. */
export interface Proposal {
  /** The hash of its Propose entry: what votes name. */
  hash: Hex32;
  entry: ProposeEntry;
  /** The consortium it makes if it passes (checked when it was proposed). */
  after: ConsortiumState;
  /** Every vote accepted, in transcript order. */
  votes: VoteEntry[];
  status: ProposalStatus;
}

/** Governance after FINALIZED. */
export interface GovernanceState {
  genesisHash: Hex32;
  /** Index n is revision n; the last is the current one. */
  revisions: ConsortiumState[];
  proposals: Proposal[];
}

/** The votes on a proposal, against the member set of the revision it was made against. */
export interface Tally {
  yes: number;
  no: number;
  threshold: number;
  /** The members who may vote, in order. */
  voters: Address[];
  /** The voters who have not voted yet. */
  notVoted: Address[];
}

/** The current revision's consortium. */
export function currentConsortium(governance: GovernanceState): ConsortiumState {
  const current = governance.revisions[governance.revisions.length - 1];
  if (current === undefined) throw new ConcordError('INTERNAL', 'governance.revisions', 'revision 0 at least');
  return current;
}

/** The proposal whose Propose entry has this hash. */
export function findProposal(governance: GovernanceState, hash: Hex32): Proposal | undefined {
  return governance.proposals.find((proposal) => proposal.hash === hash);
}

/** The consortium a proposal was made against. */
export function baseOf(governance: GovernanceState, proposal: Proposal): ConsortiumState {
  const base = governance.revisions[proposal.entry.payload.revision];
  if (base === undefined) throw new ConcordError('INTERNAL', 'governance.revisions', `revision ${proposal.entry.payload.revision}, which the proposal was accepted against`);
  return base;
}

/** The tally of `proposal`. */
export function tallyOf(governance: GovernanceState, proposal: Proposal): Tally {
  const base = baseOf(governance, proposal);
  const voters = base.members.map((member) => member.identity);
  const voted = new Set(proposal.votes.map((vote) => vote.member));
  const yes = proposal.votes.filter((vote) => vote.payload.approve).length;
  return { yes, no: proposal.votes.length - yes, threshold: base.threshold, voters, notVoted: voters.filter((voter) => !voted.has(voter)) };
}
