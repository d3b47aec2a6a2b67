/**
 * The dashboard's view of a governed ceremony on a real coordinator (express, ws, SQLite): once a
 * member is admitted and an authority removed, the view names the admitted member as its admission
 * did, wherever it appears, and shows the consortium of the latest revision (members, validators,
 * bridge validators, and the revision they come from) beside the genesis assembly, which stays as the
 * artifact has it. HTTP serves the same view. An artifact altered in the database after it was signed
 * shows as not verified, with the checks that fail.
 */
import { join } from 'node:path';
import sqlite3 from 'sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCoordinator, type RunningCoordinator } from '../../../server/coordinator.js';
import { dashboardView } from '../../../server/http/dashboard-view.js';
import { hashEntry, type TranscriptEntry } from '../../../shared/transcript/entry.js';
import type { Hex32 } from '../../../shared/hash/hex.js';
import { connectMember, type RawClient } from '../../helpers/ws-client.js';
import { tempFolder } from '../../helpers/temp.js';
import { governed, type GovernanceRun, type Signer } from '../governance/fixture.js';
import { makePermissionedCeremony } from '../permissioning/fixture.js';
import { describePolicy } from '../../../shared/permissioning/describe.js';
import { finalizeOverWebsockets } from '../../helpers/scripted-members.js';

const ID = 'dashboard-view';

describe('the dashboard view after governance', () => {
  let gov: GovernanceRun;
  let dbPath: string;
  let coordinator: RunningCoordinator;
  let delta: Signer;
  let deltaKeys: { signer: string; bridge: string };
  const proposals: Hex32[] = [];
  const clients = new Map<string, RawClient>();

  const start = (): Promise<RunningCoordinator> =>
    startCoordinator({ spec: gov.ceremony.spec, dbPath, host: '127.0.0.1', port: 0, coordinatorKey: gov.ceremony.coordinator.secretKey });
  /** Submits an entry the mirror already holds, over its author's authenticated websocket. */
  const deliver = async (entry: TranscriptEntry): Promise<void> => {
    let client = clients.get(entry.member);
    if (client === undefined) {
      client = await connectMember(coordinator.wsUrl, ID, gov.signerOf(entry.member).identity);
      clients.set(entry.member, client);
    }
    const reply = await client.send(JSON.stringify({ type: 'submit', id: 1, kind: entry.kind, payload: entry.payload, signature: entry.signature }));
    expect(reply.type, JSON.stringify(reply)).toBe('receipt');
  };
  /** Proposes `change` as `author` and has `voters` approve it, on the coordinator and in the mirror. */
  const pass = async (author: Signer, change: Parameters<GovernanceRun['proposePayload']>[0], voters: Signer[]): Promise<void> => {
    const propose = gov.entry('Propose', author.identity, gov.proposePayload(change));
    await deliver(propose);
    await gov.apply(propose);
    proposals.push(hashEntry(propose));
    for (const voter of voters) {
      const vote = gov.entry('Vote', voter.identity, gov.votePayload(hashEntry(propose), true));
      await deliver(vote);
      await gov.apply(vote);
    }
  };
  const member = (index: number) => {
    const found = gov.ceremony.members[index];
    if (found === undefined) throw new Error(`no member ${index}`);
    return found;
  };

  beforeAll(async () => {
    gov = await governed({ ceremonyId: ID });
    dbPath = join(await tempFolder('dashboard-view'), 'c.sqlite');
    coordinator = await start();
    for (const entry of gov.run.entries) await deliver(entry);
    const alpha = gov.member('Alpha');
    const admission = gov.admission('Delta', ['10.9.0.1:30303'], 1);
    delta = admission.signer;
    deltaKeys = { signer: admission.nodes[0]?.signer.address as string, bridge: admission.bridge[0]?.address as string };
    await pass(alpha, admission.change, [alpha, gov.member('Beta')]);
    await pass(delta, { kind: 'removeAuthority', signer: member(0).authorities[1]?.signer.address as string }, [delta, alpha]);
    expect(gov.current.revision).toBe(2);
  });
  afterAll(async () => {
    for (const client of clients.values()) client.close();
    await coordinator?.close();
  });

  it('names the admitted member as its admission did, in the transcript and in the consortium', async () => {
    const view = await dashboardView(coordinator.ceremony(ID), Date.now());
    const address = delta.identity.address;
    expect(view.names[address]).toBe('Delta');
    expect(view.transcript.filter((row) => row.member === address).map((row) => [row.kind, row.memberName])).toEqual([
      ['Propose', 'Delta'],
      ['Vote', 'Delta'],
    ]);
    expect(view.transcript.filter((row) => row.memberName === row.member)).toEqual([]);
    expect(view.governance?.members).toEqual([
      ...gov.ceremony.members.map((m) => ({ identity: m.identity.address, name: m.name })),
      { identity: address, name: 'Delta' },
    ]);
  });

  it('shows the validators and bridge validators of the latest revision, and those of genesis as assembled', async () => {
    const view = await dashboardView(coordinator.ceremony(ID), Date.now());
    const [alpha, beta, gamma] = [member(0), member(1), member(2)];
    const signer = (m: typeof alpha, i: number): string => m.authorities[i]?.signer.address as string;
    const bridge = (m: typeof alpha): string => m.bridgeValidators[0]?.address as string;
    // Nodes and bridge validators interleave by index across members, in member order.
    expect(view.governance).toMatchObject({
      revision: 2,
      validators: [signer(alpha, 0), signer(beta, 0), signer(gamma, 0), deltaKeys.signer],
      bridgeValidators: [bridge(alpha), bridge(beta), deltaKeys.bridge],
      requiredSignatures: gov.ceremony.spec.bridge?.requiredSignatures,
    });
    expect(view.assembly?.validators).toEqual([signer(alpha, 0), signer(beta, 0), signer(gamma, 0), signer(alpha, 1)]);
    expect(view.assembly?.bridgeValidators).toEqual([bridge(alpha), bridge(beta)]);
    expect(view.governance?.proposals.map((p) => [p.hash, p.status, p.madeRevision])).toEqual([
      [proposals[0], 'passed', 1],
      [proposals[1], 'passed', 2],
    ]);
    expect(view.artifact).toEqual({ available: true, verified: true, failures: [] });
  });

  it('serves the same view over HTTP', async () => {
    const response = await fetch(`${coordinator.httpUrl}/api/ceremonies/${ID}/dashboard`);
    expect(response.status).toBe(200);
    const served = (await response.json()) as { nowMs: number };
    const view = await dashboardView(coordinator.ceremony(ID), served.nowMs);
    expect(served).toEqual(view);
  });

  it('shows an artifact altered in the database after signing as not verified, naming the failed checks', async () => {
    for (const client of clients.values()) client.close();
    clients.clear();
    await coordinator.close();
    const db = await new Promise<sqlite3.Database>((resolve, reject) => {
      const handle = new sqlite3.Database(dbPath, (error) => (error === null ? resolve(handle) : reject(error)));
    });
    const query = <T>(run: (done: (error: Error | null, value?: T) => void) => void): Promise<T | undefined> =>
      new Promise((resolve, reject) => run((error, value) => (error === null ? resolve(value) : reject(error))));
    const row = await query<{ artifact_json: string }>((done) => db.get('SELECT artifact_json FROM ceremonies WHERE ceremony_id = ?', [ID], done));
    const artifact = JSON.parse(row?.artifact_json ?? 'null') as { validators: string[] };
    artifact.validators.reverse();
    await query((done) => db.run('UPDATE ceremonies SET artifact_json = ? WHERE ceremony_id = ?', [JSON.stringify(artifact), ID], done));
    await query((done) => db.close(done));

    coordinator = await start();
    const view = await dashboardView(coordinator.ceremony(ID), Date.now());
    expect(view.artifact).toEqual({ available: true, verified: false, failures: ['assembly: artifact.validators', 'coordinator signature: artifact.coordinatorSignature'] });
    expect(view.governance?.revision).toBe(2);
  });
});

