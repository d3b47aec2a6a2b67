/**
 * The genesis hash of chain specs Concord makes, cross-checked by an independent computation over many
 * random specs (issue 3 #5). Two generators feed the real assemblers:
 * - `assembleAuraChainSpec` (shared/chainspec/aura.ts) from random inputs of its whole domain: EVM
 *   levels, gas limits, base fees, timestamps, prefunded balances, validator-set transitions, and a
 *   contract account with random code, storage, balance and nonce;
 * - `assemble` (shared/assembly/assemble.ts), what the coordinator, every client and `verify` run, from
 *   random ceremony specs and reveals, with a random permissions policy (the permission contract).
 * The written file (`serializeChainSpec`) is hashed by `computeGenesisHash` for each client and
 * compared with test/helpers/independent-genesis.ts over what the input says the state and header are,
 * so a wrong balance, nonce, code, slot or header field written by the assembler fails too.
 */
import fc from 'fast-check';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { getAddress } from 'ethers';
import { describe, expect, it } from 'vitest';
import { assembleAuraChainSpec, type AuraChainSpecInput, type ValidatorTransition, type ValidatorTransitions } from '../../../shared/chainspec/aura.js';
import { EVM_LEVELS, type EvmLevel } from '../../../shared/chainspec/evm-levels.js';
import { serializeChainSpec } from '../../../shared/chainspec/file.js';
import { assemble } from '../../../shared/assembly/assemble.js';
import { computeGenesisHash } from '../../../shared/genesis/hash.js';
import type { GenesisClient } from '../../../shared/genesis/header.js';
import { PERMISSION_CONTRACT_ADDRESS } from '../../../shared/permissioning/account.js';
import { RUNTIME_BYTECODE } from '../../../shared/permissioning/bytecode.js';
import { addressOf, publicKeyOf } from '../../../shared/crypto/secp256k1.js';
import { toHex } from '../../../shared/hash/hex.js';
import { parseSpec, hashSpec } from '../../../shared/spec/parse.js';
import { buildContribution, endpointOf, specJson, type MemberLayout, type TestCeremony, type TestKey } from '../../helpers/ceremony.js';
import { rejection } from '../../helpers/errors.js';
import { bigBytes, headerHash, preLondonFields, stateRoot, type StateAccount } from '../../helpers/independent-genesis.js';

const U256_MAX = (1n << 256n) - 1n;
const CLIENTS: readonly GenesisClient[] = ['openethereum', 'nethermind'];

/** What the state and header of block 0 must be, from the input alone. */
interface ExpectedGenesis {
  accounts: StateAccount[];
  gasLimit: bigint;
  timestamp: bigint;
  baseFeePerGasWei: bigint;
}

/**
 * The nine precompiles, each with `balance` 1 so that both clients put it in the state (REFERENCE.md §1:
 * a builtin with a balance is in the state, one without is not; shared/chainspec/builtins.ts).
 */
function precompiles(): StateAccount[] {
  return Array.from({ length: 9 }, (_, i) => ({ address: hexToBytes((i + 1).toString(16).padStart(40, '0')), nonce: 0n, balance: 1n, code: new Uint8Array(0), storage: [] }));
}

function prefunded(address: string, balanceWei: bigint): StateAccount {
  return { address: hexToBytes(address.slice(2)), nonce: 0n, balance: balanceWei, code: new Uint8Array(0), storage: [] };
}

/**
 * The hash both clients compute: the Aura seal is step 0 and 65 zero bytes, difficulty 0x20000, London at
 * block 0 with the base fee written (so OpenEthereum and Nethermind both append it), and no header
 * field of a later fork (Concord enables no withdrawal, blob or beacon-root transition).
 */
function independentHash(expected: ExpectedGenesis): { hash: string; stateRoot: string } {
  const root = stateRoot(expected.accounts);
  const header = [...preLondonFields(root, { difficulty: 0x20000n, gasLimit: expected.gasLimit, timestamp: expected.timestamp }), bigBytes(0n), new Uint8Array(65), bigBytes(expected.baseFeePerGasWei)];
  return { hash: headerHash(header), stateRoot: `0x${bytesToHex(root)}` };
}

