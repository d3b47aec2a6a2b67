/**
 * Governance through the real reducer (shared/ceremony/reducer.ts → shared/governance/reducer.ts):
 * revision 0 from the genesis reveals, each kind of change, tallies (pass, fail, expire, stale), and
 * every refusal with its code and path, the state unchanged (DESIGN.md §1 invariant 6).
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { replay } from '../../../shared/ceremony/reducer.js';
import { addressOfPublicKey } from '../../../shared/crypto/secp256k1.js';
import { fromHex } from '../../../shared/hash/hex.js';
import { hashCanonical } from '../../../shared/hash/keccak.js';
import { bridgeOf, enodesOf, validatorsOf } from '../../../shared/governance/consortium.js';
import { proposalViews } from '../../../shared/governance/proposal-view.js';
import type { Change } from '../../../shared/governance/change.js';
import { CeremonyRun, makeKey } from '../../helpers/ceremony.js';
import { expectRejects } from '../../helpers/errors.js';
import { GovernanceRun, governed, signMessage, type Signer } from './fixture.js';
import type { TranscriptEntry } from '../../../shared/transcript/entry.js';
import { ConcordError, type ErrorCode } from '../../../shared/errors.js';

/** Asserts the reducer refuses `entry` with `code` at `path`, changing nothing; returns the error. */
async function refused(gov: GovernanceRun, entry: TranscriptEntry, code: ErrorCode, path: string) {
  const before = structuredClone(gov.state);
  const length = gov.run.entries.length;
  const error = await expectRejects(gov.apply(entry), code, path);
  expect(gov.state).toEqual(before);
  expect(gov.run.entries).toHaveLength(length);
  return error;
}

let base: GovernanceRun;
beforeAll(async () => {
  base = await governed();
});

/** An independent copy of the finalized run. */
function fresh(): GovernanceRun {
  return new GovernanceRun(base.ceremony, base.run.fork());
}

describe('revision 0', () => {
  it('is the consortium the ceremony finalized: members, nodes, bridge validators, threshold, in assembly order', () => {
    const gov = fresh();
    const assembly = gov.state.assembly;
    const genesis = gov.current;
    expect(genesis.revision).toBe(0);
    expect(genesis.members.map((m) => [m.name, m.nodes.length, m.bridgeValidators.length, m.nextIndex])).toEqual([
      ['Alpha', 2, 1, { authority: 2, bridge: 1 }],
      ['Beta', 1, 1, { authority: 1, bridge: 1 }],
      ['Gamma', 1, 0, { authority: 1, bridge: 0 }],
    ]);
    expect(validatorsOf(genesis)).toEqual(assembly?.validators);
    expect(enodesOf(genesis)).toEqual(assembly?.enodes);
    expect(bridgeOf(genesis)).toEqual(assembly?.bridge);
    expect(genesis.threshold).toBe(2);
    expect(genesis.schedule).toEqual({ genesis: assembly?.validators, contracts: [], lists: [] });
    expect(gov.genesisHash).toBe(assembly?.hashes.genesisHash);
  });

  it('records every address used: the coordinator, identities, signers, node keys and bridge validators', () => {
    const gov = fresh();
    const used = new Set(gov.current.usedAddresses);
    expect(used.size).toBe(gov.current.usedAddresses.length);
    expect(used.has(gov.ceremony.coordinator.address)).toBe(true);
    for (const member of gov.ceremony.members) {
      expect(used.has(member.identity.address)).toBe(true);
      for (const node of member.authorities) {
        expect(used.has(node.signer.address)).toBe(true);
        expect(used.has(addressOfPublicKey(fromHex(node.node.publicKey)))).toBe(true);
      }
      for (const key of member.bridgeValidators) expect(used.has(key.address)).toBe(true);
    }
  });
});

