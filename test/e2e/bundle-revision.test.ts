/**
 * Member bundles for a revision, end to end: a 3-member ceremony finalized by scripted members on the
 * real coordinator (express + ws + SQLite), then governance over the same websocket, as in
 * test/e2e/governance.test.ts: Acme's addAuthority passes (revision 1), later the removal of Acme's
 * first node (revision 2). Each member's folder holds its keystores as `join` and `propose` leave them;
 * the revision files are the ones the coordinator serves. `concord bundle --revision` runs as a real
 * child process and `concord verify <artifact> <revisions…> --bundle` checks what it wrote.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseToml } from 'smol-toml';
import { startCoordinator, type RunningCoordinator } from '../../server/coordinator.js';
import { formatEnode } from '../../shared/p2p/enode.js';
import type { Change } from '../../shared/governance/change.js';
import type { Hex32 } from '../../shared/hash/hex.js';
import { keyPaths } from '../../client/keys/ceremony-keys.js';
import { CeremonyRun, makeCeremony, type TestKey } from '../helpers/ceremony.js';
import { finalizeOverWebsockets } from '../helpers/scripted-members.js';
import { connectMember, type RawClient } from '../helpers/ws-client.js';
import { tempFolder } from '../helpers/temp.js';
import { concord } from '../helpers/cli-consortium.js';
import { writeMemberKeys, writeTestKeystore } from '../helpers/member-folder.js';
import { GovernanceRun, signMessage, type Signer } from '../unit/governance/fixture.js';

const ID = 'e2e-bundle-revision';
const LAYOUT = ['Acme', 'Bolt', 'Crane'].map((name) => ({ name, authorityNodes: 1, bridgeValidators: 1 }));

describe('concord bundle --revision over a real coordinator', () => {
  const ceremony = makeCeremony({ layout: LAYOUT, ceremonyId: ID, requiredSignatures: 2 });
  let folder: string;
  let coordinator: RunningCoordinator;
  let mirror: GovernanceRun;
  const clients = new Map<string, RawClient>();
  let requestId = 1;
  let added: { signer: TestKey; node: TestKey };
  const keysOf = (name: string): string => join(folder, 'members', name);
  const artifactPath = (): string => join(folder, 'artifact.json');
  const revisionPath = (n: number): string => join(folder, `revision-${n}.json`);
  const out = (name: string, n: number): string => join(folder, 'bundles', `${name}-${n}`);

  const submit = async (signer: Signer, kind: 'Propose' | 'Vote', payload: never): Promise<Record<string, unknown>> => {
    let client = clients.get(signer.identity.address);
    if (client === undefined) {
      client = await connectMember(coordinator.wsUrl, ID, signer.identity);
      clients.set(signer.identity.address, client);
    }
    const reply = await client.send(JSON.stringify({ type: 'submit', id: requestId++, kind, payload, signature: signMessage(kind, payload, signer.identity) }));
    for (const entry of coordinator.ceremony(ID).transcript(mirror.state.seq)) await mirror.apply(entry);
    return reply;
  };
  /** Proposes `change` and passes it with the first `threshold` members' votes, over the websocket; saves the revision as served. */
  const pass = async (proposer: string, change: Change): Promise<number> => {
    const reply = await submit(mirror.member(proposer), 'Propose', mirror.proposePayload(change) as never);
    expect(reply).toMatchObject({ type: 'receipt' });
    const hash = (reply.receipt as { entryHash: Hex32 }).entryHash;
    for (const member of mirror.current.members.slice(0, mirror.current.threshold)) {
      expect(await submit(mirror.signerOf(member.identity), 'Vote', mirror.votePayload(hash, true) as never)).toMatchObject({ type: 'receipt' });
    }
    const n = mirror.current.revision;
    const served = await fetch(`${coordinator.httpUrl}/api/ceremonies/${ID}/revisions/${n}`);
    expect(served.status).toBe(200);
    await writeFile(revisionPath(n), await served.text());
    return n;
  };

  beforeAll(async () => {
    folder = await tempFolder('bundle-revision');
    coordinator = await startCoordinator({ spec: ceremony.spec, dbPath: join(folder, 'coordinator.sqlite'), host: '127.0.0.1', port: 0, coordinatorKey: ceremony.coordinator.secretKey, log: () => undefined });
    await finalizeOverWebsockets(coordinator.wsUrl, ceremony);
    const run = new CeremonyRun(ceremony);
    for (const entry of coordinator.ceremony(ID).transcript(0)) await run.apply(entry);
    mirror = new GovernanceRun(ceremony, run);
    await writeFile(artifactPath(), await (await fetch(`${coordinator.httpUrl}/api/ceremonies/${ID}/revisions/0`)).text());
    // Each member's folder as join leaves it.
    for (const member of ceremony.members) await writeMemberKeys(keysOf(member.name), member);
    // Acme's new node: keys made at its next index in its folder (as `propose add-authority` makes them), then passed.
    const node = mirror.newNode(mirror.member('Acme'), '10.7.0.1:30303');
    added = { signer: node.signer, node: node.node };
    await writeTestKeystore(keyPaths(keysOf('Acme'), 'authority', 1).keystore, node.signer);
    await writeTestKeystore(keyPaths(keysOf('Acme'), 'node', 1).keystore, node.node);
    expect(await pass('Acme', node.change)).toBe(1);
  });
  afterAll(async () => {
    for (const client of clients.values()) client.close();
    await coordinator.close();
  });

  it('builds Acme\'s bundle for revision 1 with the added node\'s folder, and verify --bundle accepts it', async () => {
    const made = await concord(['bundle', '--artifact', artifactPath(), '--revision', revisionPath(1), '--keys', keysOf('Acme'), '--out', out('Acme', 1)]);
    expect(made.code, made.lines.join('\n')).toBe(0);
    expect(made.lines[0]).toBe('OK bundle for revision 1, from the artifact and 1 revision(s) verified as one chain');
    expect(made.lines.at(-1)).toBe(out('Acme', 1));
    expect((await readdir(out('Acme', 1))).filter((name) => name.startsWith('node-')).sort()).toEqual(['node-0', 'node-1']);
    const config = parseToml(await readFile(join(out('Acme', 1), 'node-1', 'config.toml'), 'utf8')) as { mining: { engine_signer: string } };
    expect(config.mining.engine_signer).toBe(added.signer.address);
    expect(await readFile(join(out('Acme', 1), 'revisions', 'revision-1.json'), 'utf8')).toBe(await readFile(revisionPath(1), 'utf8'));

    const checked = await concord(['verify', artifactPath(), revisionPath(1), '--bundle', out('Acme', 1)]);
    expect(checked.code, checked.lines.join('\n')).toBe(0);
    expect(checked.lines.join('\n')).toContain('public files as revision 1 lists, node folders as revision 1 runs them');
  });

  it('gives every other member the added node as a peer (--json), and verify fails it against genesis alone', async () => {
    const enode = formatEnode(added.node.publicKey, '10.7.0.1:30303');
    for (const name of ['Bolt', 'Crane']) {
      const made = await concord(['--json', 'bundle', '--artifact', artifactPath(), '--revision', revisionPath(1), '--keys', keysOf(name), '--out', out(name, 1)]);
      expect(made.code, made.lines.join('\n')).toBe(0);
      expect(JSON.parse(made.lines.join('\n'))).toEqual({ bundle: out(name, 1), revision: 1, retired: [], retiredPaths: [] });
      expect((await readFile(join(out(name, 1), 'node-0', 'reserved-peers'), 'utf8')).trimEnd().split('\n')).toContain(enode);
    }
    const againstGenesis = await concord(['verify', artifactPath(), '--bundle', out('Bolt', 1)]);
    expect(againstGenesis.code).toBe(1);
    expect(againstGenesis.lines.join('\n')).toContain('revision copy: at revisions/revision-1.json');
  });

  it('after Acme\'s first node is removed, tells Acme which keys and folders are retired, and the new bundle verifies', async () => {
    const signer = ceremony.members[0]?.authorities[0]?.signer.address as string;
    expect(await pass('Crane', { kind: 'removeAuthority', signer })).toBe(2);
    const made = await concord(['bundle', '--artifact', artifactPath(), '--revision', revisionPath(1), revisionPath(2), '--keys', keysOf('Acme'), '--out', out('Acme', 2)]);
    expect(made.code, made.lines.join('\n')).toBe(0);
    expect(made.lines.filter((line) => line.includes('retired'))).toEqual([
      `  retired key     keys/authority-0.json (${signer}): its node was removed in revision 2: stop node-0/ of earlier bundles`,
      `  retired key     keys/node-0.json (${ceremony.members[0]?.authorities[0]?.node.address}): its node was removed in revision 2: stop node-0/ of earlier bundles`,
      '  retired folder  node-0/ of bundles before revision 2: not in this bundle; stop what runs from it',
    ]);
    expect((await readdir(out('Acme', 2))).filter((name) => name.startsWith('node-'))).toEqual(['node-1']);
    expect(await readFile(join(out('Acme', 2), 'README.md'), 'utf8')).toContain('### Retired keys');

    const checked = await concord(['verify', artifactPath(), revisionPath(1), revisionPath(2), '--bundle', out('Acme', 2)]);
    expect(checked.code, checked.lines.join('\n')).toBe(0);
    const stale = await concord(['verify', artifactPath(), revisionPath(1), revisionPath(2), '--bundle', out('Acme', 1)]);
    expect(stale.code).toBe(1);
    expect(stale.lines.join('\n')).toContain('node files: at node-0/config.toml');
  });

  it('refuses a revision chain that does not verify, exiting 1 (verification failed) as verify does, and writes nothing', async () => {
    const made = await concord(['bundle', '--artifact', artifactPath(), '--revision', revisionPath(2), '--keys', keysOf('Acme'), '--out', out('Acme', 9)]);
    expect(made.code).toBe(1);
    expect(made.lines.join('\n')).toContain(`REVISION_INVALID at ${revisionPath(2)}`);
    expect(made.lines).toContain('next: do not use this revision: fetch it again (concord revision fetch) and verify the whole chain');
    expect(await readdir(join(folder, 'bundles'))).not.toContain('Acme-9');
  });

  it('exits 1 from bundle, revision fetch and verify alike when the revisions do not verify from the artifact given', async () => {
    const artifact = JSON.parse(await readFile(artifactPath(), 'utf8')) as { validators: string[] };
    artifact.validators[0] = '0x000000000000000000000000000000000000dEaD';
    const tampered = join(folder, 'artifact-tampered.json');
    await writeFile(tampered, JSON.stringify(artifact));
    const made = await concord(['bundle', '--artifact', tampered, '--revision', revisionPath(1), revisionPath(2), '--keys', keysOf('Acme'), '--out', out('Acme', 8)]);
    expect(made.code, made.lines.join('\n')).toBe(1);
    expect(made.lines.join('\n')).toContain(`ARTIFACT_INVALID at ${tampered}`);
    const fetched = await concord(['revision', 'fetch', '2', '--coordinator', coordinator.wsUrl, '--ceremony', ID, '--artifact', tampered, '--out', join(folder, 'never.json')]);
    expect(fetched.code, fetched.lines.join('\n')).toBe(1);
    expect(fetched.lines[0]).toMatch(/^FAILED revisions 1\.\.2 from .*: \d+ check\(s\) did not hold; nothing saved$/);
    const checked = await concord(['verify', tampered, revisionPath(1), revisionPath(2)]);
    expect(checked.code).toBe(1);
    expect(await readdir(folder)).not.toContain('never.json');
    expect(await readdir(join(folder, 'bundles'))).not.toContain('Acme-8');
  });
});
