#!/usr/bin/env -S npx tsx
/**
 * `concord-coordinator`: runs the neutral coordinator of one ceremony (websocket + HTTP + SQLite).
 */
import { resolve } from 'node:path';
import { Command } from 'commander';
import { ConcordError } from '../shared/errors.js';
import { readAdminToken, readCoordinatorKey, readSpecFile } from './cli/files.js';
import { startCoordinator } from './coordinator.js';

const program = new Command()
  .name('concord-coordinator')
  .description('Run the coordinator of a Concord ceremony: orders messages, keeps the hash-chained transcript, publishes the signed artifact.')
  .option('--spec <file>', 'a ceremony spec (JSON) to host; ceremonies already in the database are restored either way')
  .requiredOption('--key <file>', "the coordinator's keystore v3 file (its address is the spec's coordinator)")
  .option('--password-file <file>', 'file whose first line is the keystore password (else $CONCORD_COORDINATOR_PASSWORD)')
  .option('--db <file>', 'SQLite database file', 'concord-coordinator.sqlite')
  .option('--listen <host:port>', 'address to listen on (port 0 picks a free one)', '127.0.0.1:7700')
  .option('--admin-token-file <file>', 'file whose first line is the admin bearer token (else $CONCORD_ADMIN_TOKEN); without one, creating and aborting over HTTP are refused')
  .action(async (options: { spec?: string; key: string; passwordFile?: string; db: string; listen: string; adminTokenFile?: string }) => {
    const match = /^(.*):(\d{1,5})$/.exec(options.listen);
    if (match === null) throw new ConcordError('MESSAGE_INVALID', '--listen', 'host:port, e.g. 127.0.0.1:7700');
    const host = (match[1] as string).replace(/^\[(.*)\]$/, '$1');
    const spec = options.spec === undefined ? undefined : await readSpecFile(options.spec);
    const coordinatorKey = await readCoordinatorKey(options.key, options.passwordFile, process.env.CONCORD_COORDINATOR_PASSWORD);
    const adminToken = await readAdminToken(options.adminTokenFile, process.env.CONCORD_ADMIN_TOKEN);
    const running = await startCoordinator({
      ...(spec === undefined ? {} : { spec }),
      ...(adminToken === null ? {} : { adminToken }),
      dbPath: resolve(options.db),
      host,
      port: Number(match[2]),
      coordinatorKey,
      log: (line) => console.error(`[coordinator] ${line}`),
    });
    const stop = (): void => {
      void running.close().then(() => process.exit(0));
    };
    // Before the lines that say it is up: whoever reads them may stop it at once.
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    console.log(`coordinator ${running.registry.coordinator}, database ${resolve(options.db)}, ceremonies: ${running.registry.ids().join(', ') || 'none yet'}`);
    console.log(`listening on ${running.httpUrl} (websocket ${running.wsUrl})`);
  });

program.parseAsync().catch((error: unknown) => {
  if (error instanceof ConcordError) console.error(`error: ${error.message}`);
  else console.error(error);
  process.exit(1);
});
