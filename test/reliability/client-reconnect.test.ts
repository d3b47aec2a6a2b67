/**
 * A member's client across coordinator crashes it does not expect: the coordinator runs as a child
 * process on a SQLite file and is SIGKILLed and started again on the same database and port
 * - while the member is making its keys (scrypt keystores at the standard cost, several seconds): the
 *   client re-connects meanwhile, makes each key once, and enrolls the keys it keeps on disk;
 * - after accepting a message, before the member got the receipt: on resume the client obtains the
 *   receipt the coordinator signed the first time, so its receipts.json has no hole.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { STANDARD_SCRYPT, decryptKeystore } from '../../shared/keys/keystore.js';
import { addressOf, publicKeyOf } from '../../shared/crypto/secp256k1.js';
import { toHex } from '../../shared/hash/hex.js';
import { recoverTypedSigner } from '../../shared/eip712/sign.js';
import { verifyArtifact } from '../../shared/artifact/verify.js';
import { hashEntry, type TranscriptEntry } from '../../shared/transcript/entry.js';
import type { Contribution } from '../../shared/ceremony/contribution.js';
import type { Receipt } from '../../shared/protocol/messages.js';
import { keyPaths } from '../../client/keys/ceremony-keys.js';
import { makeCeremony, type TestCeremony, type TestMember } from '../helpers/ceremony.js';
import { cleanUpProcesses, coordinatorAddress, startCoordinatorProcess, writeCoordinatorFiles, type Running } from '../helpers/processes.js';
import { startProxy } from '../helpers/proxy.js';
import { tempFolder } from '../helpers/temp.js';
import { joinAs } from '../helpers/participants.js';

cleanUpProcesses();

/** This file's coordinators listen on a loopback address of their own (see coordinatorAddress). */
const LOOPBACK_OCTET = 22;
/**
 * Coordinator processes started and restarted, standard-cost scrypt, and clients that back off up to
 * 10 s between attempts: several times the default timeout's worth of margin on a loaded CI machine.
 */
const PROCESS_TEST_MS = 150_000;

interface RestartableCoordinator {
  wsUrl: string;
  kill(): void;
  /** Rejects as soon as a restart after kill() fails, so a test can race its clients with it. */
  failed: Promise<never>;
  stop(): Promise<void>;
}

/** A coordinator child process that a test can kill and start again on the same database and port. */
async function restartableCoordinator(ceremony: TestCeremony, folder: string): Promise<RestartableCoordinator> {
  const files = await writeCoordinatorFiles(ceremony, folder);
  const db = join(folder, 'c.sqlite');
  const address = await coordinatorAddress(LOOPBACK_OCTET);
  let current: Running = await startCoordinatorProcess(files, db, address);
  let restart: Promise<void> = Promise.resolve();
  let restarting = false;
  let fail!: (error: unknown) => void;
  const failed = new Promise<never>((_, reject) => (fail = reject));
  failed.catch(() => undefined); // reported by whoever races it, or by stop()
  return {
    wsUrl: address.wsUrl,
    kill() {
      const kill = async (): Promise<void> => {
        const killed = current;
        killed.child.kill('SIGKILL');
        expect(await killed.exited).toBe('SIGKILL');
        current = await startCoordinatorProcess(files, db, address);
      };
      // Killed now if it runs; if a restart is still under way, the restarted one is killed once it listens.
      restart = restarting ? restart.then(kill) : kill();
      restarting = true;
      const settled = restart;
      settled.then(
        () => {
          if (restart === settled) restarting = false;
        },
        fail,
      );
    },
    failed,
    async stop() {
      await restart;
      current.child.kill('SIGTERM');
      await current.exited;
    },
  };
}

function members(ceremony: TestCeremony): [TestMember, TestMember] {
  const [first, second] = ceremony.members;
  if (first === undefined || second === undefined) throw new Error('two members expected');
  return [first, second];
}

function revealOf(transcript: readonly TranscriptEntry[], member: string): Contribution {
  const reveal = transcript.find((entry) => entry.kind === 'Reveal' && entry.member === member);
  if (reveal?.kind !== 'Reveal') throw new Error(`no reveal by ${member}`);
  return reveal.payload.contribution;
}

