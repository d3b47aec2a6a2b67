/**
 * The real runtime code, executed in @ethereumjs/evm against the genesis state of a chain spec that
 * Concord assembled from a permissioned ceremony (real keys, real reveals): every class of sender gets
 * the mask the policy says, judged the way OpenEthereum and Nethermind judge a call to an account
 * without code, a call to an account with code, and a creation; changes signed by a threshold of
 * members take effect, and every bad variant reverts and leaves the state root as it was; the genesis
 * hash Concord computes matches one computed independently with the contract in the state.
 */
import { RLP } from '@ethereumjs/rlp';
import { createAddressFromString } from '@ethereumjs/util';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { beforeAll, describe, expect, it } from 'vitest';
import type { EvmLevel } from '../../../shared/chainspec/evm-levels.js';
import { signDigest } from '../../../shared/crypto/secp256k1.js';
import { computeGenesisHash } from '../../../shared/genesis/hash.js';
import { PERMISSION_CONTRACT_ADDRESS } from '../../../shared/permissioning/account.js';
import { TX_BASIC, TX_CALL, TX_CREATE } from '../../../shared/permissioning/policy.js';
import { permissionChangeDigest, permissionChangeTransaction, type ChangeContext, type PermissionChange } from '../../../shared/permissioning/typed-data.js';
import { makeKey, type TestKey } from '../../helpers/ceremony.js';
import { makePermissionedCeremony, type PermissionedCeremony } from './fixture.js';
import { CONTRACT, CONTRACT_CALL_GAS, genesisEvm, type GenesisEvm } from './genesis-evm.js';

const hex = (bytes: Uint8Array): string => `0x${bytesToHex(bytes)}`;
/** A contract standing for any deployed one: a single STOP. */
const STOP_CODE = Uint8Array.of(0x00);

interface World {
  setup: PermissionedCeremony;
  chainId: bigint;
  /** members in spec order: Alpha (one bridge validator), Beta (one), Gamma (none) */
  members: TestKey[];
  bridgeValidators: TestKey[];
  /** an address with code besides the permission contract */
  someContract: string;
  fresh(): Promise<GenesisEvm>;
}

async function worldOf(setup: PermissionedCeremony, level: EvmLevel): Promise<World> {
  const chainId = BigInt(setup.ceremony.spec.chain.chainId);
  const someContract = makeKey().address;
  return {
    setup,
    chainId,
    members: setup.ceremony.members.map((member) => member.identity),
    bridgeValidators: setup.ceremony.members.flatMap((member) => member.bridgeValidators),
    someContract,
    fresh: async () => {
      const g = await genesisEvm(setup.assembly.chainSpec, chainId, level);
      await g.state.putCode(createAddressFromString(someContract), STOP_CODE);
      return g;
    },
  };
}

function signaturesOf(change: PermissionChange, context: ChangeContext, signers: readonly TestKey[]): string[] {
  const digest = permissionChangeDigest(change, context);
  return signers.map((signer) => signDigest(digest, signer.secretKey));
}

/** Sorted ascending by address, as the contract wants signers. */
function ascending(keys: readonly TestKey[]): TestKey[] {
  return [...keys].sort((a, b) => (a.address.toLowerCase() < b.address.toLowerCase() ? -1 : 1));
}

