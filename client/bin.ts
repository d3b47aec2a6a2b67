#!/usr/bin/env -S npx tsx
/**
 * `concord`: the member's command line. Every command has --help.
 */
import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { identityCreate, type IdentityCreateOptions } from './commands/identity.js';
import { join, type JoinOptions } from './commands/join.js';
import { MIN_SUPPLIED_PASSWORD } from './keys/ceremony-keys.js';
import { status, type StatusOptions } from './commands/status.js';
import { makeOutput, reportError, type Output } from './cli/output.js';
import { refuseBadUsage } from './cli/usage.js';
import { verify } from './commands/verify.js';
import { genesisHash } from './commands/genesis-hash.js';
import { bundleCommand } from './commands/bundle.js';
import { backupRecover, backupSplit, parseShareCount, type BackupRecoverOptions, type BackupSplitOptions } from './commands/backup.js';
import { registerGovernanceCommands } from './commands/governance.js';
import { useNativeScrypt } from './keys/kdf.js';

const collect = (value: string, previous: string[]): string[] => [...previous, value];
const lightKdf = new Option('--light-kdf', 'cheaper scrypt (N=2^12) for tests and demos; never for real keys').default(false);

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

const program = new Command()
  .name('concord')
  .description('Concord member client: take part in a consortium Aura chain genesis ceremony and verify its result.')
  .version(version, '-V, --version')
  .option('--json', 'print the result as one JSON document on stdout (progress goes to stderr)', false)
  .addHelpText(
    'after',
    [
      '',
      'Exit codes: 0 done; 1 verification failed (an artifact or revision chain that does not verify, or an assembly that differs from your own);',
      '2 refused (bad usage or input, wrong password, the coordinator said no); 3 the ceremony was aborted; 70 internal fault.',
      'Errors end with a "next:" line saying what to do; with --json, the error is a JSON object on stdout.',
      'Passwords come from a file, an environment variable, or a prompt with no echo; never from the command line.',
    ].join('\n'),
  );
const output = (): Output => makeOutput((program.opts() as { json: boolean }).json);

const identity = program.command('identity').description('the member identity key that signs ceremony messages');
identity
  .command('create')
  .description('create a new identity key in an encrypted keystore v3 file')
  .requiredOption('--out <file>', 'keystore file to create (never overwritten)')
  .option('--password-file <file>', 'file whose first line is the password; if absent one is generated into <out>.password (mode 0600)')
  .addOption(lightKdf)
  .action((options: IdentityCreateOptions) => identityCreate(options, output()));

program
  .command('join')
  .description('take part in a ceremony: accept, make keys locally, commit, reveal, check, approve, save the artifact')
  .requiredOption('--coordinator <url>', 'coordinator websocket URL, e.g. ws://127.0.0.1:7700/ws')
  .option('--ceremony <id>', 'ceremony id (default: the one in --spec)')
  .option('--spec <file>', "your copy of the ceremony spec: the coordinator's must hash the same")
  .requiredOption('--identity <file>', 'your identity keystore')
  .option('--password-file <file>', 'file whose first line is the identity keystore password')
  .option('--password-env <name>', 'environment variable holding the identity keystore password', 'CONCORD_PASSWORD')
  .requiredOption('--out <folder>', 'your folder for this ceremony: keys, record, receipts, artifact')
  .option('--endpoint <host:port>', 'p2p endpoint of one of your authority nodes (repeat, in node order) unless the spec fixes them', collect, [])
  .option('--yes', 'accept the spec without asking', false)
  .addOption(lightKdf)
  .addHelpText(
    'after',
    [
      '',
      'Ceremony key passwords: every key in <out>/keys/ gets its own password file beside',
      'it, mode 0600, generated (24 random bytes in base64, as parity-deploy does) unless',
      'you supply it: before joining, write your password on the first line of',
      '<out>/keys/<role>-<i>.password (role authority, node or bridge; i from 0) with',
      `mode 0600 and at least ${MIN_SUPPLIED_PASSWORD} characters. A supplied file with another mode or a`,
      'shorter password is refused before any key is made.',
    ].join('\n'),
  )
  .action((options: JoinOptions) => join(options, output()));

