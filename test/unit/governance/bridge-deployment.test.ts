/**
 * recordBridgeDeployment through the real reducer (shared/governance/bridge-deployment.ts,
 * apply-change.ts): the consortium records its deployed bridge contracts by the threshold vote, as a
 * revision that changes nothing else; recording again replaces them; every bad input is refused with
 * its code and the field at fault, the state unchanged; the change schema refuses an address without
 * its checksum.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { addressOfPublicKey } from '../../../shared/crypto/secp256k1.js';
import { fromHex } from '../../../shared/hash/hex.js';
import { bridgeDeploymentOf, type ConsortiumState } from '../../../shared/governance/consortium.js';
import { changeSchema, type Change } from '../../../shared/governance/change.js';
import type { BridgeDeployment } from '../../../shared/governance/bridge-deployment.js';
import { PERMISSION_CONTRACT_ADDRESS } from '../../../shared/permissioning/account.js';
import { parseWith } from '../../../shared/validation/zod.js';
import type { TranscriptEntry } from '../../../shared/transcript/entry.js';
import type { ErrorCode } from '../../../shared/errors.js';
import { makeKey } from '../../helpers/ceremony.js';
import { expectRejects, expectThrows } from '../../helpers/errors.js';
import { GovernanceRun, governed, governedPermissioned, newBridgeDeployment } from './fixture.js';

const SAFE_CONTRACT = '0xE57bFE9F44b819898F47BF37E5AF72a0783e1141';

function record(deployment: BridgeDeployment): Change {
  return { kind: 'recordBridgeDeployment', ...deployment };
}

/** `deployment` with one address replaced. */
function withAddress(deployment: BridgeDeployment, chain: 'home' | 'foreign', role: 'bridge' | 'validators', address: string): BridgeDeployment {
  return { ...deployment, [chain]: { ...deployment[chain], [role]: address } };
}

/** The consortium without what a recording changes. */
function besidesDeployment(state: ConsortiumState): unknown {
  return { ...state, revision: null, bridge: state.bridge === null ? null : { ...state.bridge, deployment: null } };
}

/** Asserts the reducer refuses `entry` with `code` at `path`, changing nothing; returns the error. */
async function refused(gov: GovernanceRun, entry: TranscriptEntry, code: ErrorCode, path: string) {
  const before = structuredClone(gov.state);
  const error = await expectRejects(gov.apply(entry), code, path);
  expect(gov.state).toEqual(before);
  return error;
}

let base: GovernanceRun;
beforeAll(async () => {
  base = await governed({ ceremonyId: 'bridge-deployment' });
});

function fresh(): GovernanceRun {
  return new GovernanceRun(base.ceremony, base.run.fork());
}

describe('recording the bridge deployment', () => {
  it('passes at the threshold and makes a revision with the contracts and blocks, and nothing else changed', async () => {
    const gov = fresh();
    const deployment = newBridgeDeployment();
    const hash = await gov.propose(gov.member('Beta'), record(deployment));
    await gov.vote(gov.member('Gamma'), hash, true);
    expect(gov.proposal(hash).status).toBe('open');
    expect(bridgeDeploymentOf(gov.current)).toBeNull();
    await gov.vote(gov.member('Alpha'), hash, true);
    expect(gov.proposal(hash).status).toBe('passed');
    const [genesis, after] = gov.governance.revisions as [ConsortiumState, ConsortiumState];
    expect(after.revision).toBe(1);
    expect(after.bridge).toEqual({ requiredSignatures: 2, deployment });
    expect(bridgeDeploymentOf(genesis)).toBeNull();
    // No validator transition, no new key enrolled: contract addresses are not keys.
    expect(besidesDeployment(after)).toEqual(besidesDeployment(genesis));
  });

  it('takes no activation block into account: the validator list does not change', async () => {
    const gov = fresh();
    await gov.pass(gov.member('Alpha'), gov.newNode(gov.member('Alpha'), '10.9.0.1:30303').change, { activationBlock: 1000 });
    await gov.pass(gov.member('Alpha'), record(newBridgeDeployment()), { activationBlock: 5 });
    expect(gov.current.revision).toBe(2);
    expect(gov.current.schedule.lists.map((list) => list.fromBlock)).toEqual([1000]);
  });

  it('replaces the recorded deployment when recorded again (a redeployment), and refuses recording the one in force', async () => {
    const gov = fresh();
    const first = newBridgeDeployment();
    await gov.pass(gov.member('Beta'), record(first));
    const again = await refused(gov, gov.entry('Propose', gov.member('Alpha').identity, gov.proposePayload(record(first))), 'CHANGE_INVALID', 'entry.payload.change');
    expect(again.expected).toBe('a deployment other than the one in force at revision 1');
    // The same bridges, the foreign BridgeValidators corrected and a later start block: a new recording.
    const corrected = { ...withAddress(first, 'foreign', 'validators', makeKey().address), home: { ...first.home, deployedBlock: 4300 } };
    await gov.pass(gov.member('Alpha'), record(corrected));
    expect(bridgeDeploymentOf(gov.current)).toEqual(corrected);
    const redeployed = newBridgeDeployment();
    await gov.pass(gov.member('Gamma'), record(redeployed));
    expect(bridgeDeploymentOf(gov.current)).toEqual(redeployed);
    expect(gov.current.revision).toBe(3);
  });
});

