/**
 * The permission contract's side of governance (shared/governance/contract-changes.ts): which contract
 * changes each kind of proposal makes and at which nonce; setPermissions and the policy's cross-field
 * rules against the consortium (apply-change.ts); yes-votes refused without the voter's signature over
 * exactly those changes (missing, by another key, over another change, nonce, chain or contract,
 * replayed from an earlier revision, or swapped under the Vote's signature), each refusal with its code
 * and path and nothing changed; and the revisions' transactions, decoded with ethers and executed in
 * order by the real contract bytecode in @ethereumjs/evm from the chain spec's genesis accounts, leave
 * the contract storing exactly what the consortium says, and revert when submitted again.
 */
import { Interface } from 'ethers';
import { beforeAll, describe, expect, it } from 'vitest';
import { signDigest, recoverAddress } from '../../../shared/crypto/secp256k1.js';
import { signTyped } from '../../../shared/eip712/sign.js';
import { hashCanonical } from '../../../shared/hash/keccak.js';
import type { ErrorCode } from '../../../shared/errors.js';
import type { TranscriptEntry } from '../../../shared/transcript/entry.js';
import type { Change } from '../../../shared/governance/change.js';
import type { ConsortiumState } from '../../../shared/governance/consortium.js';
import { contractChangesOf, contractStateOf, proposalContractSteps, stepContext, type ContractStep } from '../../../shared/governance/contract-changes.js';
import { revisionSealMessage, type RevisionArtifact } from '../../../shared/governance/revision.js';
import { verifyRevisionChain } from '../../../shared/governance/verify-revisions.js';
import type { Hex32 } from '../../../shared/hash/hex.js';
import { PERMISSION_CONTRACT_ADDRESS } from '../../../shared/permissioning/account.js';
import { PERMISSIONS_ABI } from '../../../shared/permissioning/bytecode.js';
import { compareAddresses, RIGHTS_MASK } from '../../../shared/permissioning/policy.js';
import type { Permissions } from '../../../shared/permissioning/schema.js';
import { permissionStorage } from '../../../shared/permissioning/storage.js';
import { permissionChangeDigest, type ChangeContext } from '../../../shared/permissioning/typed-data.js';
import { makeKey, type TestKey } from '../../helpers/ceremony.js';
import { expectRejects } from '../../helpers/errors.js';
import { genesisEvm, type GenesisEvm } from '../permissioning/genesis-evm.js';
import type { Outsiders } from '../permissioning/fixture.js';
import { GovernanceRun, governed, governedPermissioned, type Signer } from './fixture.js';

const CONTRACT = new Interface(PERMISSIONS_ABI);
const CALL = RIGHTS_MASK.call;

/** Asserts the reducer refuses `entry` with `code` at `path`, changing nothing; returns the error. */
async function refused(gov: GovernanceRun, entry: TranscriptEntry, code: ErrorCode, path: string) {
  const before = structuredClone(gov.state);
  const length = gov.run.entries.length;
  const error = await expectRejects(gov.apply(entry), code, path);
  expect(gov.state).toEqual(before);
  expect(gov.run.entries).toHaveLength(length);
  return error;
}

/** The policy in force, as a copy to edit. */
function policyOf(gov: GovernanceRun): Permissions {
  const permissions = gov.current.permissions;
  if (permissions === null) throw new Error('no permission contract');
  return structuredClone(permissions.policy);
}

/** The default policy without the outside caller, and nobody unlisted may send anything. */
function closedPolicy(gov: GovernanceRun, outsiders: Outsiders): Permissions {
  const policy = policyOf(gov);
  return { ...policy, transact: policy.transact.filter((grantee) => grantee !== outsiders.caller.address), unlisted: 'none' };
}

/** `key`'s signature over `step` in `context` (by default, the one the reducer expects). */
function signStep(gov: GovernanceRun, step: ContractStep, key: TestKey, context: Partial<ChangeContext> = {}): string {
  return signDigest(permissionChangeDigest(step.change, { ...stepContext(gov.ceremony.spec, step), ...context }), key.secretKey);
}

