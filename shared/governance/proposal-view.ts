/**
 * The public view of proposals (DESIGN.md §7): each with its change, status, tally and who has not voted.
 * The coordinator serves it at `GET /api/ceremonies/:id/proposals`; the CLI computes the same view from
 * its own replay of the transcript, so it never has to take the coordinator's word for a tally.
 * Nothing here is secret.
 */
import { z } from 'zod';
import { addressField, hash32Field, intField } from '../validation/fields.js';
import { changeSchema } from './change.js';
import { PROPOSAL_STATUSES, tallyOf, type GovernanceState } from './proposals.js';

/** One proposal as HTTP and the CLI show it. */
export const proposalViewSchema = z.strictObject({
  hash: hash32Field,
  /** Its Propose entry's place in the transcript. */
  seq: intField(0),
  proposer: addressField,
  /** The revision it was made against. */
  revision: intField(0),
  change: changeSchema,
  activationBlock: intField(0),
  /** Unix seconds. */
  votingDeadline: intField(1),
  status: z.enum(PROPOSAL_STATUSES),
  tally: z.strictObject({ yes: intField(0), no: intField(0), threshold: intField(1), voters: intField(1) }),
  votes: z.array(z.strictObject({ member: addressField, approve: z.boolean(), seq: intField(0) })),
  notVoted: z.array(addressField),
  /** The revision it made, once passed. */
  madeRevision: intField(1).nullable(),
});

/** One proposal as HTTP and the CLI show it. */
export type ProposalView = z.infer<typeof proposalViewSchema>;

/** Every proposal, oldest first. */
export function proposalViews(governance: GovernanceState): ProposalView[] {
  return governance.proposals.map((proposal) => {
    const tally = tallyOf(governance, proposal);
    const { payload } = proposal.entry;
    return {
      hash: proposal.hash,
      seq: proposal.entry.seq,
      proposer: proposal.entry.member,
      revision: payload.revision,
      change: payload.change,
      activationBlock: payload.activationBlock,
      votingDeadline: payload.votingDeadline,
      status: proposal.status,
      tally: { yes: tally.yes, no: tally.no, threshold: tally.threshold, voters: tally.voters.length },
      votes: proposal.votes.map((vote) => ({ member: vote.member, approve: vote.payload.approve, seq: vote.seq })),
      notVoted: tally.notVoted,
      madeRevision: proposal.status === 'passed' ? proposal.after.revision : null,
    };
  });
}