/**
 * Hashes the chain spec file as written, for every client and for both at once, and checks each against
 * the independent hash: equal where the level runs on the client, refused naming the first timestamp
 * transition where it does not (OpenEthereum 3.3.5 stops at London).
 */
async function expectSameHash(chainSpec: unknown, level: EvmLevel, expected: ExpectedGenesis): Promise<string> {
  const written: unknown = JSON.parse(serializeChainSpec(chainSpec));
  const params = (written as { params: Record<string, unknown> }).params;
  // Concord never writes accountStartNonce: both clients give an account without a nonce nonce 0 anyway.
  expect(Object.keys(params)).not.toContain('accountStartNonce');
  const independent = independentHash(expected);
  for (const client of CLIENTS) {
    if (client === 'openethereum' && level !== 'london') {
      const error = await rejection(computeGenesisHash(written, { client }));
      expect({ code: error.code, path: error.path }).toEqual({ code: 'CHAINSPEC_UNSUPPORTED', path: 'params.eip3651TransitionTimestamp' });
      continue;
    }
    const result = await computeGenesisHash(written, { client });
    expect(result.stateRoot).toBe(independent.stateRoot);
    expect(result.hash).toBe(independent.hash);
  }
  if (level === 'london') {
    expect((await computeGenesisHash(written)).hash).toBe(independent.hash);
  } else {
    expect((await rejection(computeGenesisHash(written))).code).toBe('CHAINSPEC_UNSUPPORTED');
  }
  return independent.hash;
}

// ---- Random inputs.

/** A random EIP-55 address outside the precompiles and the permission contract's fixed address. */
const address: fc.Arbitrary<string> = fc
  .uint8Array({ minLength: 20, maxLength: 20 })
  .map((bytes) => getAddress(`0x${bytesToHex(bytes)}`))
  .filter((a) => BigInt(a) > 9n && a !== PERMISSION_CONTRACT_ADDRESS);

const level = fc.constantFrom<EvmLevel>(...EVM_LEVELS);
const wei = (min: bigint): fc.Arbitrary<bigint> => fc.oneof(fc.bigInt({ min, max: U256_MAX }), fc.bigInt({ min, max: min + 10n ** 21n }), fc.constant(10n ** 18n > min ? 10n ** 18n : min));
const gasLimit = fc.oneof(fc.bigInt({ min: 5000n, max: (1n << 63n) - 1n }), fc.constantFrom(5000n, 10_000_000n, 30_000_000n));
const baseFee = fc.oneof(fc.constant(1_000_000_000n), fc.bigInt({ min: 1n, max: U256_MAX }));

/** Strictly increasing blocks ≥ 1, each with a contract kind and address. */
const transitions = (addresses: readonly string[]): fc.Arbitrary<ValidatorTransition[]> =>
  fc.uniqueArray(fc.bigInt({ min: 1n, max: (1n << 63n) - 1n }), { maxLength: addresses.length }).chain((blocks) =>
    fc.tuple(...[...blocks].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).map((fromBlock, i) => fc.constantFrom<ValidatorTransition['kind']>('safeContract', 'contract').map((kind): ValidatorTransition => ({ fromBlock, kind, address: addresses[i] as string })))),
  );

interface ContractModel {
  address: string;
  balance: bigint;
  nonce: bigint;
  code: Uint8Array;
  storage: [bigint, bigint][];
}

const word = (n: bigint): string => `0x${n.toString(16).padStart(64, '0')}`;

const contract = (at: string): fc.Arbitrary<ContractModel> =>
  fc.record({
    address: fc.constant(at),
    balance: fc.oneof(fc.constant(0n), wei(1n)),
    nonce: fc.oneof(fc.constant(0n), fc.constant(1n), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n })),
    code: fc.uint8Array({ minLength: 1, maxLength: 120 }),
    storage: fc.uniqueArray(fc.tuple(fc.oneof(fc.bigInt({ min: 0n, max: 20n }), fc.bigInt({ min: 0n, max: U256_MAX })), fc.oneof(fc.bigInt({ min: 1n, max: 255n }), fc.bigInt({ min: 1n, max: U256_MAX }))), {
      maxLength: 8,
      selector: ([slot]) => slot,
    }),
  });