describe('a bad deployment is refused, naming the field', () => {
  const reused = 'the address of a deployed bridge contract, not one the consortium already uses';
  const cases: [string, (gov: GovernanceRun, d: BridgeDeployment) => BridgeDeployment, string, string][] = [
    ['the zero address', (_gov, d) => withAddress(d, 'home', 'bridge', '0x0000000000000000000000000000000000000000'), 'home.bridge', 'the address of a deployed contract, not the zero address'],
    ['the bridge as its own BridgeValidators', (_gov, d) => withAddress(d, 'home', 'validators', d.home.bridge), 'home.validators', 'an address other than home.bridge: the four contracts are distinct'],
    ['the same bridge on both chains', (_gov, d) => withAddress(d, 'foreign', 'bridge', d.home.bridge), 'foreign.bridge', 'an address other than home.bridge: the four contracts are distinct'],
    ['one BridgeValidators for both chains', (_gov, d) => withAddress(d, 'foreign', 'validators', d.home.validators), 'foreign.validators', 'an address other than home.validators: the four contracts are distinct'],
    ['a member identity', (gov, d) => withAddress(d, 'home', 'bridge', gov.member('Gamma').identity.address), 'home.bridge', `${reused} (this is a key this consortium enrolled (identity, signer, node key, bridge validator) or its coordinator)`],
    ['a bridge validator key', (gov, d) => withAddress(d, 'foreign', 'validators', gov.current.members[1]?.bridgeValidators[0] as string), 'foreign.validators', ''],
    ['an authority signer', (gov, d) => withAddress(d, 'foreign', 'bridge', gov.current.members[0]?.nodes[1]?.signer as string), 'foreign.bridge', ''],
    ['a node key\'s address', (gov, d) => withAddress(d, 'home', 'validators', addressOfPublicKey(fromHex(gov.current.members[2]?.nodes[0]?.nodePublicKey as string))), 'home.validators', ''],
    ['the coordinator', (gov, d) => withAddress(d, 'home', 'bridge', gov.ceremony.coordinator.address), 'home.bridge', ''],
    ['the bridge owner', (gov, d) => withAddress(d, 'home', 'bridge', gov.ceremony.spec.bridge?.owner as string), 'home.bridge', `${reused} (this is the bridge owner (spec bridge.owner))`],
    ['the validators owner', (gov, d) => withAddress(d, 'foreign', 'validators', gov.ceremony.spec.bridge?.validatorsOwner as string), 'foreign.validators', `${reused} (this is the validators owner (spec bridge.validatorsOwner))`],
    ['the upgradeable admin', (gov, d) => withAddress(d, 'home', 'validators', gov.ceremony.spec.bridge?.upgradeableAdmin as string), 'home.validators', `${reused} (this is the upgradeable admin (spec bridge.upgradeableAdmin))`],
    ['the foreign token', (gov, d) => withAddress(d, 'foreign', 'bridge', gov.ceremony.spec.bridge?.foreignToken as string), 'foreign.bridge', `${reused} (this is the foreign ERC-20 token (spec bridge.foreignToken))`],
  ];
  for (const [name, edit, field, expected] of cases) {
    it(`refuses ${name}`, async () => {
      const gov = fresh();
      const error = await refused(gov, gov.entry('Propose', gov.member('Alpha').identity, gov.proposePayload(record(edit(gov, newBridgeDeployment())))), 'CHANGE_INVALID', `entry.payload.change.${field}`);
      if (expected !== '') expect(error.expected).toBe(expected);
      else expect(error.expected).toMatch(/^the address of a deployed bridge contract, not one the consortium already uses \(this is a key this consortium enrolled/);
    });
  }

  it('refuses a key the consortium removed: used addresses are never forgotten', async () => {
    const gov = fresh();
    const removed = gov.current.members[0]?.bridgeValidators[0] as string;
    await gov.pass(gov.member('Beta'), { kind: 'setBridgeValidators', add: [], remove: [removed], requiredSignatures: 1 });
    await refused(gov, gov.entry('Propose', gov.member('Beta').identity, gov.proposePayload(record(withAddress(newBridgeDeployment(), 'home', 'bridge', removed)))), 'CHANGE_INVALID', 'entry.payload.change.home.bridge');
  });

  it('refuses a spec\'s validator-set contract', async () => {
    const gov = await governed({ ceremonyId: 'bridge-deployment-contract' }, (json) => {
      (json.chain as Record<string, unknown>).validatorTransitions = [{ fromBlock: 1000, kind: 'safeContract', address: SAFE_CONTRACT }];
    });
    const error = await refused(gov, gov.entry('Propose', gov.member('Alpha').identity, gov.proposePayload(record(withAddress(newBridgeDeployment(), 'home', 'bridge', SAFE_CONTRACT)))), 'CHANGE_INVALID', 'entry.payload.change.home.bridge');
    expect(error.expected).toContain('a validator-set contract of the chain');
  });

  it('refuses, on a permissioned chain, the permission contract and the policy\'s bridge deployer', async () => {
    const { gov, outsiders } = await governedPermissioned();
    const contract = await refused(gov, gov.entry('Propose', gov.member('Alpha').identity, gov.proposePayload(record(withAddress(newBridgeDeployment(), 'home', 'validators', PERMISSION_CONTRACT_ADDRESS)))), 'CHANGE_INVALID', 'entry.payload.change.home.validators');
    expect(contract.expected).toContain('(this is the permission contract)');
    const deployer = await refused(gov, gov.entry('Propose', gov.member('Alpha').identity, gov.proposePayload(record(withAddress(newBridgeDeployment(), 'home', 'bridge', outsiders.deployer.address)))), 'CHANGE_INVALID', 'entry.payload.change.home.bridge');
    expect(deployer.expected).toContain('(this is a contract deployer of the permission policy in force)');
    // A good one passes there too, and makes no permission contract change.
    await gov.pass(gov.member('Alpha'), record(newBridgeDeployment()));
    expect(gov.current.permissions?.contractNonce).toBe(gov.governance.revisions[0]?.permissions?.contractNonce);
  });

  it('refuses a consortium without a bridge', async () => {
    const gov = await governed({ ceremonyId: 'bridge-deployment-none', layout: [{ name: 'One', authorityNodes: 1, bridgeValidators: 0 }, { name: 'Two', authorityNodes: 1, bridgeValidators: 0 }] });
    const error = await refused(gov, gov.entry('Propose', gov.member('One').identity, gov.proposePayload(record(newBridgeDeployment()))), 'CHANGE_INVALID', 'entry.payload.change.kind');
    expect(error.expected).toBe('a change the consortium can make: it has no bridge');
  });
});

describe('the change schema', () => {
  const parse = (change: unknown): unknown => parseWith(changeSchema, change, 'MESSAGE_INVALID', 'change');
  const good = (): Record<string, any> => ({ kind: 'recordBridgeDeployment', ...newBridgeDeployment() }); // raw JSON, edited freely

  it('accepts checksummed addresses and whole blocks, as they are', () => {
    const change = good();
    expect(parse(change)).toEqual(change);
  });

  it.each<[string, (change: Record<string, any>) => void, string, string]>([
    ['a lowercase address', (c) => (c.home.bridge = c.home.bridge.toLowerCase()), 'change.home.bridge', 'EIP-55'],
    ['an address with a wrong checksum', (c) => (c.foreign.validators = `0x${[...c.foreign.validators.slice(2)].map((ch: string) => (ch === ch.toUpperCase() ? ch.toLowerCase() : ch.toUpperCase())).join('')}`), 'change.foreign.validators', 'EIP-55'],
    ['a short address', (c) => (c.foreign.bridge = c.foreign.bridge.slice(0, 40)), 'change.foreign.bridge', '20-byte'],
    ['block 0', (c) => (c.home.deployedBlock = 0), 'change.home.deployedBlock', ''],
    ['a missing BridgeValidators', (c) => delete c.home.validators, 'change.home.validators', ''],
    ['an unknown field', (c) => (c.foreign.token = c.foreign.bridge), 'change.foreign', ''],
  ])('refuses %s', (_name, edit, path, words) => {
    const change = good();
    edit(change);
    const error = expectThrows(() => parse(change), 'MESSAGE_INVALID', path);
    expect(error.expected).toContain(words);
  });
});
