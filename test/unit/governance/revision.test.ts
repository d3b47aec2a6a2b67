/**
 * Revision artifacts (shared/governance/revision.ts) and their offline verification
 * (verify-revisions.ts): the chain spec keeps every earlier transition and the genesis hash, the
 * bridge calls decode with ethers to the intended call (on the recorded BridgeValidators contracts once
 * the deployment is recorded), and a tampered revision fails naming the field.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { getAddress, Interface } from 'ethers';
import { computeGenesisHash } from '../../../shared/genesis/hash.js';
import { checkChainSpec } from '../../../shared/chainspec/strict.js';
import { signTyped } from '../../../shared/eip712/sign.js';
import { validatorsOf } from '../../../shared/governance/consortium.js';
import { revisionSealMessage, type RevisionArtifact, type RevisionBody } from '../../../shared/governance/revision.js';
import { verifyRevisionChain } from '../../../shared/governance/verify-revisions.js';
import { makeKey } from '../../helpers/ceremony.js';
import { expectThrows } from '../../helpers/errors.js';
import { addValidatorLists } from '../../../shared/chainspec/aura.js';
import { governed, newBridgeDeployment, type GovernanceRun } from './fixture.js';

type Json = Record<string, any>; // raw JSON that the tamper table edits freely

// tokenbridge-contracts 5.6.0 BridgeValidators, written out independently of shared/governance/bridge-calls.ts.
const BRIDGE_VALIDATORS = new Interface(['function addValidator(address)', 'function removeValidator(address)', 'function setRequiredSignatures(uint256)']);
const SAFE_CONTRACT = '0xE57bFE9F44b819898F47BF37E5AF72a0783e1141';

function multiOf(revision: RevisionArtifact): Json {
  return (revision.chainSpec as Json).engine.authorityRound.params.validators.multi as Json;
}

/** The list of the last transition of a revision's multi. */
function lastList(revision: Json): string[] {
  const multi = multiOf(revision as RevisionArtifact);
  return (multi[Object.keys(multi).at(-1) as string] as Json).list as string[];
}

/** Changes the last hex digit, whatever it was: the calldata ends in a random address. */
function flipLastDigit(hex: string): string {
  return `${hex.slice(0, -1)}${hex.endsWith('0') ? '1' : '0'}`;
}

/** Decodes a call with ethers: `name(args…)`. */
function decoded(calldata: string): string {
  const parsed = BRIDGE_VALIDATORS.parseTransaction({ data: calldata });
  if (parsed === null) throw new Error(`not a BridgeValidators call: ${calldata}`);
  return `${parsed.name}(${parsed.args.map(String).join(',')})`;
}

describe('the chain spec of a revision', () => {
  let gov: GovernanceRun;
  let revisions: RevisionArtifact[];

  beforeAll(async () => {
    gov = await governed({ ceremonyId: 'governance-chainspec' }, (json) => {
      (json.chain as Json).validatorTransitions = [{ fromBlock: 1000, kind: 'safeContract', address: SAFE_CONTRACT }];
    });
    await gov.pass(gov.member('Alpha'), gov.newNode(gov.member('Alpha'), '10.9.0.1:30303').change, { activationBlock: 2000 });
    await gov.pass(gov.member('Beta'), { kind: 'removeAuthority', signer: gov.current.members[2]?.nodes[0]?.signer as string }, { activationBlock: 3000 });
    revisions = await gov.revisionArtifacts();
  });

  it('gains a list at each activation block; the genesis list and the spec\'s contract stay as they were', () => {
    const genesis = gov.genesisArtifact();
    const genesisMulti = (genesis.chainSpec as Json).engine.authorityRound.params.validators.multi as Json;
    expect(multiOf(revisions[0] as RevisionArtifact)).toEqual({ ...genesisMulti, '2000': { list: validatorsOf(gov.governance.revisions[1] as never) } });
    expect(multiOf(revisions[1] as RevisionArtifact)).toEqual({ ...multiOf(revisions[0] as RevisionArtifact), '3000': { list: validatorsOf(gov.current) } });
    expect(Object.keys(multiOf(revisions[1] as RevisionArtifact))).toEqual(['0', '1000', '2000', '3000']);
    expect({ ...(revisions[1]?.chainSpec as Json), engine: null }).toEqual({ ...(genesis.chainSpec as Json), engine: null });
  });

  it('keeps the genesis block hash for both clients, and loads in both', async () => {
    for (const revision of revisions) {
      for (const client of ['openethereum', 'nethermind'] as const) {
        expect((await computeGenesisHash(revision.chainSpec, { client })).hash).toBe(gov.genesisHash);
      }
      expect(checkChainSpec(revision.chainSpec, ['openethereum', 'nethermind']).problems).toEqual([]);
    }
  });

  it('refuses an activation block before the spec\'s contract transition', async () => {
    const gov2 = await governed({ ceremonyId: 'governance-chainspec2' }, (json) => {
      (json.chain as Json).validatorTransitions = [{ fromBlock: 1000, kind: 'safeContract', address: SAFE_CONTRACT }];
    });
    const entry = gov2.entry('Propose', gov2.member('Alpha').identity, gov2.proposePayload(gov2.newNode(gov2.member('Alpha'), '10.9.0.1:30303').change, { activationBlock: 999 }));
    await expect(gov2.apply(entry)).rejects.toMatchObject({ code: 'CHANGE_INVALID', path: 'entry.payload.activationBlock' });
  });

  it('lists the new enodes in the public bundle manifest', () => {
    const [first] = revisions;
    expect(first?.enodes).toHaveLength(5);
    expect(first?.publicManifest.files.map((file) => file.path)).toEqual(expect.arrayContaining(['chain-spec.json', 'reserved-peers', 'static-nodes.json']));
    expect(first?.publicManifest).not.toEqual(gov.genesisArtifact().publicManifest);
  });
});

