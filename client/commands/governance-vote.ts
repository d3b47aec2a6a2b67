/**
 * `concord vote <hash> --yes|--no`: a member's signed vote on an open proposal (DESIGN.md §7), bound to
 * the genesis hash and to the revision the proposal was made against, so it can count nowhere else.
 * A yes on a proposal that changes what the permission contract stores also signs each of those
 * changes under the contract's own EIP-712 domain, with the contract nonce it will consume
 * (shared/governance/contract-changes.ts), computed from the client's own replay; the Vote signs those
 * signatures by hash. The client shows what it votes on, and the tally after its vote.
 */
import { ConcordError } from '../../shared/errors.js';
import { hashCanonical } from '../../shared/hash/keccak.js';
import { replay } from '../../shared/ceremony/reducer.js';
import { findProposal } from '../../shared/governance/proposals.js';
import { describeStep, proposalContractSteps, signContractSteps, type ContractStep } from '../../shared/governance/contract-changes.js';
import { proposalViews } from '../../shared/governance/proposal-view.js';
import type { Output } from '../cli/output.js';
import { openMemberSession, submitSigned, type MemberOptions } from './governance-link.js';
import { describeChange, namesOf } from './governance-show.js';

export interface VoteOptions extends MemberOptions {
  yes?: boolean;
  no?: boolean;
}

/** What one contract change sets, in a few words. */
function stepLine(step: ContractStep): string {
  const { change } = step;
  const what =
    change.kind === 'SetPermissions'
      ? `${change.entries.length} sender entr${change.entries.length === 1 ? 'y' : 'ies'} (${change.entries.map((entry) => `${entry.account} ${entry.listed ? `mask 0x${entry.mask.toString(16)}` : 'unlisted'}`).join(', ') || 'none'}), default mask 0x${change.defaultMask.toString(16)}`
      : `members ${change.members.join(', ')}, threshold ${change.threshold}`;
  return `signing for the permission contract: ${describeStep(step)}: ${what}`;
}

/** Votes on the proposal `hash`; prints the tally after the vote. */
export async function vote(hash: string, options: VoteOptions, output: Output): Promise<void> {
  if ((options.yes === true) === (options.no === true)) throw new ConcordError('MESSAGE_INVALID', '--yes|--no', 'exactly one of --yes or --no');
  const session = await openMemberSession(options, (line) => output.progress(line));
  try {
    const proposalHash = hash.toLowerCase();
    const proposal = findProposal(session.governance, proposalHash);
    if (proposal === undefined) throw new ConcordError('NOT_FOUND', 'hash', 'the hash of a proposal of this consortium (concord proposals lists them)');
    if (proposal.status !== 'open') throw new ConcordError('PROPOSAL_CLOSED', 'hash', `an open proposal (this one is ${proposal.status})`);
    output.progress(`voting ${options.yes === true ? 'yes' : 'no'} on: ${describeChange(proposal.entry.payload.change, namesOf(session.governance))}`);
    const steps = options.yes === true ? proposalContractSteps(session.governance, proposal) : [];
    for (const step of steps) output.progress(stepLine(step));
    const contractSignatures = signContractSteps(session.spec, steps, session.identity.secretKey);
    const receipt = await submitSigned(session, {
      kind: 'Vote',
      payload: {
        ceremonyId: session.spec.ceremonyId,
        specHash: session.specHash,
        genesisHash: session.governance.genesisHash,
        revision: proposal.entry.payload.revision,
        proposalHash,
        approve: options.yes === true,
        contractSignaturesHash: hashCanonical(contractSignatures),
        contractSignatures,
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
