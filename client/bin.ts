#!/usr/bin/env -S npx tsx
/**
 * `concord`: the member's command line. Every command has --help.
 */
import { Command, Option } from 'commander';
import { ConcordError } from '../shared/errors.js';
import { identityCreate } from './commands/identity.js';
import { join } from './commands/join.js';
import { verify } from './commands/verify.js';
import { genesisHash } from './commands/genesis-hash.js';

const collect = (value: string, previous: string[]): string[] => [...previous, value];
const lightKdf = new Option('--light-kdf', 'cheaper scrypt (N=2^12) for tests and demos; never for real keys').default(false);

const program = new Command().name('concord').description('Concord member client: take part in a consortium Aura chain genesis ceremony and verify its result.');

const identity = program.command('identity').description('the member identity key that signs ceremony messages');
identity
  .command('create')
  .description('create a new identity key in an encrypted keystore v3 file')
  .requiredOption('--out <file>', 'keystore file to create (never overwritten)')
  .option('--password-file <file>', 'file whose first line is the password; if absent one is generated into <out>.password (mode 0600)')
  .addOption(lightKdf)
  .action(identityCreate);

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
  .action(join);

program
  .command('verify')
  .description('verify a genesis artifact offline; exit 0 only if every check holds')
  .argument('<artifact>', 'artifact JSON file')
  .action(async (artifact: string) => {
    process.exitCode = await verify(artifact);
  });

program
  .command('genesis-hash')
  .description('print the block-0 hash of any Aura chain spec file, as the node software computes it')
  .argument('<chain-spec>', 'chain spec JSON file (OpenEthereum/Parity format)')
  .addOption(new Option('--client <client>', 'compute as this client only').choices(['openethereum', 'nethermind']))
  .action(async (chainSpec: string, options: { client?: 'openethereum' | 'nethermind' }) => genesisHash(chainSpec, options.client));

program.parseAsync().catch((error: unknown) => {
  if (error instanceof ConcordError) console.error(`error: ${error.message}`);
  else console.error(error);
  process.exitCode = error instanceof ConcordError ? 2 : 70;
});