describe('the permission contract at genesis (london, both clients)', () => {
  let world: World;
  let g: GenesisEvm;

  beforeAll(async () => {
    world = await worldOf(await makePermissionedCeremony(), 'london');
    g = await world.fresh();
  });

  it('reports interface version 2 and the conventional name', async () => {
    expect(await g.view('contractVersion')).toEqual([2n]);
    expect(await g.view('contractName')).toEqual(['TX_PERMISSION_CONTRACT']);
    expect(await g.view('contractNameHash')).toEqual([hex(keccak_256(utf8ToBytes('TX_PERMISSION_CONTRACT')))]);
  });

  it("holds the spec's members, threshold and default mask, and nonce 0, from genesis storage alone", async () => {
    const { spec } = world.setup.ceremony;
    expect(await g.view('members')).toEqual([ascending(world.members).map((key) => key.address)]);
    expect(await g.view('threshold')).toEqual([BigInt(spec.governance.threshold)]);
    expect(await g.view('defaultMask')).toEqual([BigInt(TX_BASIC)]);
    expect(await g.view('nonce')).toEqual([0n]);
    for (const member of world.members) expect(await g.view('isMember', [member.address])).toEqual([true]);
    expect(await g.view('isMember', [world.setup.outsiders.caller.address])).toEqual([false]);
  });

  type Sender = 'caller' | 'deployer' | 'member with a bridge validator' | 'member without one' | 'bridge validator' | 'unlisted';
  type Target = 'an account without code' | 'an account with code' | 'the permission contract' | 'creation';
  const senderOf = (sender: Sender): string => {
    const { outsiders } = world.setup;
    switch (sender) {
      case 'caller':
        return outsiders.caller.address;
      case 'deployer':
        return outsiders.deployer.address;
      case 'member with a bridge validator':
        return (world.members[0] as TestKey).address;
      case 'member without one':
        return (world.members[2] as TestKey).address;
      case 'bridge validator':
        return (world.bridgeValidators[1] as TestKey).address;
      case 'unlisted':
        return outsiders.stranger.address;
    }
  };
  const targetOf = (target: Target): string | null =>
    target === 'creation' ? null : target === 'an account with code' ? world.someContract : target === 'the permission contract' ? PERMISSION_CONTRACT_ADDRESS : makeKey().address;

  // Policy: transact ["consortium", caller], create [deployer], unlisted "basic".
  const table: [Sender, number, Record<Target, boolean>][] = [
    ['caller', TX_BASIC | TX_CALL, { 'an account without code': true, 'an account with code': true, 'the permission contract': true, creation: false }],
    ['deployer', TX_BASIC | TX_CALL | TX_CREATE, { 'an account without code': true, 'an account with code': true, 'the permission contract': true, creation: true }],
    ['member with a bridge validator', TX_BASIC | TX_CALL, { 'an account without code': true, 'an account with code': true, 'the permission contract': true, creation: false }],
    ['member without one', TX_BASIC | TX_CALL, { 'an account without code': true, 'an account with code': true, 'the permission contract': true, creation: false }],
    ['bridge validator', TX_BASIC | TX_CALL, { 'an account without code': true, 'an account with code': true, 'the permission contract': true, creation: false }],
    ['unlisted', TX_BASIC, { 'an account without code': true, 'an account with code': false, 'the permission contract': false, creation: false }],
  ];
  for (const [sender, mask, allowed] of table) {
    for (const target of Object.keys(allowed) as Target[]) {
      it(`gives the ${sender} mask ${mask} and ${allowed[target] ? 'allows' : 'refuses'} a transaction ${target === 'creation' ? 'that creates a contract' : `to ${target}`}`, async () => {
        const verdict = await g.verdict(senderOf(sender), targetOf(target));
        expect(verdict).toEqual({ mask, cache: false, allowed: allowed[target] });
      });
    }
  }

  it("stays far below Nethermind's 1.6M gas for the filter call", async () => {
    const outcome = await g.call(`0x${'00'.repeat(20)}`, PERMISSION_CONTRACT_ADDRESS, CONTRACT.encodeFunctionData('allowedTxTypes', [world.setup.outsiders.stranger.address, PERMISSION_CONTRACT_ADDRESS, 0n]), CONTRACT_CALL_GAS);
    expect(outcome.ok).toBe(true);
    expect(outcome.gasUsed).toBeLessThan(20_000n);
  });
});

