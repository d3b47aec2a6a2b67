/**
 * Governance with the `concord` CLI as real processes against a real coordinator: a finalized
 * 3-member consortium (members hold their identity and enrolled keys in keystores, as `join` leaves
 * them); `propose add-authority` makes the new keys in the member's folder; `proposals`, `proposal`,
 * `vote`; `revision fetch` verifies the chain before saving and tells a member whose node was removed
 * which keys are retired; `admission prepare` and `propose admit-member`; `verify` on the artifact and
 * its revisions, and on a tampered revision. A coordinator with a fake clock refuses a vote after a
 * proposal's deadline.
 */
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCoordinator, type RunningCoordinator } from '../../server/coordinator.js';
import { decryptKeystore } from '../../shared/keys/keystore.js';
import { keyPaths } from '../../client/keys/ceremony-keys.js';
import { CeremonyRun, makeCeremony, type TestCeremony } from '../helpers/ceremony.js';
import { connectMember } from '../helpers/ws-client.js';
import { tempFolder } from '../helpers/temp.js';
import { concord } from '../helpers/cli-consortium.js';
import { finalizeOverWebsockets } from '../helpers/scripted-members.js';
import { writeMemberKeys, writeTestKeystore } from '../helpers/member-folder.js';
import { GovernanceRun, signMessage } from '../unit/governance/fixture.js';

const LAYOUT = ['Ash', 'Birch', 'Cedar'].map((name) => ({ name, authorityNodes: 1, bridgeValidators: 1 }));