program
  .command('status')
  .description('where a ceremony is (phase, deadline, who we wait for) and, with --out, what your folder holds')
  .requiredOption('--coordinator <url>', 'coordinator websocket URL, e.g. ws://127.0.0.1:7700/ws')
  .requiredOption('--ceremony <id>', 'ceremony id')
  .option('--out <folder>', 'your folder for this ceremony (the one given to join)')
  .action((options: StatusOptions) => status(options, output()));

program
  .command('verify')
  .description('verify a genesis artifact, and revisions after it, offline; exit 0 only if every check holds')
  .argument('<artifact>', 'artifact JSON file')
  .argument('[revisions...]', 'revision files 1..n in order (concord revision fetch), checked as a chain from the artifact')
  .option('--bundle <folder>', 'also check a member bundle folder against the artifact (for the last revision given, if any) and its manifest.json')
  .action(async (artifact: string, revisions: string[], options: { bundle?: string }) => {
    process.exitCode = await verify(artifact, { ...options, revisions }, output());
  });

program
  .command('bundle')
  .description("make your deployment bundle from a verified artifact (and the revisions after it) and your own keys: node folders (OpenEthereum and Nethermind configs, keystores, node keys), docker compose files, oracle env files, the public bundle and a manifest")
  .requiredOption('--artifact <file>', 'the genesis artifact (verified first)')
  .option('--revision <files...>', 'revision files 1..n in order (concord revision fetch): the bundle is for revision n, the chain verified from the artifact first; prints which of your keys and folders are retired')
  .requiredOption('--keys <folder>', 'your ceremony folder, the one holding keys/ (keystores and their password files)')
  .requiredOption('--out <folder>', 'bundle folder to create (refused if it exists; written to a temporary sibling, then renamed)')
  .option('--include-oracle-keys', "write each bridge validator's key into its oracle env file (mode 0600); default: left out, given when the oracle starts", false)
  .action(async (options: { artifact: string; revision?: string[]; keys: string; out: string; includeOracleKeys: boolean }) => {
    const { revision, ...rest } = options;
    await bundleCommand({ ...rest, revisions: revision ?? [] }, output());
  });

program
  .command('genesis-hash')
  .description('print the block-0 hash of any Aura chain spec file, as the node software computes it')
  .argument('<chain-spec>', 'chain spec JSON file (OpenEthereum/Parity format)')
  .addOption(new Option('--client <client>', 'compute as this client only').choices(['openethereum', 'nethermind']))
  .action(async (chainSpec: string, options: { client?: 'openethereum' | 'nethermind' }) => genesisHash(chainSpec, options.client, output()));

const backup = program.command('backup').description('Shamir backups of any of your keys: split into n shares for custodians, any k of which restore it');
backup
  .command('split')
  .description('split the key of a keystore into n share files (mode 0600), any k of which restore it; k-1 restore nothing')
  .requiredOption('--key <keystore>', 'keystore v3 file of the key to back up (identity, or keys/authority-<i>.json, node-<i>, bridge-<i> of a ceremony folder)')
  .option('--password-file <file>', 'file whose first line is the keystore password (e.g. keys/authority-0.password)')
  .option('--password-env <name>', 'environment variable holding the keystore password, if no --password-file', 'CONCORD_PASSWORD')
  .requiredOption('-k <k>', 'threshold: how many shares restore the key (2..n)', parseShareCount)
  .requiredOption('-n <n>', 'how many shares to make (k..255), one per custodian', parseShareCount)
  .requiredOption('--out <folder>', 'folder for share-1.json … share-<n>.json (no file is ever overwritten)')
  .option('--text', 'also write share-<i>.txt, a printable copy with a checksum for a custodian who keeps it on paper', false)
  .action((options: BackupSplitOptions) => backupSplit(options, output()));
backup
  .command('recover')
  .description('restore a key from k share files (JSON or printable text) into a new keystore v3 file, checking its address')
  .argument('<shares...>', 'share files of one split (share-<i>.json or share-<i>.txt)')
  .requiredOption('--out <keystore>', 'keystore file to create (never overwritten)')
  .option('--password-file <file>', 'file whose first line is the new keystore password; if absent one is generated into <out>.password (mode 0600)')
  .addOption(lightKdf)
  .action((shares: string[], options: BackupRecoverOptions) => backupRecover(shares, options, output()));

registerGovernanceCommands(program, output);
refuseBadUsage(program);

useNativeScrypt();
program.parseAsync().catch((error: unknown) => {
  process.exitCode = reportError(error, (program.opts() as { json: boolean }).json);
});