describe('changes signed by the members', () => {
  let world: World;
  let alpha: TestKey;
  let beta: TestKey;
  let gamma: TestKey;
  /** Opens the stranger's calls and closes the chain to everyone unlisted. */
  let change: PermissionChange;

  beforeAll(async () => {
    world = await worldOf(await makePermissionedCeremony(), 'london');
    [alpha, beta, gamma] = world.members as [TestKey, TestKey, TestKey];
    change = { kind: 'SetPermissions', entries: [{ account: world.setup.outsiders.stranger.address, mask: TX_BASIC | TX_CALL, listed: true }], defaultMask: 0 };
  });

  const context = (nonce: bigint, chainId?: bigint): ChangeContext => ({ chainId: chainId ?? world.chainId, nonce });

  it('takes effect with a threshold of member signatures, submitted by a member', async () => {
    const g = await world.fresh();
    const stranger = world.setup.outsiders.stranger.address;
    expect((await g.verdict(stranger, world.someContract)).allowed).toBe(false);
    expect((await g.verdict(alpha.address, PERMISSION_CONTRACT_ADDRESS)).allowed).toBe(true);
    const tx = permissionChangeTransaction(change, context(0n), signaturesOf(change, context(0n), [gamma, alpha]));
    const outcome = await g.call(alpha.address, tx.to, tx.data);
    expect(outcome).toMatchObject({ ok: true, error: null });
    expect(await g.verdict(stranger, world.someContract)).toEqual({ mask: TX_BASIC | TX_CALL, cache: false, allowed: true });
    expect(await g.verdict(makeKey().address, makeKey().address)).toEqual({ mask: 0, cache: false, allowed: false });
    expect(await g.view('permissionOf', [stranger])).toEqual([BigInt(TX_BASIC | TX_CALL), true]);
    expect(await g.view('nonce')).toEqual([1n]);
  });

  it('removes an entry, so that the default applies again', async () => {
    const g = await world.fresh();
    const caller = world.setup.outsiders.caller.address;
    const unlist: PermissionChange = { kind: 'SetPermissions', entries: [{ account: caller, mask: 0, listed: false }], defaultMask: TX_BASIC };
    const tx = permissionChangeTransaction(unlist, context(0n), signaturesOf(unlist, context(0n), [alpha, beta]));
    expect((await g.call(beta.address, tx.to, tx.data)).ok).toBe(true);
    expect(await g.view('permissionOf', [caller])).toEqual([0n, false]);
    expect(await g.verdict(caller, world.someContract)).toEqual({ mask: TX_BASIC, cache: false, allowed: false });
  });

  it('replaces the members: a new member then signs, a removed one no longer counts', async () => {
    const g = await world.fresh();
    const delta = makeKey();
    const membership: PermissionChange = { kind: 'SetMembers', members: [alpha.address, beta.address, delta.address], threshold: 2 };
    const tx = permissionChangeTransaction(membership, context(0n), signaturesOf(membership, context(0n), [alpha, gamma]));
    expect(await g.call(gamma.address, tx.to, tx.data)).toMatchObject({ ok: true, error: null });
    expect(await g.view('members')).toEqual([ascending([alpha, beta, delta]).map((key) => key.address)]);
    expect(await g.view('isMember', [gamma.address])).toEqual([false]);
    expect((await g.verdict(delta.address, PERMISSION_CONTRACT_ADDRESS)).allowed).toBe(true);

    const byNew = permissionChangeTransaction(change, context(1n), signaturesOf(change, context(1n), [delta, beta]));
    expect((await g.call(delta.address, byNew.to, byNew.data)).ok).toBe(true);
    const byRemoved = permissionChangeTransaction(change, context(2n), signaturesOf(change, context(2n), [gamma, alpha]));
    const before = await g.state.getStateRoot();
    expect(await g.call(alpha.address, byRemoved.to, byRemoved.data)).toMatchObject({ ok: false, error: 'NotMember' });
    expect(await g.state.getStateRoot()).toEqual(before);
  });

  /** Calldata of `change` at `nonce` with these raw signatures in this order (what an attacker can send). */
  const rawSetPermissions = (nonce: bigint, signatures: string[], defaultMask = 0): string =>
    CONTRACT.encodeFunctionData('setPermissions', [[[world.setup.outsiders.stranger.address, TX_BASIC | TX_CALL, true]], defaultMask, nonce, signatures]);
  const highS = (signature: string): string => {
    const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
    const s = BigInt(`0x${signature.slice(66, 130)}`);
    const v = signature.slice(130) === '1b' ? '1c' : '1b';
    return `${signature.slice(0, 66)}${(n - s).toString(16).padStart(64, '0')}${v}`;
  };

  it.each<[string, (w: World) => { prior: boolean; data: () => string }, string]>([
    ['a replay of an applied change', () => ({ prior: true, data: () => rawSetPermissions(0n, signaturesOf(change, context(0n), ascending([alpha, beta]))) }), 'StaleNonce'],
    ['signatures over a stale nonce', () => ({ prior: true, data: () => rawSetPermissions(0n, signaturesOf(change, context(0n), ascending([alpha, gamma]))) }), 'StaleNonce'],
    ['a nonce ahead of the contract', () => ({ prior: false, data: () => rawSetPermissions(1n, signaturesOf(change, context(1n), ascending([alpha, beta]))) }), 'StaleNonce'],
    ['fewer signatures than the threshold', () => ({ prior: false, data: () => rawSetPermissions(0n, signaturesOf(change, context(0n), [alpha])) }), 'TooFewSignatures'],
    ['no signature at all', () => ({ prior: false, data: () => rawSetPermissions(0n, []) }), 'TooFewSignatures'],
    ['a non-member signer', (w) => ({ prior: false, data: () => rawSetPermissions(0n, signaturesOf(change, context(0n), ascending([alpha, w.setup.outsiders.caller]))) }), 'NotMember'],
    ['one member signing twice', () => ({ prior: false, data: () => rawSetPermissions(0n, signaturesOf(change, context(0n), [beta, beta])) }), 'DuplicateSigner'],
    ['signers out of ascending order', () => ({ prior: false, data: () => rawSetPermissions(0n, signaturesOf(change, context(0n), ascending([alpha, beta]).reverse())) }), 'SignersNotAscending'],
    ['signatures for another chain id', () => ({ prior: false, data: () => rawSetPermissions(0n, signaturesOf(change, context(0n, world.chainId + 1n), ascending([alpha, beta]))) }), 'NotMember'],
    [
      'signatures for another contract address',
      () => ({ prior: false, data: () => rawSetPermissions(0n, signaturesOf(change, { ...context(0n), contract: makeKey().address }, ascending([alpha, beta]))) }),
      'NotMember',
    ],
    ['a change other than the one signed', () => ({ prior: false, data: () => rawSetPermissions(0n, signaturesOf(change, context(0n), ascending([alpha, beta])), TX_BASIC) }), 'NotMember'],
    ['a high-s (malleated) signature', () => ({ prior: false, data: () => rawSetPermissions(0n, signaturesOf(change, context(0n), ascending([alpha, beta])).map(highS)) }), 'BadSignature'],
    [
      'a membership change short of the threshold',
      () => ({
        prior: false,
        data: () => {
          const membership: PermissionChange = { kind: 'SetMembers', members: [alpha.address], threshold: 1 };
          return permissionChangeTransaction(membership, context(0n), signaturesOf(membership, context(0n), [alpha])).data;
        },
      }),
      'TooFewSignatures',
    ],
  ])('reverts on %s and changes nothing', async (_name, variant, error) => {
    const g = await world.fresh();
    const { prior, data } = variant(world);
    if (prior) {
      const applied = permissionChangeTransaction(change, context(0n), signaturesOf(change, context(0n), [alpha, beta]));
      expect((await g.call(alpha.address, applied.to, applied.data)).ok).toBe(true);
    }
    const before = await g.state.getStateRoot();
    const outcome = await g.call(alpha.address, PERMISSION_CONTRACT_ADDRESS, data());
    expect(outcome).toMatchObject({ ok: false, error });
    expect(await g.state.getStateRoot()).toEqual(before);
  });
});