/** A Vote entry by `voter` on `hash` carrying `contractSignatures` (the Vote signs them by hash). */
function voteWith(gov: GovernanceRun, voter: Signer, hash: Hex32, approve: boolean, contractSignatures: string[]): TranscriptEntry {
  return gov.entry('Vote', voter.identity, gov.votePayload(hash, approve, undefined, contractSignatures));
}

function stepsOf(gov: GovernanceRun, hash: Hex32): ContractStep[] {
  return proposalContractSteps(gov.governance, gov.proposal(hash));
}

describe('setPermissions and the policy in force', () => {
  let base: GovernanceRun;
  let outsiders: Outsiders;
  const fresh = (): GovernanceRun => new GovernanceRun(base.ceremony, base.run.fork());

  beforeAll(async () => {
    ({ gov: base, outsiders } = await governedPermissioned());
  });

  it('starts from the spec\'s policy and the genesis storage\'s nonce, and what it implies is the contract\'s genesis storage', () => {
    const genesis = base.current;
    expect(genesis.permissions).toEqual({ policy: base.ceremony.spec.permissions, contractNonce: 0 });
    const account = (base.state.assembly?.chainSpec.accounts as Record<string, { storage?: unknown }>)[PERMISSION_CONTRACT_ADDRESS];
    expect(permissionStorage(contractStateOf(genesis) as NonNullable<ReturnType<typeof contractStateOf>>)).toEqual(account?.storage);
  });

  it('is refused on a chain without a permission contract', async () => {
    const open = await governed({ ceremonyId: 'governance-open' });
    expect(open.current.permissions).toBeNull();
    const change: Change = { kind: 'setPermissions', permissions: policyOf(base) };
    const error = await refused(open, open.entry('Propose', open.member('Alpha').identity, open.proposePayload(change)), 'CHANGE_INVALID', 'entry.payload.change.kind');
    expect(error.expected).toBe('a change the consortium can make: its chain has no permission contract (the spec has no permissions section)');
  });

  it('refuses the policy in force', async () => {
    const gov = fresh();
    await refused(gov, gov.entry('Propose', gov.member('Alpha').identity, gov.proposePayload({ kind: 'setPermissions', permissions: policyOf(gov) })), 'CHANGE_INVALID', 'entry.payload.change.permissions');
  });

  const badPolicies: [string, (gov: GovernanceRun) => Permissions, string, string][] = [
    [
      'a member identity listed beside "consortium"',
      (gov) => ({ ...policyOf(gov), transact: [...policyOf(gov).transact, gov.member('Gamma').identity.address] }),
      'entry.payload.change.permissions.transact[2]',
      'an address not already covered by "consortium" at permissions.transact[0] (it is a member identity)',
    ],
    [
      'a reader served by no member',
      (gov) => ({ ...policyOf(gov), read: { peers: [], readers: [{ name: 'Regulator', servedBy: 'Nobody' }] } }),
      'entry.payload.change.permissions.read.readers[0].servedBy',
      'the name of a member (members[].name) whose proxy serves this reader',
    ],
    [
      'a deployer without Create',
      (gov) => ({ ...policyOf(gov), create: [] }),
      'entry.payload.change.permissions.deployers[0].address',
      'an address given Create in permissions.create (a deployer needs Create)',
    ],
    [
      'bridge validators that could not call the home bridge',
      (gov) => ({ ...policyOf(gov), transact: policyOf(gov).transact.filter((grantee) => grantee !== 'consortium') }),
      'entry.payload.change.permissions.transact',
      '"consortium" in permissions.transact or permissions.create, or unlisted "call": the bridge validators\' oracles must call the home bridge',
    ],
  ];
  for (const [name, policy, path, expected] of badPolicies) {
    it(`refuses a policy with ${name}, naming the field`, async () => {
      const gov = fresh();
      const error = await refused(gov, gov.entry('Propose', gov.member('Alpha').identity, gov.proposePayload({ kind: 'setPermissions', permissions: policy(gov) })), 'CHANGE_INVALID', path);
      expect(error.expected).toBe(expected);
    });
  }

  it('refuses removing the member who serves a reader until the policy names another', async () => {
    const { gov } = await governedPermissioned({
      permissions: (o) => ({
        read: { readers: [{ name: 'Audit Partners', servedBy: 'Gamma' }] },
        transact: ['consortium'],
        create: [o.deployer.address],
        unlisted: 'basic',
        deployers: [{ address: o.deployer.address, deploys: 'bridge' }],
      }),
    });
    const removal: Change = { kind: 'removeMember', identity: gov.member('Gamma').identity.address };
    const error = await refused(gov, gov.entry('Propose', gov.member('Alpha').identity, gov.proposePayload(removal)), 'CHANGE_INVALID', 'entry.payload.change');
    expect(error.expected).toBe(
      'a change after which the permission policy in force still holds (permissions.read.readers[0].servedBy: the name of a member (members[].name) whose proxy serves this reader); change the policy first',
    );
    const moved = policyOf(gov);
    moved.read.readers = [{ name: 'Audit Partners', servedBy: 'Beta' }];
    await gov.pass(gov.member('Alpha'), { kind: 'setPermissions', permissions: moved });
    await gov.pass(gov.member('Alpha'), removal);
    expect(gov.current.members.map((member) => member.name)).toEqual(['Alpha', 'Beta']);
  });

  it('makes the new policy the one later proposals are checked against', async () => {
    const gov = fresh();
    const closed = closedPolicy(gov, outsiders);
    await gov.pass(gov.member('Alpha'), { kind: 'setPermissions', permissions: closed });
    expect(gov.current.permissions).toEqual({ policy: closed, contractNonce: 1 });
    await refused(gov, gov.entry('Propose', gov.member('Beta').identity, gov.proposePayload({ kind: 'setPermissions', permissions: closed })), 'CHANGE_INVALID', 'entry.payload.change.permissions');
  });
});

