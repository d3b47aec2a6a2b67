import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { initialState, replay, waitingFor, type CeremonyState } from '../../../shared/ceremony/reducer.js';
import type { Contribution } from '../../../shared/ceremony/contribution.js';
import { hashEntry, transcriptEntrySchema, type TranscriptEntry } from '../../../shared/transcript/entry.js';
import { parseWith } from '../../../shared/validation/zod.js';
import { hashCanonical } from '../../../shared/hash/keccak.js';
import { ConcordError } from '../../../shared/errors.js';
import { ZERO_HASH } from '../../../shared/hash/hex.js';
import {
  CeremonyRun,
  expectRefused,
  makeCeremony,
  makeKey,
  popBy,
  randomHash,
  type TestCeremony,
  type TestKey,
  type TestMember,
} from '../../helpers/ceremony.js';
import { expectRejects, expectThrows } from '../../helpers/errors.js';

const REVEAL = 'entry.payload.contribution';

/** A copy of `contribution` changed by `edit`. */
function tampered(contribution: Contribution, edit: (copy: Contribution) => void): Contribution {
  const copy = structuredClone(contribution);
  edit(copy);
  return copy;
}

/** The authority node `i` of a contribution (the test layout guarantees it exists). */
function node(contribution: Contribution, i: number): Contribution['authorities'][number] {
  const found = contribution.authorities[i];
  if (found === undefined) throw new Error(`no authority node ${i}`);
  return found;
}

function bridgeValidator(contribution: Contribution, i: number): Contribution['bridgeValidators'][number] {
  const found = contribution.bridgeValidators[i];
  if (found === undefined) throw new Error(`no bridge validator ${i}`);
  return found;
}

let ceremony: TestCeremony;
let alpha: TestMember; // 2 authority nodes, 1 bridge validator, endpoints of its choice
let beta: TestMember; // 1 authority node, 1 bridge validator, endpoint fixed by the spec
let gamma: TestMember; // 1 authority node, no bridge validator

beforeAll(() => {
  ceremony = makeCeremony();
  [alpha, beta, gamma] = ceremony.members as [TestMember, TestMember, TestMember];
});

type GoodPhase = 'OPEN' | 'ACCEPT' | 'COMMIT' | 'REVEAL' | 'APPROVE' | 'FINALIZED';
const reached = new Map<GoodPhase, CeremonyRun>();

/** A run that has reached `phase` with everyone's honest plans (a fork of one run per phase, for speed). */
async function runAt(phase: GoodPhase): Promise<CeremonyRun> {
  let run = reached.get(phase);
  if (run === undefined) {
    run = new CeremonyRun(ceremony);
    await run.advanceTo(phase);
    reached.set(phase, run);
  }
  return run.fork();
}

/** A run at REVEAL in which `member` committed to `contribution`; the members before it in `revealedFirst` have revealed. */
async function revealing(member: TestMember, contribution: Contribution, revealedFirst: TestMember[] = []): Promise<CeremonyRun> {
  const run = new CeremonyRun(ceremony);
  run.plan(member, contribution);
  await run.advanceTo('REVEAL');
  for (const earlier of revealedFirst) await run.reveal(earlier);
  return run;
}

describe('the test ceremony', () => {
  it('has a spec as the layout asks, parsed by the real schema', () => {
    expect(ceremony.spec.members.map((m) => [m.name, m.authorityNodes, m.bridgeValidators, m.endpoints?.length ?? null])).toEqual([
      ['Alpha', 2, 1, null],
      ['Beta', 1, 1, 1],
      ['Gamma', 1, 0, null],
    ]);
    expect(ceremony.spec.bridge?.requiredSignatures).toBe(2);
  });
});

