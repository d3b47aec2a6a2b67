/**
 * A full ceremony of 5 members in one process: the real coordinator (express + ws + a SQLite file) on
 * 127.0.0.1 and five real member sessions over websockets, real keys and keystores throughout.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Wallet, SigningKey } from 'ethers';
import { startCoordinator, type RunningCoordinator } from '../../server/coordinator.js';
import type { Participation } from '../../client/ceremony/participate.js';
import { keyPaths } from '../../client/keys/ceremony-keys.js';
import { verifyArtifact } from '../../shared/artifact/verify.js';
import { makeCeremony, type TestCeremony } from '../helpers/ceremony.js';
import { tempFolder } from '../helpers/temp.js';
import { joinAs } from '../helpers/participants.js';

const LAYOUT = ['Acme', 'Bolt', 'Crane', 'Delta', 'Echo'].map((name) => ({ name, authorityNodes: 1, bridgeValidators: 1 }));

describe('a 5-member ceremony over real sockets', () => {
  let ceremony: TestCeremony;
  let folder: string;
  let coordinator: RunningCoordinator;
  let results: Participation[];
  const lines: string[] = [];

  beforeAll(async () => {
    ceremony = makeCeremony({ layout: LAYOUT, ceremonyId: 'e2e-five', requiredSignatures: 3 });
    folder = await tempFolder('e2e');
    coordinator = await startCoordinator({
      spec: ceremony.spec,
      dbPath: join(folder, 'coordinator.sqlite'),
      host: '127.0.0.1',
      port: 0,
      coordinatorKey: ceremony.coordinator.secretKey,
      log: (line) => lines.push(line),
    });
    results = await Promise.all(
      ceremony.members.map((member, i) =>
        joinAs({ wsUrl: coordinator.wsUrl, ceremony, member, folder: join(folder, member.name), endpoints: [`127.0.0.1:${31000 + i}`], report: (line) => lines.push(`${member.name}: ${line}`) }),
      ),
    );
    await coordinator.close();
  });

  it('ends FINALIZED with one artifact that every member saved and that verifies offline', async () => {
    const texts = await Promise.all(results.map((result) => readFile(result.artifactPath, 'utf8')));
    expect(new Set(texts).size).toBe(1);
    const report = await verifyArtifact(JSON.parse(texts[0] as string));
    expect(report.failures).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.artifact?.validators).toHaveLength(5);
    expect(report.artifact?.bridge?.requiredSignatures).toBe(3);
  });

  it('writes keystores that ethers decrypts, with their password files, to the enrolled addresses', async () => {
    const artifact = results[0]?.artifact;
    if (artifact === undefined) throw new Error('no artifact');
    for (const member of ceremony.members) {
      const memberFolder = join(folder, member.name);
      const open = async (role: 'authority' | 'node' | 'bridge'): Promise<Wallet> => {
        const paths = keyPaths(memberFolder, role, 0);
        const wallet = await Wallet.fromEncryptedJson(await readFile(paths.keystore, 'utf8'), await readFile(paths.password, 'utf8'));
        return wallet as Wallet;
      };
      expect(artifact.validators).toContain((await open('authority')).address);
      expect(artifact.bridge?.validators).toContain((await open('bridge')).address);
      const nodePublicKey = SigningKey.computePublicKey((await open('node')).privateKey, false).slice(4);
      expect(artifact.enodes.some((enode) => enode.startsWith(`enode://${nodePublicKey}@127.0.0.1:`))).toBe(true);
    }
  });

  it('keeps every secret file at mode 0600', async () => {
    for (const member of ceremony.members) {
      const keysFolder = join(folder, member.name, 'keys');
      for (const name of await readdir(keysFolder)) {
        expect(((await stat(join(keysFolder, name))).mode & 0o777).toString(8), name).toBe('600');
      }
    }
  });

  it('puts no private key and no password in the database, the artifact or the logs', async () => {
    const secrets: string[] = [];
    for (const member of ceremony.members) {
      const keysFolder = join(folder, member.name, 'keys');
      for (const name of await readdir(keysFolder)) {
        const text = await readFile(join(keysFolder, name), 'utf8');
        if (name.endsWith('.password')) secrets.push(text);
        else secrets.push((await Wallet.fromEncryptedJson(text, await readFile(join(keysFolder, name.replace(/\.json$/, '.password')), 'utf8'))).privateKey.slice(2));
      }
      secrets.push(Buffer.from(member.identity.secretKey).toString('hex'));
    }
    expect(secrets).toHaveLength(5 * 7);
    const haystacks = [
      (await readdir(folder)).filter((name) => name.startsWith('coordinator.sqlite')).map((name) => join(folder, name)),
      [results[0]?.artifactPath as string],
    ].flat();
    const texts = [...(await Promise.all(haystacks.map(async (path) => (await readFile(path)).toString('latin1')))), lines.join('\n')];
    for (const secret of secrets) {
      for (const text of texts) expect(text.toLowerCase().includes(secret.toLowerCase())).toBe(false);
    }
  });
});