interface ChainModel {
  input: AuraChainSpecInput<ValidatorTransitions>;
  contract: ContractModel | null;
}

/** Random inputs across `assembleAuraChainSpec`'s domain; every address distinct. */
const chainModel: fc.Arbitrary<ChainModel> = fc
  .record({ validators: fc.integer({ min: 1, max: 5 }), accounts: fc.integer({ min: 0, max: 6 }), transitions: fc.integer({ min: 0, max: 3 }), contract: fc.boolean() })
  .chain((sizes) =>
    fc.uniqueArray(address, { minLength: sizes.validators + sizes.accounts + sizes.transitions + 1, maxLength: sizes.validators + sizes.accounts + sizes.transitions + 1 }).chain((addresses) => {
      const validators = addresses.slice(0, sizes.validators);
      const accounts = addresses.slice(sizes.validators, sizes.validators + sizes.accounts);
      const transitionAddresses = addresses.slice(sizes.validators + sizes.accounts, -1);
      const contractAddress = addresses.at(-1) as string;
      return fc.record({
        input: fc.record({
          name: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9 _-]{0,20}$/),
          chainId: fc.bigInt({ min: 1n, max: (1n << 63n) - 37n }),
          networkId: fc.bigInt({ min: 1n, max: (1n << 64n) - 1n }),
          stepDurationSec: fc.integer({ min: 1, max: 65535 }),
          gasLimit,
          blockRewardWei: fc.oneof(fc.constant(0n), wei(0n)),
          evm: level,
          baseFeePerGasWei: baseFee,
          validators: fc.constant(validators),
          accounts: fc.tuple(...accounts.map((a) => wei(1n).map((balanceWei) => ({ address: a, balanceWei })))),
          genesisTimestamp: fc.oneof(fc.constant(0n), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n })),
          validatorTransitions: transitions(transitionAddresses),
        }),
        contract: sizes.contract ? contract(contractAddress) : fc.constant(null),
      });
    }),
  );