describe('proposals and votes', () => {
  it('passes an addAuthority at the threshold and makes revision 1 with the node and a list transition at the activation block', async () => {
    const gov = fresh();
    const alpha = gov.member('Alpha');
    const node = gov.newNode(alpha, '10.9.0.1:30303');
    const hash = await gov.propose(alpha, node.change, { activationBlock: 5000 });
    expect(gov.proposal(hash).status).toBe('open');
    await gov.vote(alpha, hash, true);
    expect(gov.proposal(hash).status).toBe('open');
    await gov.vote(gov.member('Gamma'), hash, true);
    expect(gov.proposal(hash).status).toBe('passed');
    const revision = gov.current;
    expect(revision.revision).toBe(1);
    expect(revision.members[0]?.nodes.at(-1)).toEqual({ signer: node.signer.address, nodePublicKey: node.node.publicKey, endpoint: '10.9.0.1:30303' });
    expect(revision.members[0]?.nextIndex.authority).toBe(3);
    expect(revision.schedule.lists).toEqual([{ fromBlock: 5000, validators: validatorsOf(revision) }]);
    // Interleaved: Alpha's third node comes after every member's first two slots.
    expect(validatorsOf(revision).at(-1)).toBe(node.signer.address);
    expect(revision.usedAddresses).toContain(node.signer.address);
    expect(gov.governance.revisions[0]?.revision).toBe(0);
  });

  it('fails a proposal once it can no longer pass', async () => {
    const gov = fresh();
    const hash = await gov.propose(gov.member('Beta'), { kind: 'removeAuthority', signer: gov.current.members[2]?.nodes[0]?.signer as string });
    await gov.vote(gov.member('Alpha'), hash, false);
    expect(gov.proposal(hash).status).toBe('open');
    await gov.vote(gov.member('Gamma'), hash, false);
    expect(gov.proposal(hash).status).toBe('failed');
    expect(gov.current.revision).toBe(0);
    await refused(gov, gov.entry('Vote', gov.member('Beta').identity, gov.votePayload(hash, true)), 'PROPOSAL_CLOSED', 'entry.payload.proposalHash');
  });

  it('expires a proposal on the coordinator\'s Expire and refuses votes after it; only the coordinator may expire', async () => {
    const gov = fresh();
    const hash = await gov.propose(gov.member('Beta'), { kind: 'setBridgeValidators', add: [], remove: [], requiredSignatures: 1 });
    await refused(gov, gov.expireEntry(hash, gov.member('Alpha').identity), 'FORBIDDEN', 'entry.member');
    await gov.apply(gov.expireEntry(hash));
    expect(gov.proposal(hash).status).toBe('expired');
    const error = await refused(gov, gov.entry('Vote', gov.member('Alpha').identity, gov.votePayload(hash, true)), 'PROPOSAL_CLOSED', 'entry.payload.proposalHash');
    expect(error.expected).toContain('its voting deadline passed');
    await refused(gov, gov.expireEntry(hash), 'PROPOSAL_CLOSED', 'entry.payload.proposalHash');
  });

  it('refuses a second vote by the same member, even with the other answer', async () => {
    const gov = fresh();
    const hash = await gov.propose(gov.member('Beta'), { kind: 'setBridgeValidators', add: [], remove: [], requiredSignatures: 1 });
    await gov.vote(gov.member('Alpha'), hash, false);
    await refused(gov, gov.entry('Vote', gov.member('Alpha').identity, gov.votePayload(hash, true)), 'DUPLICATE', 'entry.kind');
  });

  it('refuses a vote by a non-member and one signed by another key', async () => {
    const gov = fresh();
    const hash = await gov.propose(gov.member('Beta'), { kind: 'setBridgeValidators', add: [], remove: [], requiredSignatures: 1 });
    const outsider: Signer = { name: 'Mallory', identity: makeKey() };
    await refused(gov, gov.entry('Vote', outsider.identity, gov.votePayload(hash, true)), 'NOT_A_MEMBER', 'entry.member');
    await refused(gov, gov.entry('Vote', gov.member('Alpha').identity, gov.votePayload(hash, true), outsider.identity), 'SIGNATURE_INVALID', 'entry.signature');
    await refused(gov, gov.entry('Propose', outsider.identity, gov.proposePayload({ kind: 'removeMember', identity: gov.member('Gamma').identity.address })), 'NOT_A_MEMBER', 'entry.member');
  });

  it('refuses a vote whose revision is not the proposal\'s, and a vote for an unknown proposal', async () => {
    const gov = fresh();
    const hash = await gov.propose(gov.member('Beta'), { kind: 'setBridgeValidators', add: [], remove: [], requiredSignatures: 1 });
    const error = await refused(gov, gov.entry('Vote', gov.member('Alpha').identity, gov.votePayload(hash, true, 1)), 'REVISION_MISMATCH', 'entry.payload.revision');
    expect(error.expected).toBe('revision 0, the one the proposal was made against');
    await refused(gov, gov.entry('Vote', gov.member('Alpha').identity, gov.votePayload(hashCanonical('nothing'), true)), 'NOT_FOUND', 'entry.payload.proposalHash');
  });

  it('makes a conflicting proposal made against the same revision stale when another passes, and refuses proposals against an old revision', async () => {
    const gov = fresh();
    const gammaSigner = gov.current.members[2]?.nodes[0]?.signer as string;
    const first = await gov.propose(gov.member('Alpha'), { kind: 'removeMember', identity: gov.member('Gamma').identity.address });
    const second = await gov.propose(gov.member('Beta'), { kind: 'removeAuthority', signer: gammaSigner });
    await gov.vote(gov.member('Beta'), second, true);
    await gov.vote(gov.member('Alpha'), first, true);
    await gov.vote(gov.member('Beta'), first, true);
    expect(gov.proposal(first).status).toBe('passed');
    expect(gov.proposal(second).status).toBe('stale');
    const error = await refused(gov, gov.entry('Vote', gov.member('Alpha').identity, gov.votePayload(second, true)), 'PROPOSAL_CLOSED', 'entry.payload.proposalHash');
    expect(error.expected).toContain('stale');
    await refused(gov, gov.entry('Propose', gov.member('Alpha').identity, gov.proposePayload({ kind: 'removeAuthority', signer: gammaSigner }, { revision: 0 })), 'REVISION_MISMATCH', 'entry.payload.revision');
    // Made against revision 1, the same change is judged there: Gamma's node is gone with Gamma.
    await refused(gov, gov.entry('Propose', gov.member('Alpha').identity, gov.proposePayload({ kind: 'removeAuthority', signer: gammaSigner })), 'NOT_FOUND', 'entry.payload.change.signer');
  });

  it('refuses a vote by a removed member, on a proposal made after its removal', async () => {
    const gov = fresh();
    await gov.pass(gov.member('Alpha'), { kind: 'removeMember', identity: gov.member('Gamma').identity.address });
    const hash = await gov.propose(gov.member('Alpha'), { kind: 'setBridgeValidators', add: [], remove: [], requiredSignatures: 1 });
    await refused(gov, gov.entry('Vote', gov.member('Gamma').identity, gov.votePayload(hash, true)), 'NOT_A_MEMBER', 'entry.member');
    expect(gov.current.members.map((m) => m.name)).toEqual(['Alpha', 'Beta']);
  });

  it('shows each proposal with its tally and who has not voted', async () => {
    const gov = fresh();
    const hash = await gov.propose(gov.member('Beta'), { kind: 'setBridgeValidators', add: [], remove: [], requiredSignatures: 1 });
    await gov.vote(gov.member('Gamma'), hash, false);
    const [view] = proposalViews(gov.governance);
    expect(view).toMatchObject({ hash, proposer: gov.member('Beta').identity.address, revision: 0, status: 'open', tally: { yes: 0, no: 1, threshold: 2, voters: 3 }, madeRevision: null });
    expect(view?.notVoted).toEqual([gov.member('Alpha').identity.address, gov.member('Beta').identity.address]);
  });

  it('replays to the live state whatever governance entries are tried, and a refused entry changes nothing', async () => {
    type Action = { kind: 'propose' | 'vote' | 'expire'; who: number; target: number; approve: boolean; fault: 'none' | 'revision' | 'signer' };
    const action: fc.Arbitrary<Action> = fc.record({
      kind: fc.constantFrom('propose' as const, 'vote' as const, 'vote' as const, 'expire' as const),
      who: fc.nat(3), // 3: the coordinator
      target: fc.nat(7),
      approve: fc.boolean(),
      fault: fc.oneof({ weight: 6, arbitrary: fc.constant('none' as const) }, { weight: 1, arbitrary: fc.constantFrom('revision' as const, 'signer' as const) }),
    });
    let endpoint = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 1, maxLength: 25 }), async (actions) => {
        const gov = fresh();
        for (const a of actions) {
          const author = a.who === 3 ? { name: 'coordinator', identity: gov.ceremony.coordinator } : gov.member(['Alpha', 'Beta', 'Gamma'][a.who] as string);
          const proposals = gov.governance.proposals;
          const target = proposals[a.target % Math.max(1, proposals.length)]?.hash ?? hashCanonical('none');
          const signer = a.fault === 'signer' ? makeKey() : author.identity;
          let entry: TranscriptEntry;
          if (a.kind === 'propose') {
            const signers = validatorsOf(gov.current);
            const changes: Change[] = [
              { kind: 'setBridgeValidators', add: [], remove: [], requiredSignatures: 1 + (a.target % 2) },
              { kind: 'removeAuthority', signer: signers[a.target % signers.length] as string },
              gov.newNode(author, `10.8.${endpoint >> 8}.${(endpoint++ % 250) + 1}:30303`).change,
            ];
            const revision = a.fault === 'revision' ? gov.current.revision + 1 : undefined;
            entry = gov.entry('Propose', author.identity, gov.proposePayload(changes[a.target % 3] as Change, { revision }), signer);
          } else if (a.kind === 'vote') {
            entry = gov.entry('Vote', author.identity, gov.votePayload(target, a.approve, a.fault === 'revision' ? 7 : undefined), signer);
          } else {
            entry = gov.entry('Expire', author.identity, { ceremonyId: gov.ceremony.spec.ceremonyId, specHash: gov.ceremony.specHash, proposalHash: target }, signer);
          }
          const previous = gov.state;
          const snapshot = structuredClone(previous);
          await gov.apply(entry).catch((error: unknown) => expect(error).toBeInstanceOf(ConcordError));
          expect(previous).toEqual(snapshot);
        }
        expect(await replay(gov.ceremony.context, gov.run.entries)).toEqual(gov.state);
        // At most one open proposal per revision can have passed: revisions are a chain.
        expect(gov.governance.proposals.filter((p) => p.status === 'passed').map((p) => p.entry.payload.revision)).toEqual(gov.governance.revisions.slice(0, -1).map((r) => r.revision));
      }),
      { numRuns: 15 },
    );
  });

  it('replays the transcript to the live state', async () => {
    const gov = fresh();
    await gov.pass(gov.member('Alpha'), gov.newNode(gov.member('Alpha'), '10.9.0.2:30303').change);
    const stale = await gov.propose(gov.member('Beta'), { kind: 'setBridgeValidators', add: [], remove: [], requiredSignatures: 1 });
    await gov.apply(gov.expireEntry(stale));
    expect(await replay(gov.ceremony.context, gov.run.entries)).toEqual(gov.state);
  });
});