describe('a closed policy: no bridge, one caller, nobody else', () => {
  let world: World;

  beforeAll(async () => {
    const setup = await makePermissionedCeremony({
      layout: [
        { name: 'Alpha', authorityNodes: 1, bridgeValidators: 0 },
        { name: 'Beta', authorityNodes: 1, bridgeValidators: 0 },
      ],
      permissions: (outsiders) => ({ transact: [outsiders.caller.address], unlisted: 'none' }),
    });
    world = await worldOf(setup, 'london');
  });

  it('lets a member call only the permission contract, the caller call but not create, and no one else anything', async () => {
    const g = await world.fresh();
    const member = (world.members[0] as TestKey).address;
    const { caller, stranger } = world.setup.outsiders;
    expect(await g.verdict(member, PERMISSION_CONTRACT_ADDRESS)).toEqual({ mask: TX_CALL, cache: false, allowed: true });
    expect(await g.verdict(member, world.someContract)).toEqual({ mask: 0, cache: false, allowed: false });
    expect(await g.verdict(member, makeKey().address)).toEqual({ mask: 0, cache: false, allowed: false });
    expect(await g.verdict(caller.address, world.someContract)).toEqual({ mask: TX_BASIC | TX_CALL, cache: false, allowed: true });
    expect(await g.verdict(caller.address, null)).toEqual({ mask: TX_BASIC | TX_CALL, cache: false, allowed: false });
    for (const to of [PERMISSION_CONTRACT_ADDRESS, world.someContract, makeKey().address, null]) {
      expect(await g.verdict(stranger.address, to)).toEqual({ mask: 0, cache: false, allowed: false });
    }
  });
});

