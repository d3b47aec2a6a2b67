/**
 * `concord vote <hash> --yes|--no`: a member's signed vote on an open proposal (DESIGN.md §7), bound to
 * the genesis hash and to the revision the proposal was made against, so it can count nowhere else.
 * The client shows what it votes on from its own replay, and the tally after its vote.
 */
import { ConcordError } from '../../shared/errors.js';
import { replay } from '../../shared/ceremony/reducer.js';
import { findProposal } from '../../shared/governance/proposals.js';
import { proposalViews } from '../../shared/governance/proposal-view.js';
import type { Output } from '../cli/output.js';
import { openMemberSession, submitSigned, type MemberOptions } from './governance-link.js';
import { describeChange, namesOf } from './governance-show.js';

export interface VoteOptions extends MemberOptions {
  yes?: boolean;
  no?: boolean;
}

/** Votes on the proposal `hash`; prints the tally after the vote. */
export async function vote(hash: string, options: VoteOptions, output: Output): Promise<void> {
  if ((options.yes === true) === (options.no === true)) throw new ConcordError('MESSAGE_INVALID', '--yes|--no', 'exactly one of --yes or --no');
  const session = await openMemberSession(options);
  try {
    const proposalHash = hash.toLowerCase();
    const proposal = findProposal(session.governance, proposalHash);
    if (proposal === undefined) throw new ConcordError('NOT_FOUND', 'hash', 'the hash of a proposal of this consortium (concord proposals lists them)');
    if (proposal.status !== 'open') throw new ConcordError('PROPOSAL_CLOSED', 'hash', `an open proposal (this one is ${proposal.status})`);
    output.progress(`voting ${options.yes === true ? 'yes' : 'no'} on: ${describeChange(proposal.entry.payload.change, namesOf(session.governance))}`);
    const receipt = await submitSigned(session, {
      kind: 'Vote',
      payload: {
        ceremonyId: session.spec.ceremonyId,
        specHash: session.specHash,
        genesisHash: session.governance.genesisHash,
        revision: proposal.entry.payload.revision,
        proposalHash,
        approve: options.yes === true,
      },
    });
    const after = await replay({ spec: session.spec, specHash: session.specHash }, await session.link.transcript(0));
    const view = after.governance === null ? undefined : proposalViews(after.governance).find((candidate) => candidate.hash === proposalHash);
    if (view === undefined) throw new ConcordError('INTERNAL', 'transcript', 'the proposal just voted on');
    const made = view.madeRevision === null ? '' : `: it made revision ${view.madeRevision} (concord revision fetch ${view.madeRevision} --out revision-${view.madeRevision}.json)`;
    output.result({ vote: receipt.entryHash, seq: receipt.seq, proposal: view }, [
      `vote accepted as transcript entry #${receipt.seq}`,
      `proposal ${view.status}${made}; yes ${view.tally.yes}, no ${view.tally.no} of ${view.tally.voters} (threshold ${view.tally.threshold})`,
    ]);
  } finally {
    session.link.close();
  }
}