describe('each kind of change', () => {
  it('rotates a signer in place, with a PoP at the member\'s next index', async () => {
    const gov = fresh();
    const alpha = gov.member('Alpha');
    const old = gov.current.members[0]?.nodes[1];
    const key = makeKey();
    await gov.pass(alpha, { kind: 'rotateAuthority', oldSigner: old?.signer as string, newSigner: key.address, newSignerPop: gov.pop(alpha.identity.address, 'authority', 2, key) });
    expect(gov.current.members[0]?.nodes[1]).toEqual({ ...old, signer: key.address });
    expect(gov.current.members[0]?.nextIndex.authority).toBe(3);
  });

  it('removes an authority node', async () => {
    const gov = fresh();
    const signer = gov.current.members[0]?.nodes[0]?.signer as string;
    await gov.pass(gov.member('Beta'), { kind: 'removeAuthority', signer });
    expect(validatorsOf(gov.current)).not.toContain(signer);
    expect(validatorsOf(gov.current)).toHaveLength(3);
  });

  it('changes bridge validators and required signatures', async () => {
    const gov = fresh();
    const beta = gov.member('Beta');
    const key = makeKey();
    const removed = gov.current.members[0]?.bridgeValidators[0] as string;
    await gov.pass(beta, { kind: 'setBridgeValidators', add: [{ member: beta.identity.address, address: key.address, pop: gov.pop(beta.identity.address, 'bridge', 1, key) }], remove: [removed], requiredSignatures: 1 });
    expect(bridgeOf(gov.current)).toEqual({ validators: [gov.current.members[1]?.bridgeValidators[0], key.address], requiredSignatures: 1 });
    expect(gov.current.schedule.lists).toEqual([]);
  });

  it('admits a member with its nodes and bridge validators, who may then vote', async () => {
    const gov = fresh();
    const delta = gov.admission('Delta', ['10.9.1.1:30303'], 1);
    await gov.pass(gov.member('Alpha'), delta.change);
    expect(gov.current.members.map((m) => m.name)).toEqual(['Alpha', 'Beta', 'Gamma', 'Delta']);
    expect(gov.current.members[3]?.nextIndex).toEqual({ authority: 1, bridge: 1 });
    expect(bridgeOf(gov.current)?.validators).toContain(delta.bridge[0]?.address);
    const hash = await gov.propose(delta.signer, { kind: 'setBridgeValidators', add: [], remove: [], requiredSignatures: 1 });
    await gov.vote(delta.signer, hash, true);
    expect(gov.proposal(hash).votes).toHaveLength(1);
  });

  it('removes a member with its nodes and bridge validators', async () => {
    const gov = fresh();
    await gov.pass(gov.member('Gamma'), { kind: 'setBridgeValidators', add: [], remove: [], requiredSignatures: 1 });
    await gov.pass(gov.member('Gamma'), { kind: 'removeMember', identity: gov.member('Beta').identity.address });
    expect(gov.current.members.map((m) => m.name)).toEqual(['Alpha', 'Gamma']);
    expect(bridgeOf(gov.current)?.validators).toHaveLength(1);
    expect(gov.current.usedAddresses).toContain(gov.member('Beta').identity.address);
  });
});