describe('phases', () => {
  it('starts OPEN at seq 0 with the zero head, waiting for every member', () => {
    const state = initialState(ceremony.spec);
    expect(state.phase).toBe('OPEN');
    expect(state.seq).toBe(0);
    expect(state.head).toBe(ZERO_HASH);
    expect(state.revealHead).toBeNull();
    expect(state.assembly).toBeNull();
    expect(waitingFor(state)).toEqual([alpha.identity.address, beta.identity.address, gamma.identity.address]);
  });

  it('goes OPEN → ACCEPT on the first Accept and ACCEPT → COMMIT on the last', async () => {
    const run = new CeremonyRun(ceremony);
    expect((await run.accept(beta)).phase).toBe('ACCEPT');
    expect(waitingFor(run.state)).toEqual([alpha.identity.address, gamma.identity.address]);
    expect((await run.accept(gamma)).phase).toBe('ACCEPT');
    expect((await run.accept(alpha)).phase).toBe('COMMIT');
    expect(waitingFor(run.state)).toEqual([alpha.identity.address, beta.identity.address, gamma.identity.address]);
  });

  it('goes COMMIT → REVEAL when every member has committed, recording each commitment', async () => {
    const run = await runAt('COMMIT');
    await run.commit(gamma);
    expect(run.state.phase).toBe('COMMIT');
    expect(waitingFor(run.state)).toEqual([alpha.identity.address, beta.identity.address]);
    await run.commit(alpha);
    await run.commit(beta);
    expect(run.state.phase).toBe('REVEAL');
    expect(run.state.members[gamma.identity.address]?.commitment).toBe(run.commitPayload(gamma).commitment);
  });

  it('goes REVEAL → APPROVE on the last reveal and assembles the validator set and bridge validators from the reveals', async () => {
    const run = await runAt('REVEAL');
    await run.reveal(gamma);
    await run.reveal(alpha);
    expect(run.state.phase).toBe('REVEAL');
    expect(run.state.assembly).toBeNull();
    expect(waitingFor(run.state)).toEqual([beta.identity.address]);
    await run.reveal(beta);
    expect(run.state.phase).toBe('APPROVE');
    expect(run.state.revealHead).toBe(run.state.head);
    const assembly = run.state.assembly;
    expect(assembly).not.toBeNull();
    // Interleaved by index, members in spec order: A0, B0, G0, A1.
    const signer = (member: TestMember, i: number) => member.authorities[i]?.signer.address;
    expect(assembly?.validators).toEqual([signer(alpha, 0), signer(beta, 0), signer(gamma, 0), signer(alpha, 1)]);
    expect(assembly?.bridge).toEqual({ validators: [alpha.bridgeValidators[0]?.address, beta.bridgeValidators[0]?.address], requiredSignatures: 2 });
    expect(assembly?.enodes[1]).toBe(`enode://${beta.authorities[0]?.node.publicKey.slice(2)}@${beta.spec.endpoints?.[0]}`);
    expect(assembly?.hashes.validatorSetHash).toBe(hashCanonical(assembly?.validators));
  });

  it('goes APPROVE → FINALIZED when every member approved, and then waits for no one', async () => {
    const run = await runAt('APPROVE');
    await run.approve(beta);
    await run.approve(alpha);
    expect(run.state.phase).toBe('APPROVE');
    expect(waitingFor(run.state)).toEqual([gamma.identity.address]);
    await run.approve(gamma);
    expect(run.state.phase).toBe('FINALIZED');
    expect(waitingFor(run.state)).toEqual([]);
    expect(run.state.abort).toBeNull();
  });

  it('counts entries in seq and chains head = hashEntry(last entry)', async () => {
    const run = await runAt('FINALIZED');
    expect(run.entries).toHaveLength(3 * 4);
    expect(run.state.seq).toBe(run.entries.length);
    expect(run.state.head).toBe(hashEntry(run.entries.at(-1) as TranscriptEntry));
    run.entries.forEach((entry, i) => {
      expect(entry.seq).toBe(i);
      expect(entry.prevHash).toBe(i === 0 ? ZERO_HASH : hashEntry(run.entries[i - 1] as TranscriptEntry));
    });
  });

  for (const phase of ['OPEN', 'ACCEPT', 'COMMIT', 'REVEAL', 'APPROVE'] as const) {
    it(`goes ${phase} → ABORTED on a member's Reject, recording who and why`, async () => {
      const run = await runAt(phase);
      await run.reject(gamma, 'chain id clashes with ours');
      expect(run.state.phase).toBe('ABORTED');
      expect(run.state.abort).toEqual({ by: gamma.identity.address, reason: 'chain id clashes with ours' });
      expect(waitingFor(run.state)).toEqual([]);
    });

    it(`goes ${phase} → ABORTED on the coordinator's Abort`, async () => {
      const run = await runAt(phase);
      await run.abort('deadline passed');
      expect(run.state.phase).toBe('ABORTED');
      expect(run.state.abort).toEqual({ by: ceremony.coordinator.address, reason: 'deadline passed' });
    });
  }

  it("refuses a member's Abort (FORBIDDEN): only the coordinator records one", async () => {
    const run = await runAt('COMMIT');
    const error = await expectRefused(run, run.entry('Abort', alpha.identity, run.abortPayload()), 'FORBIDDEN', 'entry.member');
    expect(error.expected).toContain(ceremony.coordinator.address);
  });

  for (const end of ['FINALIZED', 'ABORTED'] as const) {
    it(`accepts nothing once ${end}: not an Accept, a Reject, an Approve nor the coordinator's Abort`, async () => {
      const run = end === 'FINALIZED' ? await runAt('FINALIZED') : await runAt('REVEAL');
      if (end === 'ABORTED') await run.reject(beta);
      expect(run.state.phase).toBe(end);
      await expectRefused(run, run.entry('Accept', alpha.identity, run.acceptPayload()), 'WRONG_PHASE', 'entry.kind');
      await expectRefused(run, run.entry('Reject', alpha.identity, run.rejectPayload()), 'WRONG_PHASE', 'entry.kind');
      await expectRefused(run, run.entry('Approve', gamma.identity, run.approvePayload()), 'WRONG_PHASE', 'entry.kind');
      const error = await expectRefused(run, run.entry('Abort', ceremony.coordinator, run.abortPayload()), 'WRONG_PHASE', 'entry.kind');
      expect(error.expected).toBe(`nothing: the ceremony is ${end}`);
    });
  }
});

