/**
 * A finalized consortium over a real in-process coordinator (express + ws + SQLite), for tests that run
 * the `concord` CLI against it as real processes: scripted members finalize the ceremony over
 * websockets, the genesis artifact is saved, and each member's folder is written as `join` leaves it
 * (identity keystore with its password file, keys/ with its enrolled keys). Also: running `concord`
 * to its end, and the coordinator's transcript position read over HTTP.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';
import { startCoordinator, type RunningCoordinator } from '../../server/coordinator.js';
import type { TestCeremony, TestMember } from './ceremony.js';
import { finalizeOverWebsockets } from './scripted-members.js';
import { startScript } from './processes.js';
import { tempFolder } from './temp.js';
import { writeMemberKeys, writeTestKeystore } from './member-folder.js';

/** What a `concord` process printed (stdout and stderr, in the order read) and its exit code. */
export interface ConcordRun {
  code: number | string;
  lines: string[];
}

/** Runs `concord …` to its end. */
export async function concord(args: readonly string[]): Promise<ConcordRun> {
  const run = startScript('client/bin.ts', args);
  const code = await run.exited;
  return { code, lines: run.lines };
}

/** Where the coordinator's transcript ends, as its status endpoint says. */
export interface TranscriptPosition {
  seq: number;
  head: string;
}

export interface CliConsortium {
  ceremony: TestCeremony;
  coordinator: RunningCoordinator;
  /** The temp folder holding the database, the artifact and every member's folder. */
  folder: string;
  artifactPath: string;
  member(name: string): TestMember;
  /** The member's folder: identity.json, identity.password, keys/. */
  folderOf(name: string): string;
  /** The options that make `concord` act as member `name`. */
  as(name: string): string[];
  /** The options of a read-only command, with the genesis artifact on file. */
  read(): string[];
  /** GET /api/ceremonies/:id/status: its seq and head. */
  position(): Promise<TranscriptPosition>;
  close(): Promise<void>;
}

/** Starts a coordinator for `ceremony`, finalizes it, and writes the artifact and the members' folders. */
export async function startCliConsortium(ceremony: TestCeremony): Promise<CliConsortium> {
  const id = ceremony.spec.ceremonyId;
  const folder = await tempFolder(id);
  const coordinator = await startCoordinator({ spec: ceremony.spec, dbPath: join(folder, 'c.sqlite'), host: '127.0.0.1', port: 0, coordinatorKey: ceremony.coordinator.secretKey, log: () => undefined });
  try {
    await finalizeOverWebsockets(coordinator.wsUrl, ceremony);
    const artifactPath = join(folder, 'artifact.json');
    await writeFile(artifactPath, coordinator.ceremony(id).artifact() as string);
    const folderOf = (name: string): string => join(folder, name);
    for (const m of ceremony.members) {
      await writeTestKeystore(join(folderOf(m.name), 'identity.json'), m.identity);
      await writeMemberKeys(folderOf(m.name), m);
    }
    return {
      ceremony,
      coordinator,
      folder,
      artifactPath,
      member: (name) => {
        const found = ceremony.members.find((m) => m.name === name);
        if (found === undefined) throw new Error(`no member ${name}`);
        return found;
      },
      folderOf,
      as: (name) => ['--coordinator', coordinator.wsUrl, '--ceremony', id, '--identity', join(folderOf(name), 'identity.json'), '--password-file', join(folderOf(name), 'identity.password')],
      read: () => ['--coordinator', coordinator.wsUrl, '--ceremony', id, '--artifact', artifactPath],
      position: async () => {
        const response = await fetch(`${coordinator.httpUrl}/api/ceremonies/${encodeURIComponent(id)}/status`);
        expect(response.status).toBe(200);
        const { seq, head } = (await response.json()) as TranscriptPosition;
        return { seq, head };
      },
      close: () => coordinator.close(),
    };
  } catch (error) {
    await coordinator.close();
    throw error;
  }
}