describe('bad changes are refused, naming the field', () => {
  const cases: [string, (gov: GovernanceRun) => Change, ErrorCode, string, string][] = [
    ['an unknown signer to remove', () => ({ kind: 'removeAuthority', signer: makeKey().address }), 'NOT_FOUND', 'change.signer', 'the signer of an authority node of revision 0'],
    ['an unknown bridge validator to remove', () => ({ kind: 'setBridgeValidators', add: [], remove: [makeKey().address], requiredSignatures: 2 }), 'NOT_FOUND', 'change.remove[0]', 'a bridge validator of revision 0 (not already removed)'],
    ['an unknown member to remove', () => ({ kind: 'removeMember', identity: makeKey().address }), 'NOT_FOUND', 'change.identity', 'the identity of a member of revision 0'],
    ['required signatures above the bridge validators', () => ({ kind: 'setBridgeValidators', add: [], remove: [], requiredSignatures: 3 }), 'CHANGE_INVALID', 'change.requiredSignatures', 'a required signature count the bridge can meet: required signatures between 1 and the number of bridge validators after the change (2)'],
    ['required signatures of 0', () => ({ kind: 'setBridgeValidators', add: [], remove: [], requiredSignatures: 0 }), 'CHANGE_INVALID', 'change.requiredSignatures', 'a required signature count the bridge can meet: required signatures between 1 and the number of bridge validators after the change (2)'],
    ['removing a bridge validator the required signatures need', (gov) => ({ kind: 'setBridgeValidators', add: [], remove: [gov.current.members[0]?.bridgeValidators[0] as string], requiredSignatures: 2 }), 'CHANGE_INVALID', 'change.requiredSignatures', 'a required signature count the bridge can meet: required signatures between 1 and the number of bridge validators after the change (1)'],
    ['a bridge change that changes nothing', () => ({ kind: 'setBridgeValidators', add: [], remove: [], requiredSignatures: 2 }), 'CHANGE_INVALID', 'change', 'a change that adds or removes a bridge validator or changes the required signatures'],
    ['removing a member whose bridge validator the required signatures need', (gov) => ({ kind: 'removeMember', identity: gov.member('Beta').identity.address }), 'CHANGE_INVALID', 'change.identity', 'lower the required signatures first: required signatures between 1 and the number of bridge validators after the change (1)'],
    ['a new signer that is a member identity', (gov) => {
      const change = gov.newNode(gov.member('Alpha'), '10.9.0.3:30303').change;
      const beta = gov.member('Beta');
      return change.kind === 'addAuthority' ? { ...change, node: { ...change.node, signer: beta.identity.address, signerPop: gov.pop(gov.member('Alpha').identity.address, 'authority', 2, beta.identity) } } : change;
    }, 'ADDRESS_REUSED', 'change.node.signer', 'an address never used before in this consortium (identities, signers, node keys, bridge validators, the coordinator)'],
    ['rotating to the coordinator\'s address', (gov) => ({ kind: 'rotateAuthority', oldSigner: gov.current.members[0]?.nodes[1]?.signer as string, newSigner: gov.ceremony.coordinator.address, newSignerPop: gov.pop(gov.member('Alpha').identity.address, 'authority', 2, gov.ceremony.coordinator) }), 'ADDRESS_REUSED', 'change.newSigner', 'an address never used before in this consortium (identities, signers, node keys, bridge validators, the coordinator)'],
    ['a node key already enrolled', (gov) => {
      const change = gov.newNode(gov.member('Alpha'), '10.9.0.4:30303').change;
      const taken = gov.ceremony.members[1]?.authorities[0]?.node;
      return change.kind === 'addAuthority' && taken !== undefined ? { ...change, node: { ...change.node, nodePublicKey: taken.publicKey, nodePop: gov.pop(gov.member('Alpha').identity.address, 'node', 2, taken) } } : change;
    }, 'ADDRESS_REUSED', 'change.node.nodePublicKey', 'an address never used before in this consortium (identities, signers, node keys, bridge validators, the coordinator)'],
    ['an endpoint a current node listens on', (gov) => gov.newNode(gov.member('Alpha'), gov.current.members[1]?.nodes[0]?.endpoint as string).change, 'ENDPOINT_INVALID', 'change.node.endpoint', 'an endpoint no current node listens on (a node of Beta does)'],
    ['a PoP for another index', (gov) => gov.newNode(gov.member('Alpha'), '10.9.0.5:30303', 1).change, 'POP_INVALID', 'change.node.signerPop', ''],
    ['a PoP naming another member', (gov) => {
      const key = makeKey();
      return { kind: 'rotateAuthority', oldSigner: gov.current.members[0]?.nodes[0]?.signer as string, newSigner: key.address, newSignerPop: gov.pop(gov.member('Beta').identity.address, 'authority', 2, key) };
    }, 'POP_INVALID', 'change.newSignerPop', ''],
    ['a node enrolled for another member', (gov) => gov.newNode(gov.member('Beta'), '10.9.0.8:30303').change, 'FORBIDDEN', 'change.member', ''],
    ['a rotation of another member\'s node', (gov) => {
      const key = makeKey();
      return { kind: 'rotateAuthority', oldSigner: gov.current.members[1]?.nodes[0]?.signer as string, newSigner: key.address, newSignerPop: gov.pop(gov.member('Beta').identity.address, 'authority', 1, key) };
    }, 'FORBIDDEN', 'change.oldSigner', ''],
    ['a bridge validator added for another member', (gov) => {
      const key = makeKey();
      return { kind: 'setBridgeValidators', add: [{ member: gov.member('Beta').identity.address, address: key.address, pop: gov.pop(gov.member('Beta').identity.address, 'bridge', 1, key) }], remove: [], requiredSignatures: 2 };
    }, 'FORBIDDEN', 'change.add[0].member', ''],
    ['an admitted member whose identity PoP is by another key', (gov) => {
      const delta = gov.admission('Delta', [], 0);
      return delta.change.kind === 'admitMember' ? { ...delta.change, identityPop: gov.pop(delta.change.identity, 'identity', 0, makeKey()) } : delta.change;
    }, 'POP_INVALID', 'change.identityPop', ''],
    ['an admitted member named like a member', (gov) => gov.admission('beta', [], 0).change, 'CHANGE_INVALID', 'change.name', 'a name no current member has (Beta has it)'],
  ];
  it('says why a member may not enroll a key for another', async () => {
    const gov = fresh();
    const alpha = gov.member('Alpha');
    const error = await refused(gov, gov.entry('Propose', alpha.identity, gov.proposePayload(gov.newNode(gov.member('Beta'), '10.9.0.8:30303').change)), 'FORBIDDEN', 'entry.payload.change.member');
    expect(error.expected).toBe(`the identity of the proposer ${alpha.identity.address}: a member enrolls only keys it holds, for itself`);
  });

  for (const [name, change, code, path, expected] of cases) {
    it(`refuses ${name}`, async () => {
      const gov = fresh();
      const error = await refused(gov, gov.entry('Propose', gov.member('Alpha').identity, gov.proposePayload(change(gov))), code, `entry.payload.${path}`);
      if (expected !== '') expect(error.expected).toBe(expected);
    });
  }

  it('refuses an activation block not after the schedule\'s last transition', async () => {
    const gov = fresh();
    await gov.pass(gov.member('Alpha'), gov.newNode(gov.member('Alpha'), '10.9.0.6:30303').change, { activationBlock: 1000 });
    const error = await refused(gov, gov.entry('Propose', gov.member('Alpha').identity, gov.proposePayload(gov.newNode(gov.member('Alpha'), '10.9.0.7:30303').change, { activationBlock: 1000 })), 'CHANGE_INVALID', 'entry.payload.activationBlock');
    expect(error.expected).toBe("a block after the validator schedule's last transition (block 1000)");
  });

  it('refuses a change whose hash is not the signed changeHash, and another genesis hash', async () => {
    const gov = fresh();
    const payload = gov.proposePayload({ kind: 'setBridgeValidators', add: [], remove: [], requiredSignatures: 1 });
    await refused(gov, gov.entry('Propose', gov.member('Alpha').identity, { ...payload, change: { ...payload.change, requiredSignatures: 2 } as Change }), 'MESSAGE_INVALID', 'entry.payload.changeHash');
    await refused(gov, gov.entry('Propose', gov.member('Alpha').identity, { ...payload, genesisHash: hashCanonical('another chain') }), 'WRONG_CEREMONY', 'entry.payload.genesisHash');
  });

  it('refuses governance before FINALIZED, and ceremony messages after it', async () => {
    const gov = fresh();
    const approving = new CeremonyRun(gov.ceremony);
    await approving.advanceTo('APPROVE');
    const alpha = gov.member('Alpha').identity;
    const payload = gov.proposePayload({ kind: 'setBridgeValidators', add: [], remove: [], requiredSignatures: 1 });
    const entry: TranscriptEntry = { seq: approving.state.seq, prevHash: approving.state.head, kind: 'Propose', member: alpha.address, payload, signature: signMessage('Propose', payload, alpha) };
    const error = await expectRejects(approving.apply(entry), 'WRONG_PHASE', 'entry.kind');
    expect(error.expected).toBe('a message of phase APPROVE, not Propose (governance begins once the ceremony is FINALIZED)');
    await refused(gov, gov.entry('Accept', gov.member('Alpha').identity, { ceremonyId: gov.ceremony.spec.ceremonyId, specHash: gov.ceremony.specHash }), 'WRONG_PHASE', 'entry.kind');
  });
});