describe('entries that break the transcript or the ceremony binding', () => {
  it('refuses a wrong seq, ahead or behind', async () => {
    const run = await runAt('ACCEPT');
    await expectRefused(run, run.entry('Accept', beta.identity, run.acceptPayload(), { at: { seq: run.state.seq + 1 } }), 'TRANSCRIPT_INVALID', 'entry.seq');
    await expectRefused(run, run.entry('Accept', beta.identity, run.acceptPayload(), { at: { seq: run.state.seq - 1 } }), 'TRANSCRIPT_INVALID', 'entry.seq');
  });

  it('refuses a wrong prevHash', async () => {
    const run = await runAt('ACCEPT');
    await expectRefused(run, run.entry('Accept', beta.identity, run.acceptPayload(), { at: { prevHash: randomHash() } }), 'TRANSCRIPT_INVALID', 'entry.prevHash');
    await expectRefused(run, run.entry('Accept', beta.identity, run.acceptPayload(), { at: { prevHash: ZERO_HASH } }), 'TRANSCRIPT_INVALID', 'entry.prevHash');
  });

  it('refuses a replayed entry (same seq, same prevHash as an accepted one)', async () => {
    const run = await runAt('COMMIT');
    await expectRefused(run, run.entries[0] as TranscriptEntry, 'TRANSCRIPT_INVALID', 'entry.seq');
  });

  it('refuses a wrong ceremonyId, although the member signed it', async () => {
    const run = await runAt('OPEN');
    const entry = run.entry('Accept', alpha.identity, { ...run.acceptPayload(), ceremonyId: 'another-ceremony' });
    await expectRefused(run, entry, 'WRONG_CEREMONY', 'entry.payload.ceremonyId');
  });

  it('refuses a wrong specHash, although the member signed it', async () => {
    const run = await runAt('COMMIT');
    const entry = run.entry('Commit', alpha.identity, { ...run.commitPayload(alpha), specHash: randomHash() });
    await expectRefused(run, entry, 'WRONG_CEREMONY', 'entry.payload.specHash');
  });

  it('refuses an entry signed by someone else (SIGNATURE_INVALID)', async () => {
    const run = await runAt('OPEN');
    await expectRefused(run, run.entry('Accept', alpha.identity, run.acceptPayload(), { signer: beta.identity }), 'SIGNATURE_INVALID', 'entry.signature');
    await expectRefused(run, run.entry('Accept', alpha.identity, run.acceptPayload(), { signer: makeKey() }), 'SIGNATURE_INVALID', 'entry.signature');
    // The coordinator cannot forge a member's consent (DESIGN.md §1, invariant 2).
    await expectRefused(run, run.entry('Accept', alpha.identity, run.acceptPayload(), { signer: ceremony.coordinator }), 'SIGNATURE_INVALID', 'entry.signature');
  });

  it('refuses an entry whose payload was changed after signing', async () => {
    const run = await runAt('COMMIT');
    const entry = run.entry('Commit', alpha.identity, run.commitPayload(alpha));
    await expectRefused(run, { ...entry, payload: { ...entry.payload, commitment: randomHash() } }, 'SIGNATURE_INVALID', 'entry.signature');
  });

  it('refuses an entry whose signature was made for another kind with the same fields', async () => {
    const run = await runAt('COMMIT');
    const abort = run.entry('Abort', alpha.identity, run.abortPayload('same fields'));
    const reject = run.entry('Reject', alpha.identity, run.rejectPayload('same fields'));
    await expectRefused(run, { ...reject, signature: abort.signature }, 'SIGNATURE_INVALID', 'entry.signature');
  });

  it('refuses a malformed signature', async () => {
    const run = await runAt('OPEN');
    const entry = run.entry('Accept', alpha.identity, run.acceptPayload());
    await expectRefused(run, { ...entry, signature: entry.signature.toUpperCase().replace('0X', '0x') }, 'SIGNATURE_INVALID', 'entry.signature');
    await expectRefused(run, { ...entry, signature: `${entry.signature.slice(0, -2)}01` }, 'SIGNATURE_INVALID', 'entry.signature');
  });

  it('refuses an entry from a non-member (NOT_A_MEMBER), the coordinator included', async () => {
    const run = await runAt('OPEN');
    await expectRefused(run, run.entry('Accept', makeKey(), run.acceptPayload()), 'NOT_A_MEMBER', 'entry.member');
    await expectRefused(run, run.entry('Reject', makeKey(), run.rejectPayload()), 'NOT_A_MEMBER', 'entry.member');
    await expectRefused(run, run.entry('Accept', ceremony.coordinator, run.acceptPayload()), 'NOT_A_MEMBER', 'entry.member');
  });
});

