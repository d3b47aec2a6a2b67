/**
 * Client resume: a member's `concord join` process is SIGKILLed right after its Commit was accepted
 * and started again on the same folder. It re-authenticates, learns where the ceremony is, reveals
 * exactly what it committed to (its own record), makes no new keys, and the ceremony completes. A
 * folder whose record is of another ceremony or spec is refused.
 *
 * The other member is scripted, so the order is fixed: it commits only once the first process is dead,
 * so that process can never get as far as its Reveal, however slowly it is killed.
 */
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startCoordinator } from '../../server/coordinator.js';
import { LIGHT_SCRYPT } from '../../client/keys/kdf.js';
import { encryptKeystore } from '../../shared/keys/keystore.js';
import { keystoreRandomness } from '../../client/keys/random.js';
import { verifyArtifact } from '../../shared/artifact/verify.js';
import type { GenesisArtifact } from '../../shared/artifact/schema.js';
import type { Receipt } from '../../shared/protocol/messages.js';
import { makeCeremony } from '../helpers/ceremony.js';
import { cleanUpProcesses, startScript } from '../helpers/processes.js';
import { frameFor, type Step } from '../helpers/scripted-members.js';
import { connectMember } from '../helpers/ws-client.js';
import { tempFolder } from '../helpers/temp.js';
import { joinAs } from '../helpers/participants.js';
import { expectRejects } from '../helpers/errors.js';
import { MEMBER_STATE_FORMAT } from '../../shared/ceremony/member-state.js';

cleanUpProcesses();

async function snapshot(folder: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const name of await readdir(folder)) files[name] = await readFile(join(folder, name), 'utf8');
  return files;
}