describe('governance with the concord CLI', () => {
  const ceremony = makeCeremony({ layout: LAYOUT, ceremonyId: 'cli-governance', requiredSignatures: 2 });
  let folder: string;
  let coordinator: RunningCoordinator;
  let artifactPath: string;
  const member = (name: string) => ceremony.members.find((m) => m.name === name) as TestCeremony['members'][number];
  const folderOf = (name: string): string => join(folder, name);
  const as = (name: string): string[] => ['--coordinator', coordinator.wsUrl, '--ceremony', ceremony.spec.ceremonyId, '--identity', join(folderOf(name), 'identity.json'), '--password-file', join(folderOf(name), 'identity.password')];
  const read = (): string[] => ['--coordinator', coordinator.wsUrl, '--ceremony', ceremony.spec.ceremonyId, '--artifact', artifactPath];
  let added: string;

  beforeAll(async () => {
    folder = await tempFolder('cli-governance');
    coordinator = await startCoordinator({ spec: ceremony.spec, dbPath: join(folder, 'c.sqlite'), host: '127.0.0.1', port: 0, coordinatorKey: ceremony.coordinator.secretKey });
    await finalizeOverWebsockets(coordinator.wsUrl, ceremony);
    artifactPath = join(folder, 'artifact.json');
    await writeFile(artifactPath, coordinator.ceremony(ceremony.spec.ceremonyId).artifact() as string);
    // Each member's folder as join leaves it: identity keystore, and keys/ with its enrolled keys.
    for (const m of ceremony.members) {
      await writeTestKeystore(join(folderOf(m.name), 'identity.json'), m.identity);
      await writeMemberKeys(folderOf(m.name), m);
    }
  });
  afterAll(async () => {
    await coordinator.close();
  });

  it('proposes an authority node with keys made in the member\'s folder, lists it, and passes it by two votes', async () => {
    const proposed = await concord(['propose', 'add-authority', ...as('Ash'), '--keys', folderOf('Ash'), '--endpoint', '10.5.0.9:30303', '--activation-block', '500', '--deadline', '+1h', '--light-kdf']);
    expect(proposed.code, proposed.lines.join('\n')).toBe(0);
    added = proposed.lines.at(-1) as string;
    expect(added).toMatch(/^0x[0-9a-f]{64}$/);
    for (const role of ['authority', 'node'] as const) {
      const paths = keyPaths(folderOf('Ash'), role, 1);
      expect(((await stat(paths.keystore)).mode & 0o777).toString(8)).toBe('600');
      expect(((await stat(paths.password)).mode & 0o777).toString(8)).toBe('600');
    }
    const listed = await concord(['proposals', ...read()]);
    expect(listed.code).toBe(0);
    expect(listed.lines.join('\n')).toContain(`${added} open`);
    expect(listed.lines.join('\n')).toContain('yes 0, no 0 of 3 (threshold 2); not voted: Ash, Birch, Cedar');
    for (const name of ['Ash', 'Birch']) {
      const voted = await concord(['vote', added, '--yes', ...as(name)]);
      expect(voted.code, voted.lines.join('\n')).toBe(0);
    }
    const shown = await concord(['proposal', added, ...read()]);
    expect(shown.lines[0]).toBe(`${added} passed → revision 1`);
  });

  it('refuses, exiting 2, a vote on a proposal that already passed', async () => {
    const late = await concord(['vote', added, '--no', ...as('Cedar')]);
    expect(late.code).toBe(2);
    expect(late.lines.join('\n')).toContain('PROPOSAL_CLOSED');
  });

  it('fetches revision 1 after verifying the chain, and tells a member whose node was removed which keys are retired', async () => {
    const fetched = await concord(['revision', 'fetch', '1', '--out', join(folder, 'revision-1.json'), ...read()]);
    expect(fetched.code, fetched.lines.join('\n')).toBe(0);
    expect(fetched.lines[0]).toContain('OK revision 1, verified as a chain from the genesis artifact');
    const signer = member('Birch').authorities[0]?.signer.address as string;
    const removal = await concord(['propose', 'remove-authority', ...as('Cedar'), '--signer', signer, '--activation-block', '900']);
    expect(removal.code, removal.lines.join('\n')).toBe(0);
    const hash = removal.lines.at(-1) as string;
    for (const name of ['Ash', 'Cedar']) expect((await concord(['vote', hash, '--yes', ...as(name)])).code).toBe(0);
    const second = await concord(['revision', 'fetch', '2', '--out', join(folder, 'revision-2.json'), '--keys', folderOf('Birch'), ...read()]);
    expect(second.code, second.lines.join('\n')).toBe(0);
    const retired = second.lines.filter((line) => line.includes('retired'));
    expect(retired).toHaveLength(2);
    expect(retired[0]).toContain(join('keys', 'authority-0.json'));
    expect(retired[0]).toContain(signer);
    expect(retired[1]).toContain(join('keys', 'node-0.json'));
  });

  it('admits a member from its own admission file, proposed by a member', async () => {
    const candidate = join(folder, 'Dune');
    const identity = await concord(['identity', 'create', '--out', join(candidate, 'identity.json'), '--light-kdf']);
    expect(identity.code).toBe(0);
    const prepared = await concord([
      'admission', 'prepare',
      '--artifact', artifactPath,
      '--identity', join(candidate, 'identity.json'),
      '--password-file', join(candidate, 'identity.json.password'),
      '--name', 'Dune',
      '--endpoint', '10.5.1.1:30303',
      '--bridge-validators', '1',
      '--keys', candidate,
      '--out', join(folder, 'admission.json'),
      '--light-kdf',
    ]);
    expect(prepared.code, prepared.lines.join('\n')).toBe(0);
    const proposed = await concord(['propose', 'admit-member', ...as('Birch'), '--admission', join(folder, 'admission.json'), '--activation-block', '1500']);
    expect(proposed.code, proposed.lines.join('\n')).toBe(0);
    const hash = proposed.lines.at(-1) as string;
    for (const name of ['Ash', 'Birch']) expect((await concord(['vote', hash, '--yes', ...as(name)])).code).toBe(0);
    const fetched = await concord(['revision', 'fetch', '3', '--out', join(folder, 'revision-3.json'), ...read()]);
    expect(fetched.code, fetched.lines.join('\n')).toBe(0);
    expect(JSON.parse(await readFile(join(folder, 'revision-3.json'), 'utf8')).consortium.members.map((m: { name: string }) => m.name)).toEqual(['Ash', 'Birch', 'Cedar', 'Dune']);
  });

  it('verifies the artifact with its revisions, and fails naming the field of a tampered revision', async () => {
    const revisions = [1, 2, 3].map((n) => join(folder, `revision-${n}.json`));
    const ok = await concord(['verify', artifactPath, ...revisions]);
    expect(ok.code, ok.lines.join('\n')).toBe(0);
    expect(ok.lines.filter((line) => line.startsWith('OK ') && line.includes('revision'))).toHaveLength(3);
    const tampered = JSON.parse(await readFile(revisions[1] as string, 'utf8'));
    tampered.bridge.requiredSignatures = 1;
    const tamperedPath = join(folder, 'revision-2-tampered.json');
    await writeFile(tamperedPath, JSON.stringify(tampered, null, 2));
    const failed = await concord(['verify', artifactPath, revisions[0] as string, tamperedPath, revisions[2] as string]);
    expect(failed.code).toBe(1);
    const text = failed.lines.join('\n');
    expect(text).toContain('at revisions[1].bridge, expected the bridge re-derived');
    expect(text).toContain('at revisions[1].coordinatorSignature');
    expect(text).toContain(`revisions[1] is ${tamperedPath}`);
  });

  it('puts no private key and no password of the new keys in the database, the revisions or the admission file', async () => {
    const secrets: string[] = [];
    for (const [owner, role, index] of [['Ash', 'authority', 1], ['Ash', 'node', 1], ['Dune', 'authority', 0], ['Dune', 'node', 0], ['Dune', 'bridge', 0]] as const) {
      const paths = keyPaths(folderOf(owner), role, index);
      const password = await readFile(paths.password, 'utf8');
      const { secretKey } = await decryptKeystore(await readFile(paths.keystore, 'utf8'), password, paths.keystore);
      secrets.push(password, Buffer.from(secretKey).toString('hex'));
    }
    const files = [...(await readdir(folder)).filter((name) => name.startsWith('c.sqlite') || name.endsWith('.json')).map((name) => join(folder, name))];
    expect(files.length).toBeGreaterThanOrEqual(5);
    for (const file of files) {
      const text = (await readFile(file)).toString('latin1').toLowerCase();
      for (const secret of secrets) expect(text.includes(secret.toLowerCase()), file).toBe(false);
    }
  });
});

