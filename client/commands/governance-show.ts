/**
 * `concord proposals` and `concord proposal <hash>`: the proposals with their change, status, tally,
 * who has not voted and the deadline, from the client's own replay of the transcript (the coordinator's
 * `GET /api/ceremonies/:id/proposals` serves the same view, made by the same function).
 */
import { ConcordError } from '../../shared/errors.js';
import type { Address } from '../../shared/crypto/secp256k1.js';
import { proposalViews, type ProposalView } from '../../shared/governance/proposal-view.js';
import type { GovernanceState } from '../../shared/governance/proposals.js';
import type { Change } from '../../shared/governance/change.js';
import { describeBridgeDeployment } from '../../shared/governance/bridge-deployment.js';
import type { Output } from '../cli/output.js';
import { readGovernance, type ConsortiumOptions } from './governance-link.js';

/** Names of every member that ever was, by identity. */
export function namesOf(governance: GovernanceState): Map<Address, string> {
  return new Map(governance.revisions.flatMap((revision) => revision.members.map((member) => [member.identity, member.name] as const)));
}

/** One line saying what a change does. */
export function describeChange(change: Change, names: Map<Address, string>): string {
  const name = (identity: Address): string => `${names.get(identity) ?? 'unknown member'} (${identity})`;
  switch (change.kind) {
    case 'addAuthority':
      return `add an authority node of ${name(change.member)}: signer ${change.node.signer} at ${change.node.endpoint}`;
    case 'removeAuthority':
      return `remove the authority node of signer ${change.signer}`;
    case 'rotateAuthority':
      return `rotate the signer ${change.oldSigner} to ${change.newSigner}`;
    case 'setBridgeValidators':
      return `bridge validators: add ${change.add.map((a) => `${a.address} of ${name(a.member)}`).join(', ') || 'none'}; remove ${change.remove.join(', ') || 'none'}; required signatures ${change.requiredSignatures}`;
    case 'admitMember':
      return `admit ${change.name} (${change.identity}) with ${change.nodes.length} authority node(s) and ${change.bridgeValidators.length} bridge validator(s)`;
    case 'removeMember':
      return `remove the member ${name(change.identity)} with its nodes and bridge validators`;
    case 'setPermissions': {
      const { transact, create, unlisted, deployers, read } = change.permissions;
      const list = (grantees: readonly string[]): string => grantees.join(', ') || 'nobody';
      return `set the permission policy: transact ${list(transact)}; create ${list(create)}; everyone else ${unlisted}; ${deployers.length} deployer(s), ${read.peers.length} listed peer(s), ${read.readers.length} outside reader(s)`;
    }
    case 'recordBridgeDeployment':
      return `record the deployed bridge: ${describeBridgeDeployment(change)}`;
  }
}

/** The lines of one proposal; `detail` adds every vote and who has not voted. */
export function describeProposal(view: ProposalView, names: Map<Address, string>, detail: boolean): string[] {
  const { tally } = view;
  const made = view.madeRevision === null ? '' : ` → revision ${view.madeRevision}`;
  const lines = [
    `${view.hash} ${view.status}${made}`,
    `  ${describeChange(view.change, names)}`,
    `  by ${names.get(view.proposer) ?? view.proposer} against revision ${view.revision}; activation block ${view.activationBlock}; voting closes ${new Date(view.votingDeadline * 1000).toISOString()}`,
    `  yes ${tally.yes}, no ${tally.no} of ${tally.voters} (threshold ${tally.threshold}); not voted: ${view.notVoted.map((identity) => names.get(identity) ?? identity).join(', ') || 'nobody'}`,
  ];
  if (detail) for (const vote of view.votes) lines.push(`  vote #${vote.seq} ${vote.approve ? 'yes' : 'no '} ${names.get(vote.member) ?? ''} (${vote.member})`);
  return lines;
}

/** Lists the proposals (optionally only those with `status`). */
export async function listProposals(options: ConsortiumOptions & { status?: string }, output: Output): Promise<void> {
  const { governance } = await readGovernance(options);
  const names = namesOf(governance);
  const views = proposalViews(governance).filter((view) => options.status === undefined || view.status === options.status);
  const revision = governance.revisions.length - 1;
  output.result({ revision, proposals: views }, [`revision ${revision}; ${views.length} proposal(s)`, ...views.flatMap((view) => describeProposal(view, names, false))]);
}

/** Shows one proposal with its change and votes. */
export async function showProposal(hash: string, options: ConsortiumOptions, output: Output): Promise<void> {
  const { governance } = await readGovernance(options);
  const view = proposalViews(governance).find((candidate) => candidate.hash === hash.toLowerCase());
  if (view === undefined) throw new ConcordError('NOT_FOUND', 'hash', 'the hash of a proposal of this consortium (concord proposals lists them)');
  output.result(view, [...describeProposal(view, namesOf(governance), true), `  change ${JSON.stringify(view.change)}`]);
}
