/**
 * The governance commands of `concord` (DESIGN.md §7), registered on the program by client/bin.ts:
 *   concord propose <kind> …          propose a change (new keys made locally, with their PoPs)
 *   concord proposals                 every proposal with its tally, who has not voted, its deadline
 *   concord proposal <hash>           one proposal with its change and votes
 *   concord vote <hash> --yes|--no    a signed vote (a yes also signs the proposal's permission contract changes)
 *   concord revision fetch <n>        fetch, verify as a chain, save; with --keys, which keys are retired
 *   concord admission prepare         (a candidate company) its keys and the admitMember change to hand to a member
 */
import { Option, type Command } from 'commander';
import type { Output } from '../cli/output.js';
import { admissionPrepare, type AdmissionOptions } from './governance-admission.js';
import { PROPOSAL_KINDS, propose, type ProposeOptions } from './governance-propose.js';
import { listProposals, showProposal } from './governance-show.js';
import { revisionFetch, type RevisionFetchOptions } from './governance-revision.js';
import { vote, type VoteOptions } from './governance-vote.js';
import type { ConsortiumOptions } from './governance-link.js';
import { PROPOSAL_STATUSES } from '../../shared/governance/proposals.js';

const collect = (value: string, previous: string[]): string[] => [...previous, value];

function consortiumOptions(command: Command): Command {
  return command
    .requiredOption('--coordinator <url>', 'coordinator websocket URL, e.g. ws://127.0.0.1:7700/ws')
    .requiredOption('--ceremony <id>', 'ceremony id of the consortium')
    .option('--artifact <file>', 'your genesis artifact: the coordinator must serve the consortium it finalized');
}

function memberOptions(command: Command): Command {
  return consortiumOptions(command)
    .requiredOption('--identity <file>', 'your identity keystore')
    .option('--password-file <file>', 'file whose first line is the identity keystore password')
    .option('--password-env <name>', 'environment variable holding the identity keystore password', 'CONCORD_PASSWORD');
}

const lightKdf = (): Option => new Option('--light-kdf', 'cheaper scrypt (N=2^12) for new keys, for tests and demos; never for real keys').default(false);

/** Adds the governance commands to `program`; `output` gives the program's output mode. */
export function registerGovernanceCommands(program: Command, output: () => Output): void {
  memberOptions(
    program
      .command('propose')
      .description('propose a change to the finalized consortium; new keys are made in your key folder with their proofs of possession; prints the proposal hash last')
      .argument('<kind>', Object.keys(PROPOSAL_KINDS).join(' | ')),
  )
    .option('--activation-block <n>', 'the block from which a new validator list holds (after the last transition); needed when the validators change', '0')
    .option('--deadline <when>', 'end of voting: +30m, +12h, +7d, unix seconds, or an ISO 8601 time', '+7d')
    .option('--keys <folder>', 'your key folder (join --out): add-authority, rotate-authority, set-bridge-validators --add-own')
    .option('--endpoint <host:port>', 'add-authority: p2p endpoint of the new node')
    .option('--signer <address>', 'remove-authority: the signer of the node to remove')
    .option('--old-signer <address>', 'rotate-authority: the signer to replace by a new key')
    .option('--add-own <n>', 'set-bridge-validators: make n new bridge validator keys of yours and add them')
    .option('--remove <address>', 'set-bridge-validators: a bridge validator to remove (repeat)', collect, [])
    .option('--required-signatures <n>', 'set-bridge-validators: bridge signatures required after the change (default: unchanged)')
    .option('--admission <file>', "admit-member: the candidate's file from concord admission prepare")
    .option('--member <address>', 'remove-member: the identity of the member to remove')
    .option('--policy <file.json>', "set-permissions: the new permissions section (the spec's format: read, transact, create, unlisted, deployers)")
    .option('--results <file>', "record-bridge-deployment: tokenbridge-contracts' bridgeDeploymentResults.json (both bridges' addresses and blocks)")
    .option('--home-bridge <address>', 'record-bridge-deployment: the home bridge (homeBridge.address), checksummed; instead of --results')
    .option('--home-block <n>', 'record-bridge-deployment: the block the home bridge was deployed at (homeBridge.deployedBlockNumber); instead of --results')
    .option('--home-validators <address>', 'record-bridge-deployment: the home BridgeValidators contract ([Home] BridgeValidators Storage), checksummed')
    .option('--foreign-bridge <address>', 'record-bridge-deployment: the foreign bridge (foreignBridge.address), checksummed; instead of --results')
    .option('--foreign-block <n>', 'record-bridge-deployment: the block the foreign bridge was deployed at (foreignBridge.deployedBlockNumber); instead of --results')
    .option('--foreign-validators <address>', 'record-bridge-deployment: the foreign BridgeValidators contract ([Foreign] BridgeValidators Storage), checksummed')
    .addOption(lightKdf())
    .action((kind: string, options: ProposeOptions) => propose(kind, options, output()));

  consortiumOptions(program.command('proposals').description('list the proposals with their tallies, who has not voted and deadlines (from your own replay of the transcript)'))
    .addOption(new Option('--status <status>', 'only proposals with this status').choices([...PROPOSAL_STATUSES]))
    .action((options: ConsortiumOptions & { status?: string }) => listProposals(options, output()));

  consortiumOptions(program.command('proposal').description('show one proposal: its change, votes and who has not voted').argument('<hash>', 'the proposal hash'))
    .action((hash: string, options: ConsortiumOptions) => showProposal(hash, options, output()));

  memberOptions(program.command('vote').description('vote on an open proposal with your identity key').argument('<hash>', 'the proposal hash'))
    .option('--yes', 'approve')
    .option('--no', 'reject')
    .action((hash: string, options: VoteOptions) => vote(hash, options, output()));

  const revision = program.command('revision').description('the signed revisions a passed proposal makes');
  consortiumOptions(
    revision
      .command('fetch')
      .description('fetch revision n and those before it, verify them as a chain from the genesis artifact, then save revision n')
      .argument('<n>', 'revision number (1 is the first after genesis)'),
  )
    .requiredOption('--out <file>', 'file to save revision n to (never overwritten)')
    .option('--keys <folder>', 'your key folder: say which of its keys the revision retired')
    .action(async (n: string, options: RevisionFetchOptions) => {
      process.exitCode = await revisionFetch(n, options, output());
    });

  program
    .command('admission')
    .description('joining a finalized consortium as a new member')
    .command('prepare')
    .description("make your keys and the admitMember change (with a proof of possession by every key) for a member to propose")
    .requiredOption('--artifact <file>', "the consortium's genesis artifact (verified first)")
    .requiredOption('--identity <file>', 'your identity keystore (concord identity create)')
    .option('--password-file <file>', 'file whose first line is the identity keystore password')
    .option('--password-env <name>', 'environment variable holding the identity keystore password', 'CONCORD_PASSWORD')
    .requiredOption('--name <name>', 'your company name as members will see it')
    .option('--endpoint <host:port>', 'p2p endpoint of one of your authority nodes (repeat, in node order)', collect, [])
    .option('--bridge-validators <n>', 'how many bridge validator keys to make', '0')
    .requiredOption('--keys <folder>', 'your key folder: keys/ is made there')
    .requiredOption('--out <file>', 'the admission file to write (never overwritten)')
    .addOption(lightKdf())
    .action((options: AdmissionOptions) => admissionPrepare(options, output()));
}