describe('a vote after the voting deadline, on a coordinator whose clock has passed it', () => {
  it('is refused with DEADLINE_PASSED before the Expire is recorded', async () => {
    const ceremony = makeCeremony({ ceremonyId: 'late-vote' });
    const folder = await tempFolder('late-vote');
    let nowMs = Date.now();
    const coordinator = await startCoordinator({ spec: ceremony.spec, dbPath: join(folder, 'c.sqlite'), host: '127.0.0.1', port: 0, coordinatorKey: ceremony.coordinator.secretKey, now: () => nowMs });
    try {
      await finalizeOverWebsockets(coordinator.wsUrl, ceremony);
      const run = new CeremonyRun(ceremony);
      for (const entry of coordinator.ceremony('late-vote').transcript(0)) await run.apply(entry);
      const gov = new GovernanceRun(ceremony, run);
      const alpha = gov.member('Alpha');
      const client = await connectMember(coordinator.wsUrl, 'late-vote', alpha.identity);
      const deadline = Math.floor(nowMs / 1000) + 3600;
      const payload = gov.proposePayload({ kind: 'setBridgeValidators', add: [], remove: [], requiredSignatures: 1 }, { votingDeadline: deadline });
      const proposed = await client.send(JSON.stringify({ type: 'submit', id: 1, kind: 'Propose', payload, signature: signMessage('Propose', payload, alpha.identity) }));
      expect(proposed).toMatchObject({ type: 'receipt' });
      const hash = (proposed.receipt as { entryHash: string }).entryHash;
      for (const entry of coordinator.ceremony('late-vote').transcript(run.state.seq)) await run.apply(entry);
      nowMs = deadline * 1000;
      const vote = gov.votePayload(hash, true);
      const reply = await client.send(JSON.stringify({ type: 'submit', id: 2, kind: 'Vote', payload: vote, signature: signMessage('Vote', vote, alpha.identity) }));
      expect(reply).toMatchObject({ type: 'error', code: 'DEADLINE_PASSED', path: 'message.payload.proposalHash' });
      expect(coordinator.ceremony('late-vote').status().seq).toBe(run.state.seq);
      client.close();
    } finally {
      await coordinator.close();
    }
  });
});