describe('a coordinator killed with SIGKILL while a member client is connected', () => {
  it('while the member makes its keys: the client re-connects, makes each key once and enrolls the keys on its disk', async () => {
    const ceremony = makeCeremony({
      ceremonyId: 'keygen-crash',
      layout: [
        { name: 'Steady', authorityNodes: 1, bridgeValidators: 1 },
        { name: 'Slow', authorityNodes: 2, bridgeValidators: 1 },
      ],
    });
    const [steady, slow] = members(ceremony);
    const folder = await tempFolder('keygen-crash');
    const coordinator = await restartableCoordinator(ceremony, folder);
    const slowFolder = join(folder, 'Slow');
    const lines: string[] = [];
    let killed = false;
    try {
      const runs = Promise.all([
        joinAs({ wsUrl: coordinator.wsUrl, ceremony, member: steady, folder: join(folder, 'Steady'), endpoints: ['127.0.0.1:36000'] }),
        joinAs({
          wsUrl: coordinator.wsUrl,
          ceremony,
          member: slow,
          folder: slowFolder,
          endpoints: ['127.0.0.1:36001', '127.0.0.1:36002'],
          scrypt: STANDARD_SCRYPT,
          report: (line) => {
            lines.push(line);
            // The client says it starts making keys, and then makes them for seconds: the coordinator dies now.
            if (!killed && /^making \d+ key\(s\)/.test(line)) {
              killed = true;
              coordinator.kill();
            }
          },
        }),
      ]);
      const [steadyResult, slowResult] = await Promise.race([runs, coordinator.failed]);
      expect(killed).toBe(true);
      expect(slowResult.artifact.genesisHash).toBe(steadyResult.artifact.genesisHash);
      expect((await verifyArtifact(slowResult.artifact)).ok).toBe(true);

      const made = lines.filter((line) => / (made|loaded) (authority|node|bridge) key /.test(line));
      expect(made.map((line) => line.trim())).toEqual([
        '[1/5] made authority key 0',
        '[2/5] made node key 0',
        '[3/5] made authority key 1',
        '[4/5] made node key 1',
        '[5/5] made bridge key 0',
      ]);
      const unreachable = lines.findIndex((line) => line.startsWith('coordinator unreachable'));
      expect(unreachable, lines.join('\n')).toBeGreaterThan(lines.findIndex((line) => line.startsWith('making ')));
      expect(unreachable, lines.join('\n')).toBeLessThan(lines.indexOf(made[made.length - 1] as string));

      const enrolled = revealOf(slowResult.artifact.transcript, slow.identity.address);
      const record = JSON.parse(await readFile(join(slowFolder, 'ceremony.json'), 'utf8')) as { contribution: Contribution };
      expect(record.contribution).toEqual(enrolled);
      const unlock = async (role: 'authority' | 'node' | 'bridge', index: number): Promise<Uint8Array> => {
        const paths = keyPaths(slowFolder, role, index);
        const keystore = await readFile(paths.keystore, 'utf8');
        return (await decryptKeystore(keystore, await readFile(paths.password, 'utf8'), paths.keystore)).secretKey;
      };
      for (const [i, authority] of enrolled.authorities.entries()) {
        expect(addressOf(await unlock('authority', i))).toBe(authority.signer);
        expect(toHex(publicKeyOf(await unlock('node', i)))).toBe(authority.nodePublicKey);
      }
      expect(addressOf(await unlock('bridge', 0))).toBe(enrolled.bridgeValidators[0]?.address);
    } finally {
      await coordinator.stop();
    }
  }, PROCESS_TEST_MS);

  it('after it accepted a message and before the member got the receipt: on resume the client obtains that receipt', async () => {
    const ceremony = makeCeremony({ ceremonyId: 'lost-receipt', layout: ['Steady', 'Victim'].map((name) => ({ name, authorityNodes: 1, bridgeValidators: 1 })) });
    const [steady, victim] = members(ceremony);
    const folder = await tempFolder('lost-receipt');
    const coordinator = await restartableCoordinator(ceremony, folder);
    // Between the victim and the coordinator: the coordinator dies as soon as it has answered the
    // victim's first Commit and first Approve, and those two answers never reach the victim.
    const submitted = new Map<number, string>();
    const lost = new Map<string, Record<string, unknown>>();
    const proxy = await startProxy(coordinator.wsUrl, (frame, from) => {
      if (from === 'client' && frame.type === 'submit') submitted.set(frame.id as number, frame.kind as string);
      const kind = from === 'coordinator' && frame.type === 'receipt' ? submitted.get(frame.id as number) : undefined;
      if ((kind === 'Commit' || kind === 'Approve') && !lost.has(kind)) {
        lost.set(kind, frame.receipt as Record<string, unknown>);
        coordinator.kill();
        return 'cut';
      }
      return frame;
    });
    const victimFolder = join(folder, 'Victim');
    const lines: string[] = [];
    try {
      const [steadyResult, victimResult] = await Promise.race([
        Promise.all([
          joinAs({ wsUrl: coordinator.wsUrl, ceremony, member: steady, folder: join(folder, 'Steady'), endpoints: ['127.0.0.1:36010'] }),
          joinAs({ wsUrl: proxy.url, ceremony, member: victim, folder: victimFolder, endpoints: ['127.0.0.1:36011'], report: (line) => lines.push(line) }),
        ]),
        coordinator.failed,
      ]);
      expect([...lost.keys()].sort()).toEqual(['Approve', 'Commit']);
      expect(victimResult.artifact.genesisHash).toBe(steadyResult.artifact.genesisHash);
      expect(lines.filter((line) => line.startsWith('coordinator unreachable')).length).toBeGreaterThanOrEqual(2);

      const transcript = victimResult.artifact.transcript;
      expect(transcript).toHaveLength(8);
      const receipts = JSON.parse(await readFile(join(victimFolder, 'receipts.json'), 'utf8')) as Receipt[];
      expect(receipts.map((receipt) => transcript[receipt.seq]?.kind)).toEqual(['Accept', 'Commit', 'Reveal', 'Approve']);
      for (const receipt of receipts) {
        const entry = transcript[receipt.seq] as TranscriptEntry;
        expect(entry.member).toBe(victim.identity.address);
        expect(receipt.entryHash).toBe(hashEntry(entry));
        expect(recoverTypedSigner('Receipt', { ceremonyId: receipt.ceremonyId, seq: receipt.seq, entryHash: receipt.entryHash }, receipt.signature, 'receipt')).toBe(ceremony.spec.coordinator);
      }
      // The resend was answered, by the restarted coordinator, with the receipt it had signed before dying.
      for (const receipt of lost.values()) expect(receipts).toContainEqual(receipt);
    } finally {
      await proxy.close();
      await coordinator.stop();
    }
  }, PROCESS_TEST_MS);
});