describe('the genesis hash of chain specs Concord assembles', () => {
  it('is what an independent RLP and trie give, for every client the EVM level runs on (assembleAuraChainSpec)', async () => {
    await fc.assert(
      fc.asyncProperty(chainModel, async ({ input, contract: account }) => {
        const chainSpec = assembleAuraChainSpec({
          ...input,
          ...(account === null
            ? {}
            : {
                transactionPermission: {
                  address: account.address,
                  account: {
                    balance: `0x${account.balance.toString(16)}`,
                    nonce: `0x${account.nonce.toString(16)}`,
                    code: `0x${bytesToHex(account.code)}`,
                    storage: Object.fromEntries(account.storage.map(([slot, value]) => [word(slot), word(value)])),
                  },
                },
              }),
        });
        await expectSameHash(chainSpec, input.evm, {
          accounts: [
            ...precompiles(),
            ...input.accounts.map((a) => prefunded(a.address, a.balanceWei)),
            ...(account === null ? [] : [{ address: hexToBytes(account.address.slice(2)), nonce: account.nonce, balance: account.balance, code: account.code, storage: account.storage }]),
          ],
          gasLimit: input.gasLimit,
          timestamp: input.genesisTimestamp,
          baseFeePerGasWei: input.baseFeePerGasWei,
        });
      }),
      { numRuns: 200 },
    );
  });

  // ---- Whole ceremonies: spec, reveals, assembly.

  const SECP256K1_ORDER = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

  /** A key from a secret scalar, so that a failing case replays from its seed. */
  const keyFrom = (secret: bigint): TestKey => {
    const secretKey = hexToBytes(secret.toString(16).padStart(64, '0'));
    return { secretKey, address: addressOf(secretKey), publicKey: toHex(publicKeyOf(secretKey)) };
  };

  interface PolicyModel {
    unlisted: 'none' | 'basic' | 'call';
    callers: string[];
    creators: string[];
    deployer: string;
    deploys: 'iexec' | 'other';
  }

  interface CeremonyModel {
    layout: MemberLayout[];
    secrets: bigint[];
    evm: EvmLevel;
    clients: GenesisClient[];
    gasLimit: bigint;
    baseFeePerGasWei: bigint;
    blockRewardWei: bigint;
    stepDurationSec: number;
    accounts: { address: string; balanceWei: bigint }[];
    transitions: ValidatorTransition[];
    policy: PolicyModel | null;
  }

  const layout = fc.array(fc.record({ authorityNodes: fc.integer({ min: 1, max: 2 }), bridgeValidators: fc.integer({ min: 0, max: 1 }) }), { minLength: 1, maxLength: 3 }).map((members) => members.map((m, i): MemberLayout => ({ name: `Member ${i}`, ...m })));

  const ceremonyModel: fc.Arbitrary<CeremonyModel> = fc.tuple(layout, level, fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 3 })).chain(([members, evm, accountCount, transitionCount, grantees]) => {
    // per member its identity, per node a signer and a node key, its bridge validators; then the coordinator
    const keyCount = members.reduce((sum, m) => sum + 1 + 2 * m.authorityNodes + m.bridgeValidators, 0) + 1;
    const addressCount = accountCount + transitionCount + 2 * grantees + 1;
    return fc.record({
      layout: fc.constant(members),
      secrets: fc.uniqueArray(fc.bigInt({ min: 1n, max: SECP256K1_ORDER - 1n }), { minLength: keyCount, maxLength: keyCount }),
      evm: fc.constant(evm),
      clients: evm === 'london' ? fc.constantFrom<GenesisClient[]>(['openethereum', 'nethermind'], ['nethermind', 'openethereum'], ['openethereum'], ['nethermind']) : fc.constant<GenesisClient[]>(['nethermind']),
      gasLimit,
      baseFeePerGasWei: baseFee,
      blockRewardWei: fc.oneof(fc.constant(0n), wei(0n)),
      stepDurationSec: fc.integer({ min: 1, max: 3600 }),
      addresses: fc.uniqueArray(address, { minLength: addressCount, maxLength: addressCount }),
      policy: fc.option(fc.record({ unlisted: fc.constantFrom<PolicyModel['unlisted']>('none', 'basic', 'call'), deploys: fc.constantFrom<PolicyModel['deploys']>('iexec', 'other') }), { nil: null }),
      balances: fc.array(wei(1n), { minLength: accountCount, maxLength: accountCount }),
      kinds: fc.array(fc.constantFrom<ValidatorTransition['kind']>('safeContract', 'contract'), { minLength: transitionCount, maxLength: transitionCount }),
      blocks: fc.uniqueArray(fc.bigInt({ min: 1n, max: (1n << 53n) - 1n }), { minLength: transitionCount, maxLength: transitionCount }),
    }).map(({ addresses, policy, balances, kinds, blocks, ...rest }): CeremonyModel => {
      // Generated values are never mutated: fast-check reuses them while shrinking.
      let next = 0;
      const take = (n: number): string[] => addresses.slice(next, (next += n));
      const accounts = take(accountCount).map((a, i) => ({ address: a, balanceWei: balances[i] as bigint }));
      const sorted = [...blocks].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      const transitions = take(transitionCount).map((a, i): ValidatorTransition => ({ fromBlock: sorted[i] as bigint, kind: kinds[i] as ValidatorTransition['kind'], address: a }));
      const callers = take(grantees);
      const creators = take(grantees);
      const [deployer] = take(1);
      return { ...rest, accounts, transitions, policy: policy === null ? null : { ...policy, callers, creators, deployer: deployer as string } };
    });
  });

  /** The spec a consortium would write for `model`, parsed, and every member's honest contribution. */
  function ceremonyOf(model: CeremonyModel): { ceremony: TestCeremony; contributions: ReturnType<typeof buildContribution>[] } {
    const secrets = [...model.secrets];
    const key = (): TestKey => keyFrom(secrets.shift() as bigint);
    const coordinator = keyFrom(secrets.pop() as bigint);
    const members = model.layout.map((memberLayout, m) => ({
      layout: memberLayout,
      identity: key(),
      authorities: Array.from({ length: memberLayout.authorityNodes }, (_, i) => ({ signer: key(), node: key(), endpoint: endpointOf(m, i) })),
      bridgeValidators: Array.from({ length: memberLayout.bridgeValidators }, () => key()),
    }));
    const json = specJson('assembled-hash', coordinator.address, members.map((m) => ({ layout: m.layout, identity: m.identity.address, endpoints: m.authorities.map((a) => a.endpoint) })));
    json.chain = {
      ...(json.chain as Record<string, unknown>),
      gasLimit: model.gasLimit.toString(),
      baseFeePerGasWei: model.baseFeePerGasWei.toString(),
      blockRewardWei: model.blockRewardWei.toString(),
      stepDurationSec: model.stepDurationSec,
      evm: model.evm,
      clients: model.clients,
      accounts: model.accounts.map((a) => ({ address: a.address, balanceWei: a.balanceWei.toString() })),
      ...(model.transitions.length === 0 ? {} : { validatorTransitions: model.transitions.map((t) => ({ fromBlock: Number(t.fromBlock), kind: t.kind, address: t.address })) }),
    };
    const bridge = json.bridge !== undefined;
    if (model.policy !== null) {
      const { unlisted, callers, creators, deployer, deploys } = model.policy;
      json.permissions = { transact: ['consortium', ...callers], create: [deployer, ...creators], unlisted, deployers: [{ address: deployer, deploys: bridge ? 'bridge' : deploys }] };
    }
    const spec = parseSpec(json);
    const specHash = hashSpec(spec);
    const ceremony: TestCeremony = { spec, specHash, context: { spec, specHash }, coordinator, members: [] };
    const contributions = members.map((m) => buildContribution(ceremony, m));
    return { ceremony, contributions };
  }

  it('is what an independent RLP and trie give for whole ceremonies, permission contract included (assemble)', async () => {
    await fc.assert(
      fc.asyncProperty(ceremonyModel, async (model) => {
        const { ceremony, contributions } = ceremonyOf(model);
        const assembly = await assemble(ceremony.spec, contributions);
        const accounts = (assembly.chainSpec as unknown as { accounts: Record<string, { balance: string; nonce?: string; code?: string; storage?: Record<string, string> }> }).accounts;
        const permission: StateAccount[] = [];
        if (model.policy !== null) {
          // The contract as the policy and level fix it; its storage is read back from the file, parsed here.
          const written = accounts[PERMISSION_CONTRACT_ADDRESS];
          expect(written?.balance).toBe('0x0');
          expect(written?.nonce).toBe('0x1');
          expect(written?.code).toBe(RUNTIME_BYTECODE[model.evm]);
          const storage = Object.entries(written?.storage ?? {}).map(([slot, value]): [bigint, bigint] => [BigInt(slot), BigInt(value)]);
          expect(storage.length).toBeGreaterThan(0);
          permission.push({ address: hexToBytes(PERMISSION_CONTRACT_ADDRESS.slice(2)), nonce: 1n, balance: 0n, code: hexToBytes(RUNTIME_BYTECODE[model.evm].slice(2)), storage });
        } else {
          expect(accounts[PERMISSION_CONTRACT_ADDRESS]).toBeUndefined();
        }
        const expected: ExpectedGenesis = {
          accounts: [...precompiles(), ...model.accounts.map((a) => prefunded(a.address, a.balanceWei)), ...permission],
          gasLimit: model.gasLimit,
          timestamp: 0n,
          baseFeePerGasWei: model.baseFeePerGasWei,
        };
        expect(Object.keys(accounts)).toHaveLength(expected.accounts.length);
        // The hash members sign is the one every client the spec targets computes.
        expect(assembly.hashes.genesisHash).toBe(await expectSameHash(assembly.chainSpec, model.evm, expected));
      }),
      { numRuns: 40 },
    );
  });
});