describe('the contract changes of each kind of proposal', () => {
  let base: GovernanceRun;
  let outsiders: Outsiders;
  const fresh = (): GovernanceRun => new GovernanceRun(base.ceremony, base.run.fork());
  const identityOf = (gov: GovernanceRun, name: string): string => gov.member(name).identity.address;

  beforeAll(async () => {
    ({ gov: base, outsiders } = await governedPermissioned());
  });

  it('setPermissions: a SetPermissions of exactly the senders whose mask changes, and the new default', async () => {
    const gov = fresh();
    const policy = closedPolicy(gov, outsiders);
    const newcomer = makeKey().address;
    policy.create = [...policy.create, newcomer];
    const hash = await gov.propose(gov.member('Alpha'), { kind: 'setPermissions', permissions: policy });
    const expected = [
      { account: outsiders.caller.address, mask: 0, listed: false },
      { account: newcomer, mask: RIGHTS_MASK.create, listed: true },
    ].sort((a, b) => compareAddresses(a.account, b.account));
    expect(stepsOf(gov, hash)).toEqual([{ change: { kind: 'SetPermissions', entries: expected, defaultMask: 0 }, nonce: 0 }]);
  });

  it('setPermissions of who reads only: no contract change, no contract signature, the nonce stays', async () => {
    const gov = fresh();
    const policy = policyOf(gov);
    policy.read.readers = [...policy.read.readers, { name: 'Regulator', servedBy: 'Alpha' }];
    const hash = await gov.pass(gov.member('Alpha'), { kind: 'setPermissions', permissions: policy });
    expect(stepsOf(gov, hash)).toEqual([]);
    expect(gov.proposal(hash).votes.map((vote) => vote.payload.contractSignatures)).toEqual([[], []]);
    expect(gov.current.permissions).toEqual({ policy, contractNonce: 0 });
    expect((await gov.revisionArtifacts())[0]?.contractCalls).toEqual([]);
  });

  it('admitMember: a SetPermissions for its identity and bridge validator ("consortium"), then a SetMembers', async () => {
    const gov = fresh();
    const admission = gov.admission('Delta', ['10.9.1.1:30303'], 1);
    const hash = await gov.propose(gov.member('Alpha'), admission.change);
    const entries = [admission.signer.identity.address, admission.bridge[0]?.address as string].sort(compareAddresses).map((account) => ({ account, mask: CALL, listed: true }));
    const members = [...gov.current.members.map((member) => member.identity), admission.signer.identity.address].sort(compareAddresses);
    expect(stepsOf(gov, hash)).toEqual([
      { change: { kind: 'SetPermissions', entries, defaultMask: RIGHTS_MASK.basic }, nonce: 0 },
      { change: { kind: 'SetMembers', members, threshold: 2 }, nonce: 1 },
    ]);
  });

  it('removeMember: the identity unlisted, then a SetMembers without it', async () => {
    const gov = fresh();
    const gamma = identityOf(gov, 'Gamma');
    const hash = await gov.propose(gov.member('Alpha'), { kind: 'removeMember', identity: gamma });
    expect(stepsOf(gov, hash)).toEqual([
      { change: { kind: 'SetPermissions', entries: [{ account: gamma, mask: 0, listed: false }], defaultMask: RIGHTS_MASK.basic }, nonce: 0 },
      { change: { kind: 'SetMembers', members: [identityOf(gov, 'Alpha'), identityOf(gov, 'Beta')].sort(compareAddresses), threshold: 2 }, nonce: 1 },
    ]);
  });

  it('setBridgeValidators: the bridge validators\' entries, as "consortium" covers them', async () => {
    const gov = fresh();
    const key = makeKey();
    const alpha = gov.member('Alpha');
    const removed = gov.current.members[1]?.bridgeValidators[0] as string;
    const change: Change = { kind: 'setBridgeValidators', add: [{ member: alpha.identity.address, address: key.address, pop: gov.pop(alpha.identity.address, 'bridge', 1, key) }], remove: [removed], requiredSignatures: 2 };
    const hash = await gov.propose(alpha, change);
    const entries = [
      { account: key.address, mask: CALL, listed: true },
      { account: removed, mask: 0, listed: false },
    ].sort((a, b) => compareAddresses(a.account, b.account));
    expect(stepsOf(gov, hash)).toEqual([{ change: { kind: 'SetPermissions', entries, defaultMask: RIGHTS_MASK.basic }, nonce: 0 }]);
  });

  it('addAuthority, removeAuthority, rotateAuthority: none', async () => {
    const gov = fresh();
    const hash = await gov.pass(gov.member('Alpha'), gov.newNode(gov.member('Alpha'), '10.9.0.1:30303').change);
    expect(stepsOf(gov, hash)).toEqual([]);
    expect(contractChangesOf(gov.governance.revisions[0] as ConsortiumState, gov.current)).toEqual([]);
    expect(gov.current.permissions?.contractNonce).toBe(0);
  });
});

