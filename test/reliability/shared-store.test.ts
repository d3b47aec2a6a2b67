/**
 * One coordinator, many ceremonies, one SQLite file: messages to different ceremonies arriving at the
 * same moment over real websockets are all accepted (each ceremony's queue orders only its own writes,
 * so the store must order the transactions of all of them); and a timer-driven write (a phase deadline's
 * Abort, a proposal's Expire) that fails because another process holds the database's write lock is
 * retried until it is recorded, not lost.
 */
import { join } from 'node:path';
import sqlite3 from 'sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCoordinator, type RunningCoordinator } from '../../server/coordinator.js';
import { signTyped } from '../../shared/eip712/sign.js';
import { hashSpec, parseSpec } from '../../shared/spec/parse.js';
import type { CeremonySpec } from '../../shared/spec/schema.js';
import type { Hex32 } from '../../shared/hash/hex.js';
import { CeremonyRun, makeCeremony, makeKey, randomHash, specJson, type TestKey } from '../helpers/ceremony.js';
import { connectAll, frameFor, STEPS } from '../helpers/scripted-members.js';
import { connectMember, type RawClient } from '../helpers/ws-client.js';
import { tempFolder } from '../helpers/temp.js';
import { GovernanceRun, signMessage } from '../unit/governance/fixture.js';