describe('entries in the wrong phase or twice', () => {
  it('refuses a Commit before every member accepted (WRONG_PHASE)', async () => {
    const run = await runAt('ACCEPT');
    const error = await expectRefused(run, run.entry('Commit', alpha.identity, run.commitPayload(alpha)), 'WRONG_PHASE', 'entry.kind');
    expect(error.expected).toBe('a message of phase ACCEPT, not Commit');
  });

  it('refuses an Accept in COMMIT, a Reveal in COMMIT and an Approve in REVEAL (WRONG_PHASE)', async () => {
    const run = await runAt('COMMIT');
    await expectRefused(run, run.entry('Accept', alpha.identity, run.acceptPayload()), 'WRONG_PHASE', 'entry.kind');
    await expectRefused(run, run.entry('Reveal', alpha.identity, run.revealPayload(alpha)), 'WRONG_PHASE', 'entry.kind');
    await run.advanceTo('REVEAL');
    await expectRefused(run, run.entry('Approve', alpha.identity, run.approvePayload()), 'WRONG_PHASE', 'entry.kind');
    await expectRefused(run, run.entry('Commit', alpha.identity, run.commitPayload(alpha)), 'WRONG_PHASE', 'entry.kind');
  });

  it('refuses a second Accept from the same member (DUPLICATE)', async () => {
    const run = await runAt('ACCEPT');
    await expectRefused(run, run.entry('Accept', alpha.identity, run.acceptPayload()), 'DUPLICATE', 'entry.kind');
  });

  it('refuses a second Commit, even to another commitment (DUPLICATE)', async () => {
    const run = await runAt('COMMIT');
    await run.commit(alpha);
    await expectRefused(run, run.entry('Commit', alpha.identity, { ...run.commitPayload(alpha), commitment: randomHash() }), 'DUPLICATE', 'entry.kind');
  });

  it('refuses a second Reveal (DUPLICATE)', async () => {
    const run = await runAt('REVEAL');
    await run.reveal(alpha);
    await expectRefused(run, run.entry('Reveal', alpha.identity, run.revealPayload(alpha)), 'DUPLICATE', 'entry.kind');
  });

  it('refuses a second Approve (DUPLICATE)', async () => {
    const run = await runAt('APPROVE');
    await run.approve(alpha);
    await expectRefused(run, run.entry('Approve', alpha.identity, run.approvePayload()), 'DUPLICATE', 'entry.kind');
  });
});