describe('addValidatorLists (shared/chainspec/aura.ts)', () => {
  const list = { list: [SAFE_CONTRACT] };
  const a = makeKey().address;
  const b = makeKey().address;
  it('turns a plain list into a multi with the list at block 0, and adds after every existing key', () => {
    expect(addValidatorLists(list, [{ fromBlock: 5n, validators: [a] }])).toEqual({ multi: { '0': list, '5': { list: [a] } } });
    const later = addValidatorLists({ multi: { '0': list, '4294967296': { safeContract: SAFE_CONTRACT } } }, [{ fromBlock: 4294967297n, validators: [a, b] }]);
    expect(Object.keys(later.multi)).toEqual(['0', '4294967296', '4294967297']);
  });
  it.each<[string, () => unknown, string, string]>([
    ['a block not after the last transition', () => addValidatorLists({ multi: { '0': list, '1000': { safeContract: SAFE_CONTRACT } } }, [{ fromBlock: 1000n, validators: [a] }]), 'validatorLists[0].fromBlock', 'a block after the last earlier transition (1000), below 2^63'],
    ['a block past a C# long', () => addValidatorLists(list, [{ fromBlock: 1n << 63n, validators: [a] }]), 'validatorLists[0].fromBlock', 'a block after the last earlier transition (0), below 2^63'],
    ['an empty list', () => addValidatorLists(list, [{ fromBlock: 5n, validators: [] }]), 'validatorLists[0].validators', 'at least one validator'],
    ['a lowercase address', () => addValidatorLists(list, [{ fromBlock: 5n, validators: [SAFE_CONTRACT.toLowerCase()] }]), 'validatorLists[0].validators[0]', 'an EIP-55 checksummed address'],
    ['an address twice', () => addValidatorLists(list, [{ fromBlock: 5n, validators: [a, a] }]), 'validatorLists[0].validators[1]', 'an address not already in this list'],
  ])('refuses %s', (_name, call, path, expected) => {
    expect(expectThrows(call, 'CHAINSPEC_INVALID', path).expected).toBe(expected);
  });
});

