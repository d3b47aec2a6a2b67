/**
 * Governance over the real coordinator (express + ws + a SQLite file): a 3-member ceremony is finalized
 * by scripted members over websockets, then every kind of change is proposed and voted on over the
 * same websocket `submit`, each passed proposal yields a signed revision artifact served over HTTP that
 * verifies offline as a chain from the genesis artifact; double votes, late votes, votes by outsiders,
 * by a removed member or for another revision, and votes on a stale proposal are refused with the
 * transcript unchanged; a restarted coordinator serves the same revisions and expires a proposal whose
 * deadline passed while it was down.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCoordinator, type RunningCoordinator } from '../../server/coordinator.js';
import { Store } from '../../server/store/sqlite.js';
import { recoverTypedSigner } from '../../shared/eip712/sign.js';
import { hashEntry, type EntryKind, type Payload } from '../../shared/transcript/entry.js';
import type { Change } from '../../shared/governance/change.js';
import { proposalViewSchema, type ProposalView } from '../../shared/governance/proposal-view.js';
import { verifyRevisionChain } from '../../shared/governance/verify-revisions.js';
import { validatorsOf } from '../../shared/governance/consortium.js';
import type { Hex32 } from '../../shared/hash/hex.js';
import { CeremonyRun, makeCeremony, makeKey, type TestKey } from '../helpers/ceremony.js';
import { finalizeOverWebsockets } from '../helpers/scripted-members.js';
import { connectMember, connectRaw, type RawClient } from '../helpers/ws-client.js';
import { tempFolder } from '../helpers/temp.js';
import { GovernanceRun, LATER, signMessage, type Signer } from '../unit/governance/fixture.js';

const ID = 'e2e-governance';
const LAYOUT = ['Acme', 'Bolt', 'Crane'].map((name) => ({ name, authorityNodes: 1, bridgeValidators: 1 }));

describe('governance over a real coordinator', () => {
  const ceremony = makeCeremony({ layout: LAYOUT, ceremonyId: ID, requiredSignatures: 2 });
  let folder: string;
  let coordinator: RunningCoordinator;
  /** The transcript as the reducer folds it here: payloads are made from it, and it checks the coordinator's. */
  let mirror: GovernanceRun;
  const clients = new Map<string, RawClient>();
  let requestId = 1;

  const start = async (): Promise<RunningCoordinator> =>
    startCoordinator({ spec: ceremony.spec, dbPath: join(folder, 'coordinator.sqlite'), host: '127.0.0.1', port: 0, coordinatorKey: ceremony.coordinator.secretKey });
  const host = () => coordinator.ceremony(ID);
  const head = (): string => host().status().head;

  /** The authenticated connection of a member (made on first use). */
  const client = async (signer: Signer): Promise<RawClient> => {
    let found = clients.get(signer.identity.address);
    if (found === undefined) {
      found = await connectMember(coordinator.wsUrl, ID, signer.identity);
      clients.set(signer.identity.address, found);
    }
    return found;
  };

  /** Submits a signed message; on a receipt, replays the new entries here too. */
  const submit = async <K extends EntryKind>(signer: Signer, kind: K, payload: Payload<K>, key: TestKey = signer.identity): Promise<Record<string, unknown>> => {
    const reply = await (await client(signer)).send(JSON.stringify({ type: 'submit', id: requestId++, kind, payload, signature: signMessage(kind, payload, key) }));
    await sync();
    return reply;
  };
  const sync = async (): Promise<void> => {
    for (const entry of host().transcript(mirror.state.seq)) await mirror.apply(entry);
  };
  const propose = async (signer: Signer, change: Change, votingDeadline = LATER): Promise<Hex32> => {
    const reply = await submit(signer, 'Propose', mirror.proposePayload(change, { votingDeadline }));
    expect(reply).toMatchObject({ type: 'receipt' });
    return (reply.receipt as { entryHash: Hex32 }).entryHash;
  };
  const vote = (signer: Signer, hash: Hex32, approve = true): Promise<Record<string, unknown>> => submit(signer, 'Vote', mirror.votePayload(hash, approve));
  /** Proposes and passes `change` with the first `threshold` members' votes; returns the revision it made. */
  const pass = async (signer: Signer, change: Change): Promise<number> => {
    const hash = await propose(signer, change);
    const voters = mirror.current.members.slice(0, mirror.current.threshold).map((member) => mirror.signerOf(member.identity));
    for (const voter of voters) expect(await vote(voter, hash)).toMatchObject({ type: 'receipt' });
    expect(mirror.proposal(hash).status).toBe('passed');
    return mirror.current.revision;
  };
  const http = async (path: string): Promise<{ status: number; json: unknown; text: string }> => {
    const response = await fetch(`${coordinator.httpUrl}/api/ceremonies/${ID}${path}`);
    const text = await response.text();
    return { status: response.status, json: JSON.parse(text) as unknown, text };
  };
  const proposals = async (): Promise<ProposalView[]> => ((await http('/proposals')).json as unknown[]).map((view) => proposalViewSchema.parse(view));
  const revisionsUpTo = async (n: number): Promise<unknown[]> => Promise.all(Array.from({ length: n }, async (_, i) => (await http(`/revisions/${i + 1}`)).json));

  beforeAll(async () => {
    folder = await tempFolder('e2e-governance');
    coordinator = await start();
    await finalizeOverWebsockets(coordinator.wsUrl, ceremony);
    expect(host().status().phase).toBe('FINALIZED');
    const run = new CeremonyRun(ceremony);
    for (const entry of host().transcript(0)) await run.apply(entry);
    mirror = new GovernanceRun(ceremony, run);
  });
  afterAll(async () => {
    for (const open of clients.values()) open.close();
    await coordinator.close();
  });

  describe('each kind of change, end to end', () => {
    // [kind, proposer, change]: keys are enrolled by the member they are for.
    const kinds: [string, string, () => Change][] = [
      ['addAuthority', 'Acme', () => mirror.newNode(mirror.member('Acme'), '10.7.0.1:30303').change],
      [
        'rotateAuthority',
        'Bolt',
        () => {
          const key = makeKey();
          const bolt = mirror.member('Bolt');
          return { kind: 'rotateAuthority', oldSigner: mirror.current.members[1]?.nodes[0]?.signer as string, newSigner: key.address, newSignerPop: mirror.pop(bolt.identity.address, 'authority', 1, key) };
        },
      ],
      [
        'setBridgeValidators',
        'Crane',
        () => {
          const key = makeKey();
          const crane = mirror.member('Crane');
          return { kind: 'setBridgeValidators', add: [{ member: crane.identity.address, address: key.address, pop: mirror.pop(crane.identity.address, 'bridge', 1, key) }], remove: [mirror.current.members[0]?.bridgeValidators[0] as string], requiredSignatures: 3 };
        },
      ],
      ['admitMember', 'Crane', () => mirror.admission('Dune', ['10.7.1.1:30303'], 1).change],
      ['removeAuthority', 'Crane', () => ({ kind: 'removeAuthority', signer: mirror.current.members[0]?.nodes[0]?.signer as string })],
      ['removeMember', 'Crane', () => ({ kind: 'removeMember', identity: mirror.member('Acme').identity.address })],
    ];
    for (const [i, [kind, proposer, change]] of kinds.entries()) {
      it(`passes ${kind} as revision ${i + 1}, served over HTTP, verifying as a chain from genesis`, async () => {
        const before = head();
        const n = await pass(mirror.member(proposer), change());
        expect(n).toBe(i + 1);
        expect(head()).not.toBe(before);
        // The coordinator's state is the reducer's fold of its transcript, exactly as replayed here.
        expect(host().governance()).toEqual(mirror.governance);
        const genesis = (await http('/revisions/0')).json;
        expect(genesis).toEqual((await http('/artifact')).json);
        const report = await verifyRevisionChain(genesis, await revisionsUpTo(n));
        expect(report.failures).toEqual([]);
        expect(report.consortium).toEqual(mirror.current);
        const revision = report.revisions.at(-1);
        expect(revision?.proposal.payload.change.kind).toBe(kind);
        expect(revision?.validators).toEqual(validatorsOf(mirror.current));
        const [view] = (await proposals()).filter((p) => p.madeRevision === n);
        expect(view).toMatchObject({ status: 'passed', tally: { yes: mirror.governance.revisions[n - 1]?.threshold } });
      });
    }

    it('lets the admitted member vote, and refuses a removed member\'s vote', async () => {
      const hash = await propose(mirror.member('Crane'), { kind: 'setBridgeValidators', add: [], remove: [], requiredSignatures: 2 });
      expect(await vote(mirror.signerOf(mirror.admitted[0]?.identity.address as string), hash)).toMatchObject({ type: 'receipt' });
      const before = head();
      expect(await vote(mirror.member('Acme'), hash)).toMatchObject({ type: 'error', code: 'NOT_A_MEMBER', path: 'message.member' });
      expect(head()).toBe(before);
    });

    it('puts the revision artifact in the same transaction as the vote that passed it', async () => {
      const store = await Store.open(join(folder, 'coordinator.sqlite'));
      const stored = await store.revisions(ID);
      const entries = await store.entries(ID);
      await store.close();
      expect(stored.map((row) => row.revision)).toEqual([1, 2, 3, 4, 5, 6]);
      for (const row of stored) {
        expect(entries[row.seq]?.kind).toBe('Vote');
        expect(row.artifactJson).toBe(host().revision(row.revision));
      }
    });
  });

  describe('refusals', () => {
    let open: Hex32;
    beforeAll(async () => {
      open = await propose(mirror.member('Bolt'), { kind: 'setBridgeValidators', add: [], remove: [], requiredSignatures: 1 });
    });

    it('answers a resent vote with its receipt and refuses a second vote by the same member', async () => {
      const bolt = mirror.member('Bolt');
      const payload = mirror.votePayload(open, false);
      const signature = signMessage('Vote', payload, bolt.identity);
      const frame = (id: number): string => JSON.stringify({ type: 'submit', id, kind: 'Vote', payload, signature });
      const first = await (await client(bolt)).send(frame(requestId++));
      const again = await (await client(bolt)).send(frame(requestId++));
      expect((again as { receipt: unknown }).receipt).toEqual((first as { receipt: unknown }).receipt);
      await sync();
      const before = head();
      expect(await vote(bolt, open, true)).toMatchObject({ type: 'error', code: 'DUPLICATE', path: 'message.kind' });
      expect(head()).toBe(before);
    });

    it('refuses a vote replayed for another revision', async () => {
      const before = head();
      const reply = await submit(mirror.member('Crane'), 'Vote', mirror.votePayload(open, true, mirror.current.revision - 1));
      expect(reply).toMatchObject({ type: 'error', code: 'REVISION_MISMATCH', path: 'message.payload.revision' });
      expect(head()).toBe(before);
    });

    it('refuses a member hello from an outsider, and a vote signed by an outsider', async () => {
      const raw = await connectRaw(coordinator.wsUrl);
      expect(await raw.send(JSON.stringify({ type: 'hello', ceremonyId: ID, role: 'member', member: makeKey().address }))).toMatchObject({ type: 'error', code: 'NOT_A_MEMBER', path: 'frame.member' });
      raw.close();
      const before = head();
      expect(await submit(mirror.member('Crane'), 'Vote', mirror.votePayload(open, true), makeKey())).toMatchObject({ type: 'error', code: 'SIGNATURE_INVALID', path: 'message.signature' });
      expect(head()).toBe(before);
    });

    it('refuses a proposal whose voting deadline has passed', async () => {
      const before = head();
      const reply = await submit(mirror.member('Crane'), 'Propose', mirror.proposePayload({ kind: 'setBridgeValidators', add: [], remove: [], requiredSignatures: 1 }, { votingDeadline: Math.floor(Date.now() / 1000) - 1 }));
      expect(reply).toMatchObject({ type: 'error', code: 'DEADLINE_PASSED', path: 'message.payload.votingDeadline' });
      expect(head()).toBe(before);
    });

    it('makes the second of two conflicting proposals stale when the first passes', async () => {
      const crane = mirror.member('Crane');
      const dune = mirror.signerOf(mirror.admitted[0]?.identity.address as string);
      const bolt = mirror.current.members.find((member) => member.name === 'Bolt');
      if (bolt === undefined) throw new Error('no Bolt');
      const doomed = bolt.nodes[0]?.signer as string;
      const key = makeKey();
      const first = await propose(crane, { kind: 'removeAuthority', signer: doomed });
      const second = await propose(mirror.member('Bolt'), { kind: 'rotateAuthority', oldSigner: doomed, newSigner: key.address, newSignerPop: mirror.pop(bolt.identity, 'authority', bolt.nextIndex.authority, key) });
      expect(await vote(crane, second)).toMatchObject({ type: 'receipt' });
      for (const voter of [crane, dune]) expect(await vote(voter, first)).toMatchObject({ type: 'receipt' });
      const views = await proposals();
      expect(views.find((p) => p.hash === first)?.status).toBe('passed');
      expect(views.find((p) => p.hash === second)?.status).toBe('stale');
      expect(views.find((p) => p.hash === open)?.status).toBe('stale');
      const before = head();
      expect(await vote(dune, second)).toMatchObject({ type: 'error', code: 'PROPOSAL_CLOSED', path: 'message.payload.proposalHash' });
      expect(head()).toBe(before);
    });
  });

  describe('deadlines and restarts', () => {
    it('records the coordinator\'s Expire at the voting deadline and refuses votes after it', async () => {
      // Seconds of margin: the Propose and the first look at it must come before the deadline on a loaded machine.
      const deadline = Math.floor(Date.now() / 1000) + 5;
      const hash = await propose(mirror.member('Crane'), { kind: 'setBridgeValidators', add: [], remove: [], requiredSignatures: 1 }, deadline);
      const view = (await proposals()).find((p) => p.hash === hash);
      expect(view).toMatchObject({ status: 'open', votingDeadline: deadline, tally: { yes: 0, no: 0 } });
      expect(view?.notVoted).toEqual(mirror.current.members.map((member) => member.identity));
      await waitFor(() => host().transcript(0).at(-1)?.kind === 'Expire');
      await sync();
      const expire = host().transcript(0).at(-1);
      expect(expire?.member).toBe(ceremony.coordinator.address);
      expect(mirror.proposal(hash).status).toBe('expired');
      const before = head();
      expect(await vote(mirror.member('Crane'), hash)).toMatchObject({ type: 'error', code: 'PROPOSAL_CLOSED' });
      expect(head()).toBe(before);
    });

    it('after a restart serves the same revisions, and expires a proposal whose deadline passed while it was down', async () => {
      const texts = Array.from({ length: mirror.current.revision + 1 }, (_, n) => host().revision(n));
      const deadline = Math.floor(Date.now() / 1000) + 5;
      const hash = await propose(mirror.member('Crane'), { kind: 'setBridgeValidators', add: [], remove: [], requiredSignatures: 1 }, deadline);
      expect(host().transcript(0).at(-1)?.kind).toBe('Propose');
      for (const open of clients.values()) open.close();
      clients.clear();
      await coordinator.close();
      await new Promise((resolve) => setTimeout(resolve, deadline * 1000 + 500 - Date.now()));
      coordinator = await start();
      expect(Array.from({ length: texts.length }, (_, n) => host().revision(n))).toEqual(texts);
      await waitFor(() => host().transcript(0).at(-1)?.kind === 'Expire');
      await sync();
      expect(mirror.proposal(hash).status).toBe('expired');
      expect(host().status().governance).toEqual({ revision: mirror.current.revision, open: [] });
    });

    it('signs every receipt and revision with the coordinator key', async () => {
      const report = await verifyRevisionChain((await http('/revisions/0')).json, await revisionsUpTo(mirror.current.revision));
      expect(report.ok).toBe(true);
      const last = host().transcript(0).at(-1);
      if (last === undefined) throw new Error('empty transcript');
      expect(recoverTypedSigner('Expire', last.payload as never, last.signature, 'signature')).toBe(ceremony.coordinator.address);
      expect(hashEntry(last)).toBe(head());
      expect((await http(`/revisions/${mirror.current.revision + 1}`)).status).toBe(404);
      expect((await http('/revisions/01')).status).toBe(400);
    });
  });
});

/** Polls `condition` every 50 ms, for at most 10 s. */
async function waitFor(condition: () => boolean): Promise<void> {
  for (let waited = 0; !condition(); waited += 50) {
    if (waited > 10_000) throw new Error('condition not met within 10 s');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