describe('reveals', () => {
  it('rejects a reveal whose salt does not open the commitment (COMMITMENT_MISMATCH)', async () => {
    const run = await runAt('REVEAL');
    const entry = run.entry('Reveal', alpha.identity, { ...run.revealPayload(alpha), salt: randomHash() });
    const error = await expectRefused(run, entry, 'COMMITMENT_MISMATCH', 'entry.payload.salt');
    expect(error.expected).toContain('Alpha');
  });

  it('rejects a reveal of another contribution than the one committed to (COMMITMENT_MISMATCH)', async () => {
    const run = await runAt('REVEAL');
    const other = tampered(alpha.contribution, (c) => (node(c, 0).endpoint = '10.9.9.9:30303'));
    const entry = run.entry('Reveal', alpha.identity, { ...run.revealPayload(alpha), contribution: other, contributionHash: hashCanonical(other) });
    await expectRefused(run, entry, 'COMMITMENT_MISMATCH', 'entry.payload.salt');
  });

  it('rejects a reveal whose contributionHash is not the hash of its contribution', async () => {
    const run = await runAt('REVEAL');
    const entry = run.entry('Reveal', alpha.identity, { ...run.revealPayload(alpha), contributionHash: randomHash() });
    await expectRefused(run, entry, 'MESSAGE_INVALID', 'entry.payload.contributionHash');
  });

  it('rejects an authority PoP made with another key than the signer (POP_INVALID)', async () => {
    const bad = tampered(alpha.contribution, (c) => (node(c, 1).signerPop = popBy(ceremony, alpha, 'authority', 1, makeKey())));
    const run = await revealing(alpha, bad);
    await expectRefused(run, run.entry('Reveal', alpha.identity, run.revealPayload(alpha)), 'POP_INVALID', `${REVEAL}.authorities[1].signerPop`);
  });

  it('rejects a node PoP made with another key than the node key (POP_INVALID)', async () => {
    const bad = tampered(alpha.contribution, (c) => (node(c, 0).nodePop = popBy(ceremony, alpha, 'node', 0, makeKey())));
    const run = await revealing(alpha, bad);
    await expectRefused(run, run.entry('Reveal', alpha.identity, run.revealPayload(alpha)), 'POP_INVALID', `${REVEAL}.authorities[0].nodePop`);
  });

  it('rejects a node public key that is not the key of its PoP (POP_INVALID)', async () => {
    const bad = tampered(beta.contribution, (c) => (node(c, 0).nodePublicKey = makeKey().publicKey));
    const run = await revealing(beta, bad);
    await expectRefused(run, run.entry('Reveal', beta.identity, run.revealPayload(beta)), 'POP_INVALID', `${REVEAL}.authorities[0].nodePop`);
  });

  it('rejects a bridge-validator PoP made with another key (POP_INVALID)', async () => {
    const bad = tampered(beta.contribution, (c) => (bridgeValidator(c, 0).pop = popBy(ceremony, beta, 'bridge', 0, makeKey())));
    const run = await revealing(beta, bad);
    await expectRefused(run, run.entry('Reveal', beta.identity, run.revealPayload(beta)), 'POP_INVALID', `${REVEAL}.bridgeValidators[0].pop`);
  });

  it('rejects a PoP by the right key for another role or index (POP_INVALID)', async () => {
    const signer = alpha.authorities[1]?.signer as TestKey;
    const wrongRole = tampered(alpha.contribution, (c) => (node(c, 1).signerPop = popBy(ceremony, alpha, 'bridge', 1, signer)));
    let run = await revealing(alpha, wrongRole);
    await expectRefused(run, run.entry('Reveal', alpha.identity, run.revealPayload(alpha)), 'POP_INVALID', `${REVEAL}.authorities[1].signerPop`);
    const wrongIndex = tampered(alpha.contribution, (c) => (node(c, 1).signerPop = popBy(ceremony, alpha, 'authority', 0, signer)));
    run = await revealing(alpha, wrongIndex);
    await expectRefused(run, run.entry('Reveal', alpha.identity, run.revealPayload(alpha)), 'POP_INVALID', `${REVEAL}.authorities[1].signerPop`);
  });

  it("rejects a PoP copied from another member's contribution (POP_INVALID)", async () => {
    // Gamma copies Alpha's first node, PoPs and all: the PoPs name Alpha, not Gamma.
    const copied = tampered(gamma.contribution, (c) => {
      c.authorities[0] = { ...node(alpha.contribution, 0), endpoint: node(c, 0).endpoint };
    });
    let run = await revealing(gamma, copied);
    await expectRefused(run, run.entry('Reveal', gamma.identity, run.revealPayload(gamma)), 'POP_INVALID', `${REVEAL}.authorities[0].signerPop`);
    // Beta copies Alpha's bridge validator.
    const copiedValidator = tampered(beta.contribution, (c) => (c.bridgeValidators[0] = bridgeValidator(alpha.contribution, 0)));
    run = await revealing(beta, copiedValidator, [alpha]);
    await expectRefused(run, run.entry('Reveal', beta.identity, run.revealPayload(beta)), 'POP_INVALID', `${REVEAL}.bridgeValidators[0].pop`);
  });

  it("rejects a contribution in another member's name (POP_INVALID)", async () => {
    const bad = tampered(alpha.contribution, (c) => (c.member = gamma.identity.address));
    const run = await revealing(alpha, bad);
    await expectRefused(run, run.entry('Reveal', alpha.identity, run.revealPayload(alpha)), 'POP_INVALID', `${REVEAL}.member`);
  });

  it('rejects an address enrolled by two members (ADDRESS_REUSED), the second to reveal', async () => {
    // Beta enrolls Alpha's bridge-validator key as its own, with a valid PoP for Beta (it has the key).
    const shared = alpha.bridgeValidators[0] as TestKey;
    const bad = tampered(beta.contribution, (c) => (c.bridgeValidators[0] = { index: 0, address: shared.address, pop: popBy(ceremony, beta, 'bridge', 0, shared) }));
    const run = await revealing(beta, bad, [alpha]);
    const error = await expectRefused(run, run.entry('Reveal', beta.identity, run.revealPayload(beta)), 'ADDRESS_REUSED', `${REVEAL}.bridgeValidators[0].address`);
    expect(error.expected).toBe('a key not already used as a key enrolled by Alpha');
  });

  it("rejects a signer that is another member's node key (ADDRESS_REUSED)", async () => {
    const nodeKey = alpha.authorities[0]?.node as TestKey;
    const bad = tampered(gamma.contribution, (c) => {
      node(c, 0).signer = nodeKey.address;
      node(c, 0).signerPop = popBy(ceremony, gamma, 'authority', 0, nodeKey);
    });
    const run = await revealing(gamma, bad, [alpha]);
    await expectRefused(run, run.entry('Reveal', gamma.identity, run.revealPayload(gamma)), 'ADDRESS_REUSED', `${REVEAL}.authorities[0].signer`);
  });

  it('rejects an address enrolled twice within one member (ADDRESS_REUSED)', async () => {
    // Alpha's bridge validator is its first authority signer.
    const signer = alpha.authorities[0]?.signer as TestKey;
    const bad = tampered(alpha.contribution, (c) => (c.bridgeValidators[0] = { index: 0, address: signer.address, pop: popBy(ceremony, alpha, 'bridge', 0, signer) }));
    let run = await revealing(alpha, bad);
    await expectRefused(run, run.entry('Reveal', alpha.identity, run.revealPayload(alpha)), 'ADDRESS_REUSED', `${REVEAL}.bridgeValidators[0].address`);
    // Alpha's second node uses the first node's signer.
    const twice = tampered(alpha.contribution, (c) => {
      node(c, 1).signer = signer.address;
      node(c, 1).signerPop = popBy(ceremony, alpha, 'authority', 1, signer);
    });
    run = await revealing(alpha, twice);
    await expectRefused(run, run.entry('Reveal', alpha.identity, run.revealPayload(alpha)), 'ADDRESS_REUSED', `${REVEAL}.authorities[1].signer`);
  });

  it('rejects a node key that is also the signer key (ADDRESS_REUSED)', async () => {
    const signer = gamma.authorities[0]?.signer as TestKey;
    const bad = tampered(gamma.contribution, (c) => {
      node(c, 0).nodePublicKey = signer.publicKey;
      node(c, 0).nodePop = popBy(ceremony, gamma, 'node', 0, signer);
    });
    const run = await revealing(gamma, bad);
    await expectRefused(run, run.entry('Reveal', gamma.identity, run.revealPayload(gamma)), 'ADDRESS_REUSED', `${REVEAL}.authorities[0].nodePublicKey`);
  });

  it("rejects a member's identity enrolled as a signer (ADDRESS_REUSED)", async () => {
    const bad = tampered(gamma.contribution, (c) => {
      node(c, 0).signer = gamma.identity.address;
      node(c, 0).signerPop = popBy(ceremony, gamma, 'authority', 0, gamma.identity);
    });
    const run = await revealing(gamma, bad);
    const error = await expectRefused(run, run.entry('Reveal', gamma.identity, run.revealPayload(gamma)), 'ADDRESS_REUSED', `${REVEAL}.authorities[0].signer`);
    expect(error.expected).toBe('a key not already used as the identity of Gamma');
  });

  it("rejects the coordinator's key enrolled as a bridge validator (ADDRESS_REUSED)", async () => {
    const bad = tampered(beta.contribution, (c) => (c.bridgeValidators[0] = { index: 0, address: ceremony.coordinator.address, pop: popBy(ceremony, beta, 'bridge', 0, ceremony.coordinator) }));
    const run = await revealing(beta, bad);
    await expectRefused(run, run.entry('Reveal', beta.identity, run.revealPayload(beta)), 'ADDRESS_REUSED', `${REVEAL}.bridgeValidators[0].address`);
  });

  it('rejects two nodes of one member on one endpoint (ENDPOINT_INVALID)', async () => {
    const bad = tampered(alpha.contribution, (c) => (node(c, 1).endpoint = node(c, 0).endpoint));
    const run = await revealing(alpha, bad);
    await expectRefused(run, run.entry('Reveal', alpha.identity, run.revealPayload(alpha)), 'ENDPOINT_INVALID', `${REVEAL}.authorities[1].endpoint`);
  });

  it("rejects a node on another member's endpoint, whatever the case of the host (ENDPOINT_INVALID)", async () => {
    const run0 = new CeremonyRun(ceremony);
    const alphaOwn = tampered(alpha.contribution, (c) => (node(c, 0).endpoint = 'node.alpha.example.org:30303'));
    const gammaClash = tampered(gamma.contribution, (c) => (node(c, 0).endpoint = 'NODE.Alpha.example.org:30303'));
    run0.plan(alpha, alphaOwn);
    run0.plan(gamma, gammaClash);
    await run0.advanceTo('REVEAL');
    await run0.reveal(alpha);
    await expectRefused(run0, run0.entry('Reveal', gamma.identity, run0.revealPayload(gamma)), 'ENDPOINT_INVALID', `${REVEAL}.authorities[0].endpoint`);
  });

  // Otherwise the member whose endpoint the spec fixes can never reveal: its own reveal is then the one
  // refused (ENDPOINT_INVALID, "already used by a node of Alpha") and the ceremony cannot finish.
  it("rejects a node on an endpoint the spec fixes for another member's node, even before that member reveals (ENDPOINT_INVALID)", async () => {
    const betaEndpoint = beta.spec.endpoints?.[0] as string;
    const bad = tampered(alpha.contribution, (c) => (node(c, 1).endpoint = betaEndpoint));
    const run = await revealing(alpha, bad);
    await expectRefused(run, run.entry('Reveal', alpha.identity, run.revealPayload(alpha)), 'ENDPOINT_INVALID', `${REVEAL}.authorities[1].endpoint`);
  });

  for (const [what, endpoint] of [
    ['an IPv4 address with an octet above 255', '10.0.0.256:30303'],
    ['a numeric host that is no dotted quad', '1.2.3:30303'],
    ['the unspecified address', '0.0.0.0:30303'],
    ['a DNS label with _', 'node_1.example.org:30303'],
  ] as const) {
    // The coordinator parses every entry it receives with the transcript schema before the reducer sees it (server/ceremony/host.ts).
    it(`refuses, at the coordinator's parse, a reveal whose endpoint is ${what} (MESSAGE_INVALID, naming the endpoint)`, async () => {
      const bad = tampered(alpha.contribution, (c) => (node(c, 1).endpoint = endpoint));
      const run = await revealing(alpha, bad);
      const entry = JSON.parse(JSON.stringify(run.entry('Reveal', alpha.identity, run.revealPayload(alpha)))) as unknown;
      expectThrows(() => parseWith(transcriptEntrySchema, entry, 'MESSAGE_INVALID', 'message'), 'MESSAGE_INVALID', 'message.payload.contribution.authorities[1].endpoint');
    });
  }

  it('rejects an endpoint other than the one the spec fixes (ENDPOINT_INVALID)', async () => {
    const bad = tampered(beta.contribution, (c) => (node(c, 0).endpoint = '10.9.9.9:30303'));
    const run = await revealing(beta, bad);
    await expectRefused(run, run.entry('Reveal', beta.identity, run.revealPayload(beta)), 'ENDPOINT_INVALID', `${REVEAL}.authorities[0].endpoint`);
  });

  it('rejects a contribution with another number of authority nodes or bridge validators than the spec gives', async () => {
    const fewer = tampered(alpha.contribution, (c) => c.authorities.pop());
    let run = await revealing(alpha, fewer);
    await expectRefused(run, run.entry('Reveal', alpha.identity, run.revealPayload(alpha)), 'MESSAGE_INVALID', `${REVEAL}.authorities`);
    const more = tampered(gamma.contribution, (c) => c.bridgeValidators.push({ index: 0, address: makeKey().address, pop: gamma.contribution.authorities[0]?.signerPop ?? '' }));
    run = await revealing(gamma, more);
    await expectRefused(run, run.entry('Reveal', gamma.identity, run.revealPayload(gamma)), 'MESSAGE_INVALID', `${REVEAL}.bridgeValidators`);
  });

  it('rejects authority nodes out of index order', async () => {
    const swapped = tampered(alpha.contribution, (c) => c.authorities.reverse());
    const run = await revealing(alpha, swapped);
    await expectRefused(run, run.entry('Reveal', alpha.identity, run.revealPayload(alpha)), 'MESSAGE_INVALID', `${REVEAL}.authorities[0].index`);
  });
});