describe.each<EvmLevel>(['shanghai', 'cancun'])('the %s build at a %s genesis (Nethermind)', (level) => {
  it("gives the deployer, a bridge validator and an unlisted sender the policy's masks", async () => {
    const world = await worldOf(await makePermissionedCeremony({ evm: level }), level);
    const g = await world.fresh();
    expect(await g.verdict(world.setup.outsiders.deployer.address, null)).toEqual({ mask: TX_BASIC | TX_CALL | TX_CREATE, cache: false, allowed: true });
    expect(await g.verdict((world.bridgeValidators[0] as TestKey).address, world.someContract)).toEqual({ mask: TX_BASIC | TX_CALL, cache: false, allowed: true });
    expect(await g.verdict(world.setup.outsiders.stranger.address, world.someContract)).toEqual({ mask: TX_BASIC, cache: false, allowed: false });
  });
});

describe('the genesis hash with the contract in the state', () => {
  it('is the one computed independently: the EVM state root and a hand-built Aura header', async () => {
    const setup = await makePermissionedCeremony();
    const chainSpec = setup.assembly.chainSpec;
    const g = await genesisEvm(chainSpec, BigInt(setup.ceremony.spec.chain.chainId), 'london');
    const stateRoot = await g.state.getStateRoot();

    const ours = await computeGenesisHash(chainSpec);
    expect(ours.stateRoot).toBe(hex(stateRoot));

    const emptyTrie = keccak_256(RLP.encode(new Uint8Array(0)));
    const header = RLP.encode([
      new Uint8Array(32),
      keccak_256(RLP.encode([])),
      new Uint8Array(20),
      stateRoot,
      emptyTrie,
      emptyTrie,
      new Uint8Array(256),
      BigInt(chainSpec.genesis.difficulty),
      0n,
      BigInt(chainSpec.genesis.gasLimit),
      0n,
      BigInt(chainSpec.genesis.timestamp),
      new Uint8Array(0),
      0n,
      new Uint8Array(65),
      BigInt(chainSpec.genesis.baseFeePerGas),
    ]);
    expect(ours.hash).toBe(hex(keccak_256(header)));
    expect(setup.assembly.hashes.genesisHash).toBe(ours.hash);
  });
});