describe('limits of the consortium', () => {
  it('refuses to remove the last member, to drop below the threshold, and to leave no validator', async () => {
    const solo = await governed({ layout: [{ name: 'Solo', authorityNodes: 1, bridgeValidators: 0 }], ceremonyId: 'governance-solo' });
    const me = solo.member('Solo');
    await refused(solo, solo.entry('Propose', me.identity, solo.proposePayload({ kind: 'removeMember', identity: me.identity.address })), 'CHANGE_INVALID', 'entry.payload.change.identity');
    const error = await refused(solo, solo.entry('Propose', me.identity, solo.proposePayload({ kind: 'removeAuthority', signer: solo.current.members[0]?.nodes[0]?.signer as string })), 'CHANGE_INVALID', 'entry.payload.change.signer');
    expect(error.expected).toBe('a change that leaves at least one authority node (Aura needs a validator)');

    const pair = await governed({ layout: [{ name: 'One', authorityNodes: 1, bridgeValidators: 0 }, { name: 'Two', authorityNodes: 1, bridgeValidators: 0 }], ceremonyId: 'governance-pair' });
    const below = await refused(pair, pair.entry('Propose', pair.member('One').identity, pair.proposePayload({ kind: 'removeMember', identity: pair.member('Two').identity.address })), 'CHANGE_INVALID', 'entry.payload.change.identity');
    expect(below.expected).toBe('a change that leaves at least the governance threshold of 2 members (1 would remain)');
  });
});