describe('yes-votes and their contract signatures', () => {
  let base: GovernanceRun;
  let outsiders: Outsiders;
  /** A run with an open setPermissions proposal (SetPermissions at nonce 0) and its hash. */
  let opened: { gov: GovernanceRun; hash: Hex32 };
  const fresh = (): { gov: GovernanceRun; hash: Hex32 } => ({ gov: new GovernanceRun(opened.gov.ceremony, opened.gov.run.fork()), hash: opened.hash });

  beforeAll(async () => {
    ({ gov: base, outsiders } = await governedPermissioned());
    const hash = await base.propose(base.member('Alpha'), { kind: 'setPermissions', permissions: closedPolicy(base, outsiders) });
    opened = { gov: base, hash };
  });

  it('counts a yes-vote with the voter\'s signature over each change', async () => {
    const { gov, hash } = fresh();
    const [step] = stepsOf(gov, hash);
    await gov.apply(voteWith(gov, gov.member('Beta'), hash, true, [signStep(gov, step as ContractStep, gov.member('Beta').identity)]));
    expect(gov.proposal(hash).votes).toHaveLength(1);
  });

  it('refuses a yes-vote without them', async () => {
    const { gov, hash } = fresh();
    const error = await refused(gov, voteWith(gov, gov.member('Beta'), hash, true, []), 'MESSAGE_INVALID', 'entry.payload.contractSignatures');
    expect(error.expected).toBe('one signature by the voter per permission contract change of this proposal, in order: SetPermissions at contract nonce 0');
  });

  const wrong: [string, (gov: GovernanceRun, step: ContractStep) => string][] = [
    ['by another member\'s key', (gov, step) => signStep(gov, step, gov.member('Gamma').identity)],
    ['over another change', (gov, step) => signStep(gov, { ...step, change: { kind: 'SetPermissions', entries: [], defaultMask: 0 } }, gov.member('Beta').identity)],
    ['for another nonce', (gov, step) => signStep(gov, step, gov.member('Beta').identity, { nonce: 1n })],
    ['for another chain', (gov, step) => signStep(gov, step, gov.member('Beta').identity, { chainId: BigInt(gov.ceremony.spec.chain.chainId + 1) })],
    ['for another contract', (gov, step) => signStep(gov, step, gov.member('Beta').identity, { contract: makeKey().address })],
  ];
  for (const [name, signature] of wrong) {
    it(`refuses a contract signature ${name}`, async () => {
      const { gov, hash } = fresh();
      const [step] = stepsOf(gov, hash);
      const error = await refused(gov, voteWith(gov, gov.member('Beta'), hash, true, [signature(gov, step as ContractStep)]), 'SIGNATURE_INVALID', 'entry.payload.contractSignatures[0]');
      expect(error.expected).toBe(
        `a signature by ${gov.member('Beta').identity.address} over this proposal's SetPermissions at contract nonce 0 (EIP-712 domain "Concord Permissions" version 1, chain id 77999, contract ${PERMISSION_CONTRACT_ADDRESS})`,
      );
    });
  }

  it('refuses a contract signature on a no-vote', async () => {
    const { gov, hash } = fresh();
    const [step] = stepsOf(gov, hash);
    await refused(gov, voteWith(gov, gov.member('Beta'), hash, false, [signStep(gov, step as ContractStep, gov.member('Beta').identity)]), 'MESSAGE_INVALID', 'entry.payload.contractSignatures');
  });

  it('refuses a contract signature on a proposal that changes nothing the contract stores', async () => {
    const { gov } = fresh();
    const other = await gov.propose(gov.member('Beta'), gov.newNode(gov.member('Beta'), '10.9.0.2:30303').change);
    const someStep: ContractStep = { change: { kind: 'SetPermissions', entries: [], defaultMask: 0 }, nonce: 0 };
    const error = await refused(gov, voteWith(gov, gov.member('Gamma'), other, true, [signStep(gov, someStep, gov.member('Gamma').identity)]), 'MESSAGE_INVALID', 'entry.payload.contractSignatures');
    expect(error.expected).toBe('no contract signature: this proposal changes nothing the permission contract stores');
  });

  it('refuses contract signatures that do not match the hash the Vote signs', async () => {
    const { gov, hash } = fresh();
    const [step] = stepsOf(gov, hash);
    const beta = gov.member('Beta');
    const payload = { ...gov.votePayload(hash, true, undefined, []), contractSignatures: [signStep(gov, step as ContractStep, beta.identity)] };
    await refused(gov, gov.entry('Vote', beta.identity, payload), 'MESSAGE_INVALID', 'entry.payload.contractSignaturesHash');
  });

  it('refuses contract signatures swapped under a Vote signature made for others (the Vote signs them)', async () => {
    const { gov, hash } = fresh();
    const [step] = stepsOf(gov, hash);
    const beta = gov.member('Beta');
    const signed = voteWith(gov, beta, hash, true, [signStep(gov, step as ContractStep, beta.identity)]);
    const other = [signStep(gov, step as ContractStep, beta.identity, { nonce: 5n })];
    const swapped = { ...signed, payload: { ...signed.payload, contractSignatures: other, contractSignaturesHash: hashCanonical(other) } } as TranscriptEntry;
    await refused(gov, swapped, 'SIGNATURE_INVALID', 'entry.signature');
  });

  it('refuses one signature where a proposal makes two contract changes', async () => {
    const { gov } = fresh();
    const admission = gov.admission('Delta', ['10.9.1.1:30303'], 0);
    const hash = await gov.propose(gov.member('Beta'), admission.change);
    const steps = stepsOf(gov, hash);
    expect(steps.map((step) => step.change.kind)).toEqual(['SetPermissions', 'SetMembers']);
    const error = await refused(gov, voteWith(gov, gov.member('Gamma'), hash, true, [signStep(gov, steps[0] as ContractStep, gov.member('Gamma').identity)]), 'MESSAGE_INVALID', 'entry.payload.contractSignatures');
    expect(error.expected).toBe('one signature by the voter per permission contract change of this proposal, in order: SetPermissions at contract nonce 0, SetMembers at contract nonce 1');
    await refused(
      gov,
      voteWith(gov, gov.member('Gamma'), hash, true, [signStep(gov, steps[1] as ContractStep, gov.member('Gamma').identity), signStep(gov, steps[0] as ContractStep, gov.member('Gamma').identity)]),
      'SIGNATURE_INVALID',
      'entry.payload.contractSignatures[0]',
    );
  });

  it('refuses a contract signature replayed from an earlier revision\'s vote on the same change', async () => {
    const { gov, hash } = fresh();
    const beta = gov.member('Beta');
    await gov.vote(gov.member('Alpha'), hash, true);
    await gov.vote(beta, hash, true);
    const earlier = gov.proposal(hash).votes.find((vote) => vote.member === beta.identity.address)?.payload.contractSignatures[0] as string;
    await gov.pass(gov.member('Alpha'), { kind: 'setPermissions', permissions: policyOf(base) });
    expect(gov.current.permissions?.contractNonce).toBe(2);
    const again = await gov.propose(gov.member('Alpha'), { kind: 'setPermissions', permissions: closedPolicy(base, outsiders) });
    const [step] = stepsOf(gov, again);
    expect(step?.change).toEqual(stepsOf(gov, hash)[0]?.change);
    expect(step?.nonce).toBe(2);
    await refused(gov, voteWith(gov, beta, again, true, [earlier]), 'SIGNATURE_INVALID', 'entry.payload.contractSignatures[0]');
  });
});