describe('bridge calls', () => {
  let gov: GovernanceRun;
  let revisions: RevisionArtifact[];
  const added = makeKey();

  beforeAll(async () => {
    gov = await governed({ ceremonyId: 'governance-bridge', layout: [{ name: 'Alpha', authorityNodes: 1, bridgeValidators: 2 }, { name: 'Beta', authorityNodes: 1, bridgeValidators: 1 }, { name: 'Gamma', authorityNodes: 1, bridgeValidators: 1 }], requiredSignatures: 3 });
    const beta = gov.member('Beta');
    const alphaFirst = gov.current.members[0]?.bridgeValidators[0] as string;
    const gammaOnly = gov.current.members[2]?.bridgeValidators[0] as string;
    // Lower: 4 → 3 validators, 3 → 2 required.
    await gov.pass(beta, { kind: 'setBridgeValidators', add: [{ member: beta.identity.address, address: added.address, pop: gov.pop(beta.identity.address, 'bridge', 1, added) }], remove: [alphaFirst, gammaOnly], requiredSignatures: 2 });
    // Raise: 3 → 3 required, no member change.
    await gov.pass(beta, { kind: 'setBridgeValidators', add: [], remove: [], requiredSignatures: 3 });
    // A node change: no bridge call.
    await gov.pass(beta, gov.newNode(beta, '10.9.0.9:30303').change);
    revisions = await gov.revisionArtifacts();
  });

  it('gives each call for home and for foreign, with the placeholder target and the owner', () => {
    const calls = revisions[0]?.bridgeCalls ?? [];
    expect(calls.map((call) => call.chain)).toEqual(['home', 'home', 'home', 'home', 'foreign', 'foreign', 'foreign', 'foreign']);
    expect(new Set(calls.map((call) => call.target))).toEqual(
      new Set(['<BridgeValidators address: validatorContract() of the home bridge>', '<BridgeValidators address: validatorContract() of the foreign bridge>']),
    );
    expect(new Set(calls.map((call) => call.from))).toEqual(new Set([gov.ceremony.spec.bridge?.validatorsOwner]));
  });

  it('encodes calldata that ethers decodes to the intended calls, in an order the contract accepts (add, lower, remove)', () => {
    const alphaFirst = gov.governance.revisions[0]?.members[0]?.bridgeValidators[0] as string;
    const gammaOnly = gov.governance.revisions[0]?.members[2]?.bridgeValidators[0] as string;
    const home = (revisions[0]?.bridgeCalls ?? []).filter((call) => call.chain === 'home');
    expect(home.map((call) => decoded(call.calldata))).toEqual([`addValidator(${added.address})`, 'setRequiredSignatures(2)', `removeValidator(${alphaFirst})`, `removeValidator(${gammaOnly})`]);
    expect(home.map((call) => call.function)).toEqual(['addValidator(address)', 'setRequiredSignatures(uint256)', 'removeValidator(address)', 'removeValidator(address)']);
    expect(home.map((call) => call.calldata.slice(0, 10))).toEqual(['0x4d238c8e', '0x7d2b9cc0', '0x40a141ff', '0x40a141ff']);
    const foreign = (revisions[0]?.bridgeCalls ?? []).filter((call) => call.chain === 'foreign');
    expect(foreign.map((call) => call.calldata)).toEqual(home.map((call) => call.calldata));
  });

  it('raises the required signatures last, and makes no call for a change that leaves the bridge alone', () => {
    expect((revisions[1]?.bridgeCalls ?? []).map((call) => `${call.chain} ${decoded(call.calldata)}`)).toEqual(['home setRequiredSignatures(3)', 'foreign setRequiredSignatures(3)']);
    expect(revisions[2]?.bridgeCalls).toEqual([]);
    expect(revisions[1]?.bridge).toEqual({ validators: expect.any(Array), requiredSignatures: 3 });
  });
});

describe('bridge calls once the deployment is recorded', () => {
  let gov: GovernanceRun;
  let revisions: RevisionArtifact[];
  const first = newBridgeDeployment();
  const redeployed = newBridgeDeployment();
  const added = makeKey();

  beforeAll(async () => {
    gov = await governed({ ceremonyId: 'governance-bridge-recorded' });
    const beta = gov.member('Beta');
    await gov.pass(beta, { kind: 'recordBridgeDeployment', ...first });
    await gov.pass(beta, { kind: 'setBridgeValidators', add: [{ member: beta.identity.address, address: added.address, pop: gov.pop(beta.identity.address, 'bridge', 1, added) }], remove: [], requiredSignatures: 3 });
    await gov.pass(gov.member('Gamma'), { kind: 'recordBridgeDeployment', ...redeployed });
    await gov.pass(beta, { kind: 'setBridgeValidators', add: [], remove: [], requiredSignatures: 2 });
    revisions = await gov.revisionArtifacts();
  });

  it('makes no call to record the deployment', () => {
    expect(revisions[0]?.bridgeCalls).toEqual([]);
    expect(revisions[2]?.bridgeCalls).toEqual([]);
    expect(revisions[0]?.consortium.bridge?.deployment).toEqual(first);
  });

  it('targets the recorded BridgeValidators contract of each chain, checksummed, with calldata ethers decodes', () => {
    const calls = revisions[1]?.bridgeCalls ?? [];
    expect(calls.map((call) => `${call.chain} ${call.target} ${decoded(call.calldata)}`)).toEqual([
      `home ${first.home.validators} addValidator(${added.address})`,
      `home ${first.home.validators} setRequiredSignatures(3)`,
      `foreign ${first.foreign.validators} addValidator(${added.address})`,
      `foreign ${first.foreign.validators} setRequiredSignatures(3)`,
    ]);
    for (const call of calls) expect(getAddress(call.target)).toBe(call.target);
    expect(new Set(calls.map((call) => call.from))).toEqual(new Set([gov.ceremony.spec.bridge?.validatorsOwner]));
  });

  it('targets the contracts of the latest recording after a redeployment', () => {
    expect((revisions[3]?.bridgeCalls ?? []).map((call) => `${call.chain} ${call.target} ${decoded(call.calldata)}`)).toEqual([
      `home ${redeployed.home.validators} setRequiredSignatures(2)`,
      `foreign ${redeployed.foreign.validators} setRequiredSignatures(2)`,
    ]);
  });
});