describe('approvals', () => {
  it('rejects an Approve of another transcript head (APPROVAL_MISMATCH)', async () => {
    const run = await runAt('APPROVE');
    const entry = run.entry('Approve', alpha.identity, { ...run.approvePayload(), transcriptHead: run.entries[0] ? hashEntry(run.entries[0]) : randomHash() });
    await expectRefused(run, entry, 'APPROVAL_MISMATCH', 'entry.payload.transcriptHead');
  });

  for (const field of ['genesisHash', 'chainSpecHash', 'validatorSetHash', 'bridgeValidatorsHash', 'manifestHash'] as const) {
    it(`rejects an Approve with a wrong ${field}, naming the field (APPROVAL_MISMATCH)`, async () => {
      const run = await runAt('APPROVE');
      const entry = run.entry('Approve', beta.identity, { ...run.approvePayload(), [field]: randomHash() });
      const error = await expectRefused(run, entry, 'APPROVAL_MISMATCH', `entry.payload.${field}`);
      expect(error.expected).toContain(run.state.assembly?.hashes[field]);
    });
  }
});

describe('replay', () => {
  it('rebuilds the live state from the transcript', async () => {
    const run = await runAt('FINALIZED');
    expect(await replay(ceremony.context, run.entries)).toEqual(run.state);
  });

  it('names the first bad entry by its transcript index', async () => {
    const run = await runAt('COMMIT');
    const gap = [run.entries[0], run.entries[2]] as TranscriptEntry[];
    await expectRejects(replay(ceremony.context, gap), 'TRANSCRIPT_INVALID', 'transcript[1].seq');
  });

  it('gives the same state as applying the accepted entries one by one, whatever is refused in between', async () => {
    // 'Next' is the honest next step of a member the state waits for, so that runs get through the phases.
    type Action = { kind: 'Next' | 'Accept' | 'Commit' | 'Reveal' | 'Approve' | 'Reject' | 'Abort'; who: number; fault: 'none' | 'seq' | 'signer' | 'salt' };
    const action: fc.Arbitrary<Action> = fc.record({
      kind: fc.oneof(
        { weight: 30, arbitrary: fc.constant('Next' as const) },
        { weight: 9, arbitrary: fc.constantFrom('Accept' as const, 'Commit' as const, 'Reveal' as const, 'Approve' as const) },
        { weight: 1, arbitrary: fc.constantFrom('Reject' as const, 'Abort' as const) },
      ),
      who: fc.nat(3), // 3 is the coordinator
      fault: fc.oneof({ weight: 5, arbitrary: fc.constant('none' as const) }, { weight: 1, arbitrary: fc.constantFrom('seq' as const, 'signer' as const, 'salt' as const) }),
    });

    const NEXT = { OPEN: 'Accept', ACCEPT: 'Accept', COMMIT: 'Commit', REVEAL: 'Reveal', APPROVE: 'Approve', FINALIZED: 'Accept', ABORTED: 'Accept' } as const;
    const entryFor = (run: CeremonyRun, next: Action): TranscriptEntry => {
      const { who, fault } = next;
      const waiting = waitingFor(run.state);
      const kind = next.kind === 'Next' ? NEXT[run.state.phase] : next.kind;
      const member =
        next.kind === 'Next' && waiting.length > 0
          ? ceremony.members.find((m) => m.identity.address === waiting[who % waiting.length])
          : ceremony.members[who];
      const author = member?.identity ?? ceremony.coordinator;
      const options = { at: fault === 'seq' ? { seq: run.state.seq + 1 } : {}, signer: fault === 'signer' ? makeKey() : author };
      switch (kind) {
        case 'Accept':
          return run.entry('Accept', author, run.acceptPayload(), options);
        case 'Commit':
          return run.entry('Commit', author, member === undefined ? { ...run.acceptPayload(), commitment: randomHash() } : run.commitPayload(member), options);
        case 'Reveal': {
          const payload = run.revealPayload(member ?? alpha);
          return run.entry('Reveal', author, fault === 'salt' ? { ...payload, salt: randomHash() } : payload, options);
        }
        case 'Approve':
          return run.entry('Approve', author, run.approvePayload(), options);
        case 'Reject':
          return run.entry('Reject', author, run.rejectPayload(), options);
        case 'Abort':
          return run.entry('Abort', author, run.abortPayload(), options);
      }
    };

    // Always tried besides the random runs: a whole ceremony, each honest step followed by a faulty attempt.
    const honest = (who: number): Action => ({ kind: 'Next', who, fault: 'none' });
    const whole: Action[] = [];
    for (let step = 0; step < 15; step++) whole.push(honest(step), { kind: 'Next', who: step, fault: (['seq', 'signer', 'salt'] as const)[step % 3] ?? 'seq' });
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: 1, maxLength: 40, size: 'max' }), async (actions) => {
        const run = new CeremonyRun(ceremony);
        for (const a of actions) {
          const previous: CeremonyState = run.state;
          const snapshot = structuredClone(previous);
          await run.apply(entryFor(run, a)).catch((error: unknown) => expect(error).toBeInstanceOf(ConcordError));
          expect(previous).toEqual(snapshot); // neither an accepted nor a refused entry mutates the old state
        }
        expect(await replay(ceremony.context, run.entries)).toEqual(run.state);
        if (actions === whole) expect(run.state.phase).toBe('FINALIZED');
      }),
      { numRuns: 12, examples: [[whole]] },
    );
  });
});