describe('a member client killed mid-ceremony and restarted', () => {
  // Two `concord join` processes one after the other (tsx start-up, keys): seconds each on a loaded CI machine.
  it('resumes from its folder without new keys and the ceremony completes', { timeout: 120_000 }, async () => {
    const ceremony = makeCeremony({ ceremonyId: 'resume', layout: ['Steady', 'Restarted'].map((name) => ({ name, authorityNodes: 1, bridgeValidators: 1 })) });
    const folder = await tempFolder('resume');
    const coordinator = await startCoordinator({ spec: ceremony.spec, dbPath: join(folder, 'c.sqlite'), host: '127.0.0.1', port: 0, coordinatorKey: ceremony.coordinator.secretKey });
    try {
      const [steady, restarted] = ceremony.members;
      if (steady === undefined || restarted === undefined) throw new Error('two members expected');
      const identityPath = join(folder, 'restarted-identity.json');
      await writeFile(identityPath, await encryptKeystore(restarted.identity.secretKey, 'identity password', keystoreRandomness(), LIGHT_SCRYPT));
      await writeFile(`${identityPath}.password`, 'identity password');
      const memberFolder = join(folder, 'Restarted');
      const joinArgs = ['join', '--coordinator', coordinator.wsUrl, '--ceremony', 'resume', '--identity', identityPath, '--password-file', `${identityPath}.password`, '--out', memberFolder, '--endpoint', '127.0.0.1:34001', '--yes', '--light-kdf'];

      // Steady, scripted: each step is sent when the test says so, and must be accepted.
      const steadyLink = await connectMember(coordinator.wsUrl, 'resume', steady.identity);
      const steadySends = async (step: Step): Promise<void> => {
        const reply = await steadyLink.send(await frameFor(ceremony, steady, step, steadyLink));
        expect(reply.type, JSON.stringify(reply)).toBe('receipt');
      };
      try {
        await steadySends('Accept');

        // The ceremony stays in COMMIT until Steady commits, which it does only after this process is dead.
        const first = startScript('client/bin.ts', joinArgs);
        await first.waitForLine(/^Commit accepted as transcript entry #\d+$/);
        first.child.kill('SIGKILL');
        expect(await first.exited).toBe('SIGKILL');
        expect(first.lines.join('\n')).not.toMatch(/^Reveal accepted/m);
        const keysBefore = await snapshot(join(memberFolder, 'keys'));
        const recordBefore = await readFile(join(memberFolder, 'ceremony.json'), 'utf8');
        const receiptsBefore = JSON.parse(await readFile(join(memberFolder, 'receipts.json'), 'utf8')) as Receipt[];
        expect(receiptsBefore).toHaveLength(2);
        expect(coordinator.ceremony('resume').status().phase).toBe('COMMIT');

        await steadySends('Commit');
        await steadySends('Reveal');
        const second = startScript('client/bin.ts', joinArgs);
        // Steady approves once the restarted member has revealed: only then is there an assembly to approve.
        await second.waitForLine(/^Reveal accepted as transcript entry #\d+$/);
        await steadySends('Approve');
        expect(await second.exited, second.lines.join('\n')).toBe(0);
        const status = coordinator.ceremony('resume').status();

        expect(second.lines.join('\n')).not.toMatch(/made (authority|node|bridge) key/);
        expect(await snapshot(join(memberFolder, 'keys'))).toEqual(keysBefore);
        expect(await readFile(join(memberFolder, 'ceremony.json'), 'utf8')).toBe(recordBefore);
        const record = JSON.parse(recordBefore) as { contribution: { authorities: { signer: string }[] } };
        const artifact = JSON.parse(await readFile(join(memberFolder, 'artifact.json'), 'utf8')) as GenesisArtifact;
        expect((await verifyArtifact(artifact)).ok).toBe(true);
        expect(artifact.validators).toContain(record.contribution.authorities[0]?.signer);
        expect(artifact.validators).toContain(steady.contribution.authorities[0]?.signer);
        expect(status.phase).toBe('FINALIZED');
        // The receipts of the first run are kept, and the second run's appended: one per message, in order.
        const receipts = JSON.parse(await readFile(join(memberFolder, 'receipts.json'), 'utf8')) as Receipt[];
        expect(receipts.slice(0, 2)).toEqual(receiptsBefore);
        expect(receipts.map((receipt) => artifact.transcript[receipt.seq]?.kind)).toEqual(['Accept', 'Commit', 'Reveal', 'Approve']);
      } finally {
        steadyLink.close();
      }
    } finally {
      await coordinator.close();
    }
  });
});

describe('a member folder that holds the record of another ceremony', () => {
  it.each([
    ['another ceremony', { ceremonyId: 'an-earlier-one' }],
    ['another spec of the same ceremony', { specHash: `0x${'ab'.repeat(32)}` }],
  ])('is refused before anything is sent or any key is made (%s)', async (_name, other) => {
    const ceremony = makeCeremony({ ceremonyId: 'fresh', layout: ['Solo', 'Other'].map((name) => ({ name, authorityNodes: 1, bridgeValidators: 0 })) });
    const [member] = ceremony.members;
    if (member === undefined) throw new Error('a member expected');
    const folder = await tempFolder('foreign-record');
    const memberFolder = join(folder, 'Solo');
    const recordPath = join(memberFolder, 'ceremony.json');
    const record = { format: MEMBER_STATE_FORMAT, ceremonyId: 'fresh', specHash: ceremony.specHash, member: member.identity.address, salt: member.salt, contribution: member.contribution, ...other };
    await mkdir(memberFolder);
    await writeFile(recordPath, JSON.stringify(record));
    const coordinator = await startCoordinator({ spec: ceremony.spec, dbPath: join(folder, 'c.sqlite'), host: '127.0.0.1', port: 0, coordinatorKey: ceremony.coordinator.secretKey });
    try {
      const error = await expectRejects(joinAs({ wsUrl: coordinator.wsUrl, ceremony, member, folder: memberFolder, endpoints: ['127.0.0.1:34100'] }), 'FILE_INVALID', recordPath);
      expect(error.expected).toBe(`the record of ceremony fresh with spec ${ceremony.specHash}; use another folder for another ceremony`);
      expect(coordinator.ceremony('fresh').transcript(0)).toEqual([]);
      expect(await readdir(memberFolder)).toEqual(['ceremony.json']);
    } finally {
      await coordinator.close();
    }
  });
});