/** Polls `condition` every 50 ms, for at most `limitMs`. */
async function waitFor(condition: () => boolean, limitMs = 20_000): Promise<void> {
  for (let waited = 0; !condition(); waited += 50) {
    if (waited > limitMs) throw new Error(`condition not met within ${limitMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A second, independent connection to the database file that holds its write lock until released. */
async function holdWriteLock(dbPath: string): Promise<{ release(): Promise<void> }> {
  const db = await new Promise<sqlite3.Database>((resolve, reject) => {
    const handle = new sqlite3.Database(dbPath, (error) => (error === null ? resolve(handle) : reject(error)));
  });
  const exec = (sql: string): Promise<void> => new Promise((resolve, reject) => db.exec(sql, (error) => (error === null ? resolve() : reject(error))));
  await exec('BEGIN IMMEDIATE');
  return {
    async release() {
      await exec('ROLLBACK');
      await new Promise<void>((resolve, reject) => db.close((error) => (error === null ? resolve() : reject(error))));
    },
  };
}

describe('ceremonies sharing one coordinator', () => {
  const CEREMONIES = 4;
  const MEMBERS = 3;
  const coordinatorKey = makeKey();
  const ceremonies = Array.from({ length: CEREMONIES }, (_, c) => {
    const identities: TestKey[] = Array.from({ length: MEMBERS }, () => makeKey());
    const raw = specJson(
      `shared-${c}`,
      coordinatorKey.address,
      identities.map((identity, m) => ({ layout: { name: `Member${m}`, authorityNodes: 1, bridgeValidators: 0 }, identity: identity.address, endpoints: [] })),
    );
    const spec: CeremonySpec = parseSpec(raw);
    return { spec, specHash: hashSpec(spec), identities };
  });
  let coordinator: RunningCoordinator;
  const clients: RawClient[][] = [];
  const internalErrors: string[] = [];
  let id = 1;

  beforeAll(async () => {
    const folder = await tempFolder('shared-store');
    coordinator = await startCoordinator({
      dbPath: join(folder, 'c.sqlite'),
      host: '127.0.0.1',
      port: 0,
      coordinatorKey: coordinatorKey.secretKey,
      log: (line) => {
        if (line.startsWith('internal error')) internalErrors.push(line);
      },
    });
    for (const { spec, identities } of ceremonies) {
      await coordinator.registry.host(spec);
      clients.push(await Promise.all(identities.map((identity) => connectMember(coordinator.wsUrl, spec.ceremonyId, identity))));
    }
  });
  afterAll(async () => {
    await coordinator.close();
  });

  /** The signed frame of `identity`'s message of `kind` in ceremony `c`. */
  const frame = (kind: 'Accept' | 'Commit', c: number, identity: TestKey): string => {
    const { spec, specHash } = ceremonies[c] as (typeof ceremonies)[number];
    const base = { ceremonyId: spec.ceremonyId, specHash };
    if (kind === 'Accept') return JSON.stringify({ type: 'submit', id: id++, kind, payload: base, signature: signTyped('Accept', base, identity.secretKey) });
    const payload = { ...base, commitment: randomHash() };
    return JSON.stringify({ type: 'submit', id: id++, kind, payload, signature: signTyped('Commit', payload, identity.secretKey) });
  };

  /** Every member of every ceremony sends its message of `kind` at once; resolves with the replies. */
  const everyoneAtOnce = (kind: 'Accept' | 'Commit'): Promise<Record<string, unknown>[]> =>
    Promise.all(ceremonies.flatMap(({ identities }, c) => identities.map((identity, m) => (clients[c]?.[m] as RawClient).send(frame(kind, c, identity)))));

  it('accepts every one of simultaneous messages to different ceremonies, in two rounds', async () => {
    for (const kind of ['Accept', 'Commit'] as const) {
      const replies = await everyoneAtOnce(kind);
      expect(replies.filter((reply) => reply.type !== 'receipt')).toEqual([]);
    }
    for (const { spec } of ceremonies) {
      const host = coordinator.ceremony(spec.ceremonyId);
      expect(host.status().phase).toBe('REVEAL');
      expect(host.transcript(0)).toHaveLength(2 * MEMBERS);
    }
    expect(internalErrors).toEqual([]);
  });
});

describe('a phase deadline whose Abort cannot be written when it passes', () => {
  const ceremony = makeCeremony({ ceremonyId: 'locked-deadline', deadlines: { acceptSec: 3 } });
  const lines: string[] = [];
  let coordinator: RunningCoordinator;

  beforeAll(async () => {
    const dbPath = join(await tempFolder('locked-deadline'), 'c.sqlite');
    coordinator = await startCoordinator({ spec: ceremony.spec, dbPath, host: '127.0.0.1', port: 0, coordinatorKey: ceremony.coordinator.secretKey, log: (line) => lines.push(line) });
    const lock = await holdWriteLock(dbPath);
    // The Abort waits out the store's busy timeout behind the lock, then fails.
    await waitFor(() => lines.some((line) => line.includes('deadline abort failed')));
    expect(coordinator.ceremony('locked-deadline').status().phase).toBe('OPEN');
    await lock.release();
  });
  afterAll(async () => {
    await coordinator.close();
  });

  it('is retried, and the ceremony is ABORTED once the database can be written', async () => {
    const host = coordinator.ceremony('locked-deadline');
    await waitFor(() => host.status().phase === 'ABORTED');
    expect(host.status().abort?.reason).toContain('deadline of phase OPEN passed');
    for (const member of ceremony.members) expect(host.status().abort?.reason).toContain(`${member.name} (${member.identity.address})`);
    expect(host.transcript(0).map((entry) => entry.kind)).toEqual(['Abort']);
  });
});

describe('a proposal whose Expire cannot be written when its voting deadline passes', () => {
  const ceremony = makeCeremony({ ceremonyId: 'locked-expiry' });
  const lines: string[] = [];
  let coordinator: RunningCoordinator;
  let proposalHash: Hex32;

  beforeAll(async () => {
    const dbPath = join(await tempFolder('locked-expiry'), 'c.sqlite');
    coordinator = await startCoordinator({ spec: ceremony.spec, dbPath, host: '127.0.0.1', port: 0, coordinatorKey: ceremony.coordinator.secretKey, log: (line) => lines.push(line) });
    const members = await connectAll(coordinator.wsUrl, ceremony);
    for (const step of STEPS) {
      for (const [i, member] of ceremony.members.entries()) {
        const client = members[i] as RawClient;
        expect(await client.send(await frameFor(ceremony, member, step, client))).toMatchObject({ type: 'receipt' });
      }
    }
    const run = new CeremonyRun(ceremony);
    for (const entry of coordinator.ceremony('locked-expiry').transcript(0)) await run.apply(entry);
    const mirror = new GovernanceRun(ceremony, run);
    const proposer = mirror.member('Alpha');
    const payload = mirror.proposePayload({ kind: 'setBridgeValidators', add: [], remove: [], requiredSignatures: 1 }, { votingDeadline: Math.floor(Date.now() / 1000) + 4 });
    const reply = await (members[0] as RawClient).send(JSON.stringify({ type: 'submit', id: 1000, kind: 'Propose', payload, signature: signMessage('Propose', payload, proposer.identity) }));
    expect(reply).toMatchObject({ type: 'receipt' });
    proposalHash = (reply.receipt as { entryHash: Hex32 }).entryHash;
    const lock = await holdWriteLock(dbPath);
    await waitFor(() => lines.some((line) => line.includes('proposal expiry failed')));
    expect(coordinator.ceremony('locked-expiry').governance()?.proposals.map((proposal) => proposal.status)).toEqual(['open']);
    await lock.release();
  });
  afterAll(async () => {
    await coordinator.close();
  });

  it('is retried, and the proposal expires once the database can be written', async () => {
    const host = coordinator.ceremony('locked-expiry');
    await waitFor(() => host.transcript(0).at(-1)?.kind === 'Expire');
    expect(host.transcript(0).at(-1)?.payload).toMatchObject({ proposalHash });
    expect(host.governance()?.proposals.map((proposal) => proposal.status)).toEqual(['expired']);
  });
});
