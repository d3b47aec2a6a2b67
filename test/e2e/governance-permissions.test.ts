/**
 * Changing what the permission contract stores, over the real coordinator (express + ws + a SQLite
 * file) of a permissioned 3-member ceremony (the consortium and an outside caller may call, an outside
 * deployer may create, everyone else basic) finalized by scripted members: a setPermissions proposal
 * and an admitMember pass by yes-votes that carry the voters' signatures under the contract's own
 * EIP-712 domain; a yes-vote without them is refused over the websocket with the transcript unchanged;
 * each revision, served over HTTP, verifies offline as a chain and lists the transactions anyone may
 * submit. Executed in order by the real contract bytecode in @ethereumjs/evm, loaded from the genesis
 * accounts of the chain spec of the artifact the coordinator serves, they take effect (allowedTxTypes
 * gives the new masks, members() the new members), and the same calldata sent again reverts (StaleNonce).
 * Then the same through the `concord` CLI as real processes: `propose set-permissions --policy` and
 * `vote --yes`, which signs the contract change itself, and `revision fetch`.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCoordinator, type RunningCoordinator } from '../../server/coordinator.js';
import { encryptKeystore } from '../../shared/keys/keystore.js';
import { LIGHT_SCRYPT } from '../../client/keys/kdf.js';
import type { EntryKind, Payload } from '../../shared/transcript/entry.js';
import type { Change } from '../../shared/governance/change.js';
import { contractStateOf } from '../../shared/governance/contract-changes.js';
import { revisionArtifactSchema, type RevisionArtifact } from '../../shared/governance/revision.js';
import { verifyRevisionChain } from '../../shared/governance/verify-revisions.js';
import { PERMISSION_CONTRACT_ADDRESS } from '../../shared/permissioning/account.js';
import { compareAddresses, RIGHTS_MASK } from '../../shared/permissioning/policy.js';
import type { Permissions } from '../../shared/permissioning/schema.js';
import type { Hex32 } from '../../shared/hash/hex.js';
import { CeremonyRun, makeKey, type TestKey } from '../helpers/ceremony.js';
import { finalizeOverWebsockets } from '../helpers/scripted-members.js';
import { connectMember, type RawClient } from '../helpers/ws-client.js';
import { tempFolder } from '../helpers/temp.js';
import { concord } from '../helpers/cli-consortium.js';
import { GovernanceRun, LATER, signMessage, type Signer } from '../unit/governance/fixture.js';
import { defaultPolicy, makePermissionedCeremony, type PermissionedCeremony } from '../unit/permissioning/fixture.js';
import { genesisEvm, type GenesisEvm } from '../unit/permissioning/genesis-evm.js';

const LAYOUT = ['Acme', 'Bolt', 'Crane'].map((name) => ({ name, authorityNodes: 1, bridgeValidators: 1 }));

describe('permission contract changes over a real coordinator', () => {
  let setup: PermissionedCeremony;
  let id: string;
  let folder: string;
  let coordinator: RunningCoordinator;
  let mirror: GovernanceRun;
  /** The contract at genesis, then after every call the tests send. */
  let chain: GenesisEvm;
  const submitter = makeKey().address;
  const clients = new Map<string, RawClient>();
  let requestId = 1;

  const host = () => coordinator.ceremony(id);
  const client = async (signer: Signer): Promise<RawClient> => {
    let found = clients.get(signer.identity.address);
    if (found === undefined) {
      found = await connectMember(coordinator.wsUrl, id, signer.identity);
      clients.set(signer.identity.address, found);
    }
    return found;
  };
  const sync = async (): Promise<void> => {
    for (const entry of host().transcript(mirror.state.seq)) await mirror.apply(entry);
  };
  const submit = async <K extends EntryKind>(signer: Signer, kind: K, payload: Payload<K>): Promise<Record<string, unknown>> => {
    const reply = await (await client(signer)).send(JSON.stringify({ type: 'submit', id: requestId++, kind, payload, signature: signMessage(kind, payload, signer.identity) }));
    await sync();
    return reply;
  };
  const propose = async (signer: Signer, change: Change): Promise<Hex32> => {
    const reply = await submit(signer, 'Propose', mirror.proposePayload(change, { votingDeadline: LATER }));
    expect(reply).toMatchObject({ type: 'receipt' });
    return (reply.receipt as { entryHash: Hex32 }).entryHash;
  };
  /** A yes-vote with the voter's signatures over the proposal's contract changes, as `concord vote --yes` makes it. */
  const voteYes = (signer: Signer, hash: Hex32): Promise<Record<string, unknown>> => submit(signer, 'Vote', mirror.votePayload(hash, true, undefined, mirror.contractSignatures(signer, hash)));
  const http = async (path: string): Promise<unknown> => (await fetch(`${coordinator.httpUrl}/api/ceremonies/${id}${path}`)).json();
  const revisionsUpTo = async (n: number): Promise<unknown[]> => Promise.all(Array.from({ length: n }, (_, i) => http(`/revisions/${i + 1}`)));
  const policyInForce = (): Permissions => structuredClone(mirror.current.permissions?.policy as Permissions);

  /** Fetches revisions 1..n, verifies them as a chain, and returns revision n. */
  const verifiedRevision = async (n: number): Promise<RevisionArtifact> => {
    const report = await verifyRevisionChain(await http('/artifact'), await revisionsUpTo(n));
    expect(report.failures).toEqual([]);
    expect(report.consortium).toEqual(mirror.current);
    return revisionArtifactSchema.parse((await revisionsUpTo(n))[n - 1]);
  };

  /** Sends the revision's transactions in order, then each again: the first take effect, the second revert. */
  const execute = async (revision: RevisionArtifact): Promise<void> => {
    for (const call of revision.contractCalls) expect(await chain.call(submitter, call.target, call.calldata), call.function).toMatchObject({ ok: true });
    const nonce = await chain.view('nonce');
    for (const call of revision.contractCalls) expect(await chain.call(submitter, call.target, call.calldata)).toMatchObject({ ok: false, error: 'StaleNonce' });
    expect(await chain.view('nonce')).toEqual(nonce);
    expect(nonce).toEqual([BigInt(revision.consortium.permissions?.contractNonce ?? -1)]);
  };

  beforeAll(async () => {
    setup = await makePermissionedCeremony({ layout: LAYOUT, permissions: (outsiders) => ({ ...defaultPolicy(outsiders), read: { readers: [{ name: 'Audit Partners', servedBy: 'Bolt' }] } }) });
    const ceremony = setup.ceremony;
    id = ceremony.spec.ceremonyId;
    folder = await tempFolder('e2e-governance-permissions');
    coordinator = await startCoordinator({ spec: ceremony.spec, dbPath: join(folder, 'coordinator.sqlite'), host: '127.0.0.1', port: 0, coordinatorKey: ceremony.coordinator.secretKey });
    await finalizeOverWebsockets(coordinator.wsUrl, ceremony);
    expect(host().status().phase).toBe('FINALIZED');
    const run = new CeremonyRun(ceremony);
    for (const entry of host().transcript(0)) await run.apply(entry);
    mirror = new GovernanceRun(ceremony, run);
    const artifact = (await http('/artifact')) as { chainSpec: unknown };
    chain = await genesisEvm(artifact.chainSpec, BigInt(ceremony.spec.chain.chainId), ceremony.spec.chain.evm);
  });
  afterAll(async () => {
    for (const open of clients.values()) open.close();
    await coordinator.close();
  });

  it('refuses a yes-vote on a setPermissions without the voter\'s contract signature, the transcript unchanged', async () => {
    const closed: Permissions = { ...policyInForce(), transact: ['consortium'], unlisted: 'none' };
    const hash = await propose(mirror.member('Acme'), { kind: 'setPermissions', permissions: closed });
    const seq = host().status().seq;
    const reply = await submit(mirror.member('Bolt'), 'Vote', mirror.votePayload(hash, true));
    expect(reply).toMatchObject({ type: 'error', code: 'MESSAGE_INVALID', path: 'message.payload.contractSignatures' });
    expect(host().status().seq).toBe(seq);
  });

  it('passes setPermissions; its transaction takes effect on the genesis contract, and reverts when sent again', async () => {
    const [proposal] = mirror.governance.proposals;
    const hash = proposal?.hash as Hex32;
    for (const name of ['Acme', 'Bolt']) expect(await voteYes(mirror.member(name), hash)).toMatchObject({ type: 'receipt' });
    expect(mirror.proposal(hash).status).toBe('passed');
    expect(host().governance()).toEqual(mirror.governance);
    const revision = await verifiedRevision(1);
    expect(revision.contractCalls).toHaveLength(1);
    expect(revision.contractCalls[0]).toMatchObject({
      target: PERMISSION_CONTRACT_ADDRESS,
      function: 'setPermissions((address,uint32,bool)[],uint32,uint256,bytes[])',
      nonce: 0,
      signers: [mirror.member('Acme').identity.address, mirror.member('Bolt').identity.address].sort(compareAddresses),
    });
    const { caller, deployer, stranger } = setup.outsiders;
    const before = await chain.verdict(caller.address, stranger.address);
    expect(before).toMatchObject({ mask: RIGHTS_MASK.call, allowed: true });
    await execute(revision);
    expect(await chain.view('allowedTxTypes', [caller.address, stranger.address, 0n])).toEqual([0n, false]);
    expect(await chain.view('allowedTxTypes', [stranger.address, stranger.address, 0n])).toEqual([0n, false]);
    expect(await chain.view('allowedTxTypes', [deployer.address, stranger.address, 0n])).toEqual([BigInt(RIGHTS_MASK.create), false]);
    expect(await chain.view('allowedTxTypes', [mirror.member('Crane').identity.address, stranger.address, 0n])).toEqual([BigInt(RIGHTS_MASK.call), false]);
  });

  it('passes admitMember: SetPermissions for the newcomer\'s keys, then SetMembers, both taking effect in order', async () => {
    const admission = mirror.admission('Dune', ['10.7.1.1:30303'], 1);
    const hash = await propose(mirror.member('Crane'), admission.change);
    for (const name of ['Acme', 'Bolt']) expect(await voteYes(mirror.member(name), hash)).toMatchObject({ type: 'receipt' });
    const revision = await verifiedRevision(2);
    expect(revision.contractCalls.map((call) => [call.function.slice(0, call.function.indexOf('(')), call.nonce])).toEqual([
      ['setPermissions', 1],
      ['setMembers', 2],
    ]);
    await execute(revision);
    const expected = contractStateOf(mirror.current);
    expect([...((await chain.view('members'))[0] as string[])]).toEqual(expected?.members);
    expect(expected?.members).toContain(admission.signer.identity.address);
    expect(await chain.view('isMember', [admission.signer.identity.address])).toEqual([true]);
    for (const key of [admission.signer.identity, admission.bridge[0] as TestKey]) {
      expect(await chain.view('allowedTxTypes', [key.address, setup.outsiders.stranger.address, 0n])).toEqual([BigInt(RIGHTS_MASK.call), false]);
    }
  });

  describe('with the concord CLI', () => {
    const folderOf = (name: string): string => join(folder, name);
    const as = (name: string): string[] => ['--coordinator', coordinator.wsUrl, '--ceremony', id, '--identity', join(folderOf(name), 'identity.json'), '--password-file', join(folderOf(name), 'identity.password')];

    beforeAll(async () => {
      for (const member of setup.ceremony.members) {
        await mkdir(folderOf(member.name), { recursive: true, mode: 0o700 });
        const password = randomBytes(18).toString('base64');
        await writeFile(join(folderOf(member.name), 'identity.password'), password, { mode: 0o600 });
        await writeFile(join(folderOf(member.name), 'identity.json'), await encryptKeystore(member.identity.secretKey, password, { salt: randomBytes(32), iv: randomBytes(16), uuid: randomBytes(16) }, LIGHT_SCRYPT), { mode: 0o600 });
      }
    });

    it('proposes set-permissions from a policy file, votes yes signing the contract change, and the fetched revision\'s transaction takes effect', async () => {
      const newcomer = makeKey().address;
      const policy = policyInForce();
      const file = join(folder, 'policy.json');
      await writeFile(file, JSON.stringify({ ...policy, create: [...policy.create, newcomer] }, null, 2));
      const proposed = await concord(['propose', 'set-permissions', ...as('Bolt'), '--policy', file]);
      expect(proposed.code, proposed.lines.join('\n')).toBe(0);
      const hash = proposed.lines.at(-1) as string;
      for (const name of ['Crane', 'Acme']) {
        const voted = await concord(['vote', hash, '--yes', ...as(name)]);
        expect(voted.code, voted.lines.join('\n')).toBe(0);
        expect(voted.lines.join('\n')).toContain(`signing for the permission contract: SetPermissions at contract nonce 3: 1 sender entry (${newcomer} mask 0x7), default mask 0x0`);
      }
      const fetched = await concord(['revision', 'fetch', '3', '--out', join(folder, 'revision-3.json'), '--coordinator', coordinator.wsUrl, '--ceremony', id]);
      expect(fetched.code, fetched.lines.join('\n')).toBe(0);
      expect(fetched.lines.join('\n')).toContain(`contract calls  1, for anyone to send in this order to the permission contract ${PERMISSION_CONTRACT_ADDRESS}`);
      await sync();
      const revision = await verifiedRevision(3);
      expect(revision.contractCalls[0]?.change).toEqual({ kind: 'SetPermissions', entries: [{ account: newcomer, mask: RIGHTS_MASK.create, listed: true }], defaultMask: 0 });
      await execute(revision);
      expect(await chain.view('allowedTxTypes', [newcomer, PERMISSION_CONTRACT_ADDRESS, 0n])).toEqual([BigInt(RIGHTS_MASK.create), false]);
    });
  });
});