describe('the revisions\' contract transactions on the real contract', () => {
  let gov: GovernanceRun;
  let outsiders: Outsiders;
  let revisions: RevisionArtifact[];
  let delta: TestKey;

  beforeAll(async () => {
    ({ gov, outsiders } = await governedPermissioned());
    const alpha = gov.member('Alpha');
    await gov.pass(alpha, { kind: 'setPermissions', permissions: closedPolicy(gov, outsiders) });
    const admission = gov.admission('Delta', ['10.9.1.1:30303'], 1);
    delta = admission.signer.identity;
    await gov.pass(gov.member('Beta'), admission.change);
    const key = makeKey();
    await gov.pass(alpha, { kind: 'setBridgeValidators', add: [{ member: alpha.identity.address, address: key.address, pop: gov.pop(alpha.identity.address, 'bridge', 1, key) }], remove: [], requiredSignatures: 2 });
    await gov.pass(alpha, gov.newNode(alpha, '10.9.0.1:30303').change);
    // Gamma votes for its own removal: its signatures count on chain because SetPermissions runs before SetMembers.
    const removal = await gov.propose(alpha, { kind: 'removeMember', identity: gov.member('Gamma').identity.address });
    await gov.vote(gov.member('Gamma'), removal, true);
    await gov.vote(alpha, removal, true);
    revisions = await gov.revisionArtifacts();
  });

  it('lists one transaction per contract change, with the nonces in revision order', () => {
    expect(revisions.map((revision) => revision.contractCalls.map((call) => `${call.function.slice(0, call.function.indexOf('('))}@${call.nonce}`))).toEqual([
      ['setPermissions@0'],
      ['setPermissions@1', 'setMembers@2'],
      ['setPermissions@3'],
      [],
      ['setPermissions@4', 'setMembers@5'],
    ]);
    expect(gov.current.permissions?.contractNonce).toBe(6);
  });

  it('encodes calldata that decodes with ethers to the signed change, the yes-voters\' signatures in ascending signer order', () => {
    for (const [r, revision] of revisions.entries()) {
      const yes = revision.votes.filter((vote) => vote.payload.approve).map((vote) => vote.member);
      for (const [i, call] of revision.contractCalls.entries()) {
        expect(call.target).toBe(PERMISSION_CONTRACT_ADDRESS);
        const parsed = CONTRACT.parseTransaction({ data: call.calldata });
        expect(parsed?.signature).toBe(call.function);
        const step = { change: call.change, nonce: call.nonce };
        const digest = permissionChangeDigest(call.change, stepContext(gov.ceremony.spec, step));
        const signatures = parsed?.args.at(-1) as string[];
        const signers = signatures.map((signature, j) => recoverAddress(digest, signature, `revisions[${r}].contractCalls[${i}][${j}]`));
        expect(signers).toEqual([...yes].sort(compareAddresses));
        expect(call.signers).toEqual(signers);
        expect(parsed?.args[2]).toBe(BigInt(call.nonce));
        if (call.change.kind === 'SetMembers') expect([...(parsed?.args[0] as string[])]).toEqual(call.change.members);
        else expect((parsed?.args[0] as unknown[][]).map(([account, mask, listed]) => ({ account, mask: Number(mask), listed }))).toEqual(call.change.entries);
      }
    }
  });

  it('verifies as a chain, and fails naming contractCalls when a call is tampered with, even re-signed by the coordinator', async () => {
    const genesis = gov.genesisArtifact();
    expect((await verifyRevisionChain(genesis, revisions)).failures).toEqual([]);
    const tampered = structuredClone(revisions);
    const target = tampered[1] as RevisionArtifact;
    const call = target.contractCalls[1];
    if (call === undefined) throw new Error('no call');
    // The yes-voters' signatures in the wrong order: the contract would revert (SignersNotAscending).
    const parsed = CONTRACT.parseTransaction({ data: call.calldata });
    call.calldata = CONTRACT.encodeFunctionData('setMembers', [parsed?.args[0], parsed?.args[1], parsed?.args[2], [...(parsed?.args[3] as string[])].reverse()]);
    const { coordinatorSignature: _signature, ...body } = target;
    target.coordinatorSignature = signTyped('Revision', revisionSealMessage(body), gov.ceremony.coordinator.secretKey);
    const report = await verifyRevisionChain(genesis, tampered);
    expect(report.failures[0]).toEqual({ check: 'revision', path: 'revisions[1].contractCalls', expected: 'the contractCalls re-derived from the revision before and the proposal' });
  });

  it('take effect in order on the genesis contract, leaving it storing what each revision says, and revert when sent again', async () => {
    const spec = gov.ceremony.spec;
    const g: GenesisEvm = await genesisEvm(gov.genesisArtifact().chainSpec, BigInt(spec.chain.chainId), spec.chain.evm);
    const accounts = new Set<string>();
    const holds = async (state: ConsortiumState): Promise<void> => {
      const expected = contractStateOf(state);
      if (expected === null) throw new Error('no contract state');
      for (const account of expected.entries.keys()) accounts.add(account);
      expect([...((await g.view('members'))[0] as string[])]).toEqual(expected.members);
      expect(await g.view('threshold')).toEqual([BigInt(expected.threshold)]);
      expect(await g.view('defaultMask')).toEqual([BigInt(expected.defaultMask)]);
      expect(await g.view('nonce')).toEqual([BigInt(state.permissions?.contractNonce ?? -1)]);
      for (const account of accounts) {
        const mask = expected.entries.get(account);
        const [got, listed] = await g.view('permissionOf', [account]);
        expect({ account, mask: Number(got), listed }).toEqual({ account, mask: mask ?? 0, listed: mask !== undefined });
      }
    };
    await holds(gov.governance.revisions[0] as ConsortiumState);
    const submitter = makeKey().address;
    for (const [r, revision] of revisions.entries()) {
      for (const call of revision.contractCalls) {
        const outcome = await g.call(submitter, call.target, call.calldata);
        expect(outcome, `revision ${r + 1} ${call.function}`).toMatchObject({ ok: true });
      }
      await holds(revision.consortium);
      for (const call of revision.contractCalls) expect(await g.call(submitter, call.target, call.calldata)).toMatchObject({ ok: false, error: 'StaleNonce' });
      await holds(revision.consortium);
    }
    // What the policy now says, as the clients would judge it.
    expect(await g.verdict(outsiders.caller.address, null)).toMatchObject({ mask: 0, allowed: false });
    expect(await g.verdict(delta.address, PERMISSION_CONTRACT_ADDRESS)).toMatchObject({ mask: CALL, allowed: true });
    expect(await g.verdict(gov.member('Gamma').identity.address, PERMISSION_CONTRACT_ADDRESS)).toMatchObject({ mask: 0, allowed: false });
  });
});