describe('verifyRevisionChain', () => {
  let gov: GovernanceRun;
  let genesis: Json;
  let chain: RevisionArtifact[];
  const copy = (): Json[] => JSON.parse(JSON.stringify(chain)) as Json[];
  /** Re-signs a tampered revision with the real coordinator key, so only the tampering itself can fail. */
  const reseal = (revision: Json): Json => {
    const { coordinatorSignature: _old, ...body } = revision;
    return { ...body, coordinatorSignature: signTyped('Revision', revisionSealMessage(body as RevisionBody), gov.ceremony.coordinator.secretKey) };
  };

  beforeAll(async () => {
    gov = await governed({ ceremonyId: 'governance-verify' });
    await gov.pass(gov.member('Alpha'), gov.newNode(gov.member('Alpha'), '10.9.0.1:30303').change);
    const beta = gov.member('Beta');
    const key = makeKey();
    await gov.pass(beta, { kind: 'setBridgeValidators', add: [{ member: beta.identity.address, address: key.address, pop: gov.pop(beta.identity.address, 'bridge', 1, key) }], remove: [], requiredSignatures: 2 });
    await gov.pass(gov.member('Gamma'), gov.admission('Delta', ['10.9.1.1:30303'], 0).change);
    await gov.pass(beta, { kind: 'recordBridgeDeployment', ...newBridgeDeployment() });
    await gov.pass(beta, { kind: 'setBridgeValidators', add: [], remove: [], requiredSignatures: 3 });
    genesis = JSON.parse(JSON.stringify(gov.genesisArtifact())) as Json;
    chain = await gov.revisionArtifacts();
  });

  it('verifies the genesis artifact and every revision, and returns the latest consortium', async () => {
    const report = await verifyRevisionChain(genesis, copy());
    expect(report.failures).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.revisions.map((r) => r.revision)).toEqual([1, 2, 3, 4, 5]);
    expect(report.consortium).toEqual(gov.current);
  });

  it('verifies a prefix of the chain, and the genesis artifact alone', async () => {
    expect((await verifyRevisionChain(genesis, copy().slice(0, 2))).consortium).toEqual(gov.governance.revisions[2]);
    expect((await verifyRevisionChain(genesis, [])).consortium).toEqual(gov.governance.revisions[0]);
  });

  const tampered: [string, (revisions: Json[]) => void, string[]][] = [
    ['a validator added to the new list', (r) => lastList(r[0] as Json).push(makeKey().address), ['revisions[0].chainSpec']],
    ['the consortium\'s threshold', (r) => (r[0] as Json).consortium.threshold = 1, ['revisions[0].consortium']],
    ['a validator dropped from the list', (r) => (r[0] as Json).validators.pop(), ['revisions[0].validators']],
    ['an enode', (r) => ((r[0] as Json).enodes[0] = (r[0] as Json).enodes[1]), ['revisions[0].enodes']],
    ['a bridge call', (r) => ((r[1] as Json).bridgeCalls[0].calldata = flipLastDigit((r[1] as Json).bridgeCalls[0].calldata)), ['revisions[1].bridgeCalls']],
    ['the required signatures', (r) => ((r[1] as Json).bridge.requiredSignatures = 1), ['revisions[1].bridge']],
    ['the public manifest', (r) => ((r[0] as Json).publicManifest.files[0].bytes += 1), ['revisions[0].publicManifest']],
    ['the link to the genesis body', (r) => ((r[0] as Json).previousBodyHash = `0x${'11'.repeat(32)}`), ['revisions[0].previousBodyHash']],
    ['the revision number', (r) => ((r[1] as Json).revision = 3), ['revisions[1].revision']],
    ['the genesis hash', (r) => ((r[2] as Json).genesisHash = `0x${'22'.repeat(32)}`), ['revisions[2].genesisHash']],
    ['a vote left out, below the threshold', (r) => (r[0] as Json).votes.pop(), ['revisions[0].votes']],
    ['a vote signed by a non-member', (r) => ((r[0] as Json).votes[1].member = makeKey().address), ['revisions[0].votes[1].signature']],
    ['the change of the proposal', (r) => ((r[0] as Json).proposal.payload.change.node.endpoint = '10.9.9.9:30303'), ['revisions[0].proposal.payload.changeHash']],
    ['a proposal signature', (r) => ((r[0] as Json).proposal.signature = (r[0] as Json).votes[0].signature), ['revisions[0].proposal.signature']],
    ['a recorded BridgeValidators address', (r) => ((r[3] as Json).consortium.bridge.deployment.home.validators = makeKey().address), ['revisions[3].consortium']],
    ['a recorded start block', (r) => ((r[3] as Json).consortium.bridge.deployment.foreign.deployedBlock += 1), ['revisions[3].consortium']],
    ['the recorded bridge in the proposal', (r) => ((r[3] as Json).proposal.payload.change.home.bridge = makeKey().address), ['revisions[3].proposal.payload.changeHash']],
    ['a bridge call\'s target after the recording', (r) => ((r[4] as Json).bridgeCalls[0].target = '<BridgeValidators address: validatorContract() of the home bridge>'), ['revisions[4].bridgeCalls']],
  ];
  for (const [name, tamper, paths] of tampered) {
    it(`fails naming the field when ${name} is tampered with, even re-signed by the coordinator`, async () => {
      const revisions = copy();
      tamper(revisions);
      const index = Number(/^revisions\[(\d)\]/.exec(paths[0] as string)?.[1]);
      const unsigned = await verifyRevisionChain(genesis, revisions);
      expect(unsigned.ok).toBe(false);
      expect(unsigned.failures.map((f) => f.path)).toContain(`revisions[${index}].coordinatorSignature`);
      revisions[index] = reseal(revisions[index] as Json);
      const report = await verifyRevisionChain(genesis, revisions);
      expect(report.ok).toBe(false);
      const later = Array.from({ length: revisions.length - 1 - index }, (_, k) => `revisions[${index + 1 + k}]`);
      // A revision after the broken one also fails its link when the broken one's body changed.
      expect(report.failures.map((f) => f.path).filter((path) => !later.includes(path))).toEqual(paths);
      expect(report.failures.filter((f) => later.includes(f.path)).map((f) => f.check)).toEqual(later.map(() => 'revision chain'));
      expect(report.revisions).toHaveLength(index);
    });
  }

  it('fails on a revision signed by another key than the coordinator\'s', async () => {
    const revisions = copy();
    const last = revisions.length - 1;
    const { coordinatorSignature: _old, ...body } = revisions[last] as Json;
    revisions[last] = { ...body, coordinatorSignature: signTyped('Revision', revisionSealMessage(body as RevisionBody), makeKey().secretKey) };
    const report = await verifyRevisionChain(genesis, revisions);
    expect(report.failures).toEqual([{ check: 'coordinator signature', path: `revisions[${last}].coordinatorSignature`, expected: `a signature by the coordinator ${gov.ceremony.coordinator.address} over the revision body` }]);
  });

  it('fails on revisions out of order, and on a bad genesis artifact before any revision', async () => {
    const revisions = copy();
    const swapped = await verifyRevisionChain(genesis, [revisions[1], revisions[0]]);
    expect(swapped.failures[0]?.path).toBe('revisions[0].revision');
    const badGenesis = { ...genesis, genesisHash: `0x${'33'.repeat(32)}` };
    const report = await verifyRevisionChain(badGenesis, revisions);
    expect(report.ok).toBe(false);
    expect(report.failures.map((f) => f.path)).toContain('artifact.genesisHash');
  });

  it('names a revision that is not one', async () => {
    const report = await verifyRevisionChain(genesis, [{ format: 'concord/revision@2' }]);
    expect(report.failures).toEqual([{ check: 'revision format', path: 'revisions[0].format', expected: 'REVISION_INVALID: one of "concord/revision@1"' }]);
  });
});