describe('the dashboard view of a permissioned ceremony', () => {
  it('shows the policy in the words concord verify prints, before any reveal and with the bridge validators once assembled', async () => {
    const { ceremony, outsiders } = await makePermissionedCeremony();
    const folder = await tempFolder('dashboard-policy');
    const coordinator = await startCoordinator({ spec: ceremony.spec, dbPath: join(folder, 'c.sqlite'), host: '127.0.0.1', port: 0, coordinatorKey: ceremony.coordinator.secretKey });
    try {
      const id = ceremony.spec.ceremonyId;
      const before = await dashboardView(coordinator.ceremony(id), Date.now());
      expect(before.policy).toEqual(describePolicy(ceremony.spec, []));
      expect(before.policy[0]).toMatch(/^Permissions: enforced on chain from block 1 /);
      expect(before.policy.join('\n')).toContain(`${outsiders.deployer.address} (deploys the token bridge)`);
      await finalizeOverWebsockets(coordinator.wsUrl, ceremony);
      const after = await dashboardView(coordinator.ceremony(id), Date.now());
      const bridgeValidators = after.assembly?.bridgeValidators ?? [];
      expect(bridgeValidators.length).toBeGreaterThan(0);
      expect(after.policy).toEqual(describePolicy(ceremony.spec, bridgeValidators));
      expect(after.policy).not.toEqual(before.policy);
    } finally {
      await coordinator.close();
    }
  });
});
