import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { getAddress } from 'ethers';
import { describe, expect, it } from 'vitest';
import { assembleAuraChainSpec, type AuraChainSpec, type AuraChainSpecInput } from '../../../shared/chainspec/aura.js';
import { EVM_LEVELS } from '../../../shared/chainspec/evm-levels.js';
import { ConcordError } from '../../../shared/errors.js';
import { GOLDEN_INPUT, KEY1, KEY2, KEY3, KEY4, KEY5 } from './golden-input.js';
import { expectGoldenText } from '../../helpers/golden.js';
import { serializeChainSpec } from '../../../shared/chainspec/file.js';

const GOLDEN_FILE = fileURLToPath(new URL('../../golden/chainspec/aura-london-v1.json', import.meta.url));


function withInput(change: Partial<AuraChainSpecInput>): AuraChainSpecInput {
  return { ...GOLDEN_INPUT, ...change };
}

function thrown(fn: () => unknown): ConcordError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConcordError) return err;
    throw err;
  }
  throw new Error('expected a ConcordError');
}

type Path = (string | number)[];

function leaves(value: unknown, path: Path = []): [Path, unknown][] {
  if (Array.isArray(value)) return value.flatMap((item, i) => leaves(item, [...path, i]));
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([key, item]) => leaves(item, [...path, key]));
  }
  return [[path, value]];
}

function keysDeep(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(keysDeep);
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([key, item]) => [key, ...keysDeep(item)]);
  }
  return [];
}

const CANONICAL_HEX = /^0x(0|[1-9a-f][0-9a-f]*)$/;

/** What a leaf of the spec must look like, by its path. */
function leafProblem([path, value]: [Path, unknown]): string | null {
  const at = path.join('.');
  const isAddress = (v: unknown): boolean => typeof v === 'string' && /^0x[0-9a-fA-F]{40}$/.test(v) && getAddress(v) === v;
  if (at === 'name') return typeof value === 'string' ? null : `${at}: not a string`;
  if (at === 'engine.authorityRound.params.stepDuration') {
    return Number.isSafeInteger(value) && (value as number) > 0 ? null : `${at}: not a positive JSON number`;
  }
  if (path[0] === 'accounts' && path[2] === 'builtin' && path[3] === 'pricing') {
    return Number.isSafeInteger(value) && (value as number) >= 0 ? null : `${at}: not a u64 JSON number`;
  }
  if (at.startsWith('engine.authorityRound.params.validators.list.')) return isAddress(value) ? null : `${at}: not a checksummed address`;
  if (at === 'genesis.seal.authorityRound.signature') return value === `0x${'00'.repeat(65)}` ? null : `${at}: not 65 zero bytes`;
  if (path[0] === 'accounts' && path[2] === 'builtin' && path[3] === 'name') return typeof value === 'string' ? null : `${at}: not a name`;
  return typeof value === 'string' && CANONICAL_HEX.test(value) ? null : `${at}: not a canonical hex quantity`;
}

// OpenEthereum v3.3.5 crates/ethjson/src/spec/*.rs: the fields each `deny_unknown_fields` struct
// declares (camelCase as serde renames them; builtin.rs is snake_case), and the ones that are not Option.
const OPENETHEREUM = {
  spec: { fields: ['name', 'dataDir', 'engine', 'params', 'genesis', 'accounts', 'nodes'], required: ['name', 'engine', 'params', 'genesis', 'accounts'] },
  authorityRoundParams: {
    fields: [
      'stepDuration', 'validators', 'startStep', 'validateScoreTransition', 'validateStepTransition', 'immediateTransitions',
      'blockReward', 'blockRewardContractTransition', 'blockRewardContractAddress', 'blockRewardContractTransitions',
      'blockRewardContractCode', 'maximumUncleCountTransition', 'maximumUncleCount', 'emptyStepsTransition', 'maximumEmptySteps',
      'strictEmptyStepsTransition', 'twoThirdsMajorityTransition', 'randomnessContractAddress', 'blockGasLimitContractTransitions',
      'posdaoTransition', 'rewriteBytecode',
    ],
    required: ['stepDuration', 'validators'],
  },
  params: {
    fields: [
      'accountStartNonce', 'maximumExtraDataSize', 'minGasLimit', 'networkID', 'chainID', 'subprotocolName', 'forkBlock',
      'forkCanonHash', 'eip150Transition', 'eip160Transition', 'eip161abcTransition', 'eip161dTransition', 'eip98Transition',
      'eip155Transition', 'validateChainIdTransition', 'validateReceiptsTransition', 'eip140Transition', 'eip210Transition',
      'eip210ContractAddress', 'eip210ContractCode', 'eip210ContractGas', 'eip211Transition', 'eip145Transition',
      'eip214Transition', 'eip658Transition', 'eip1052Transition', 'eip1283Transition', 'eip1283DisableTransition',
      'eip1283ReenableTransition', 'eip1014Transition', 'eip1706Transition', 'eip1344Transition', 'eip1884Transition',
      'eip2028Transition', 'eip2315Transition', 'eip2929Transition', 'eip2930Transition', 'eip1559Transition',
      'eip3198Transition', 'eip3529Transition', 'eip3541Transition', 'eip3607Transition', 'dustProtectionTransition',
      'nonceCapIncrement', 'removeDustContracts', 'gasLimitBoundDivisor', 'registrar', 'applyReward', 'nodePermissionContract',
      'maxCodeSize', 'maxTransactionSize', 'maxCodeSizeTransition', 'transactionPermissionContract',
      'transactionPermissionContractTransition', 'wasmActivationTransition', 'wasmDisableTransition', 'kip4Transition',
      'kip6Transition', 'eip1559BaseFeeMaxChangeDenominator', 'eip1559ElasticityMultiplier', 'eip1559BaseFeeInitialValue',
      'eip1559BaseFeeMinValue', 'eip1559BaseFeeMinValueTransition', 'eip1559FeeCollector', 'eip1559FeeCollectorTransition',
      'validateServiceTransactionsTransition',
    ],
    required: ['maximumExtraDataSize', 'minGasLimit', 'networkID', 'gasLimitBoundDivisor'],
  },
  genesis: {
    fields: [
      'seal', 'difficulty', 'author', 'timestamp', 'parentHash', 'gasLimit', 'transactionsRoot', 'receiptsRoot', 'stateRoot',
      'gasUsed', 'extraData', 'baseFeePerGas',
    ],
    required: ['seal', 'difficulty', 'gasLimit'],
  },
  authorityRoundSeal: { fields: ['step', 'signature'], required: ['step', 'signature'] },
  account: { fields: ['builtin', 'balance', 'nonce', 'code', 'storage', 'constructor'], required: [] },
  builtin: { fields: ['name', 'pricing', 'activate_at'], required: ['name', 'pricing'] },
  pricingAt: { fields: ['info', 'price'], required: ['price'] },
} satisfies Record<string, { fields: string[]; required: string[] }>;

function structProblems(value: unknown, struct: { fields: string[]; required: string[] }, at: string): string[] {
  const keys = Object.keys(value as object);
  return [
    ...keys.filter((key) => !struct.fields.includes(key)).map((key) => `${at}: unknown field ${key}`),
    ...struct.required.filter((key) => !keys.includes(key)).map((key) => `${at}: missing ${key}`),
  ];
}

/** What OpenEthereum 3.3.5's strict parser would refuse in `spec`, field by field. */
function openEthereumProblems(spec: AuraChainSpec): string[] {
  const params = spec.engine.authorityRound.params;
  return [
    ...structProblems(spec, OPENETHEREUM.spec, 'spec'),
    ...structProblems(spec.engine, { fields: ['authorityRound'], required: ['authorityRound'] }, 'engine'),
    ...structProblems(spec.engine.authorityRound, { fields: ['params'], required: ['params'] }, 'engine.authorityRound'),
    ...structProblems(params, OPENETHEREUM.authorityRoundParams, 'engine.authorityRound.params'),
    ...structProblems(params.validators, { fields: ['list'], required: ['list'] }, 'validators'),
    ...structProblems(spec.params, OPENETHEREUM.params, 'params'),
    ...structProblems(spec.genesis, OPENETHEREUM.genesis, 'genesis'),
    ...structProblems(spec.genesis.seal, { fields: ['authorityRound'], required: ['authorityRound'] }, 'genesis.seal'),
    ...structProblems(spec.genesis.seal.authorityRound, OPENETHEREUM.authorityRoundSeal, 'genesis.seal.authorityRound'),
    ...Object.entries(spec.accounts).flatMap(([address, account]) => [
      ...structProblems(account, OPENETHEREUM.account, `accounts.${address}`),
      ...('builtin' in account
        ? [
            ...structProblems(account.builtin, OPENETHEREUM.builtin, `accounts.${address}.builtin`),
            ...Object.entries(account.builtin.pricing).flatMap(([block, pricingAt]) =>
              structProblems(pricingAt, OPENETHEREUM.pricingAt, `accounts.${address}.builtin.pricing.${block}`),
            ),
          ]
        : []),
    ]),
  ];
}

// Nethermind src/Nethermind/Nethermind.Specs/ChainSpecStyle/Json/ChainSpecParamsJson.cs (names matched
// case-insensitively: Nethermind's own Chains/gnosis.json writes `networkID`), the AuRa properties of
// AuthorityRoundChainSpecEngineParameters.cs, and the genesis fields ChainSpecLoader.LoadGenesis reads.
const NETHERMIND_PARAMS = [
  'chainId', 'networkId', 'registrar', 'gasLimitBoundDivisor', 'maximumExtraDataSize', 'minGasLimit', 'minHistoryRetentionEpochs',
  'forkBlock', 'forkCanonHash', 'eip7Transition', 'eip150Transition', 'eip152Transition', 'eip160Transition',
  'eip161abcTransition', 'eip161dTransition', 'eip155Transition', 'maxCodeSize', 'maxCodeSizeTransition',
  'maxCodeSizeTransitionTimestamp', 'eip140Transition', 'eip211Transition', 'eip214Transition', 'eip658Transition',
  'eip145Transition', 'eip1014Transition', 'eip1052Transition', 'eip1108Transition', 'eip1283Transition',
  'eip1283DisableTransition', 'eip1283ReenableTransition', 'eip1344Transition', 'eip1706Transition', 'eip1884Transition',
  'eip2028Transition', 'eip2200Transition', 'eip1559Transition', 'eip2315Transition', 'eip2537Transition', 'eip2565Transition',
  'eip2929Transition', 'eip2930Transition', 'eip3198Transition', 'eip3529Transition', 'eip3541Transition', 'eip3607Transition',
  'eip1559BaseFeeInitialValue', 'eip1559BaseFeeMaxChangeDenominator', 'eip1559ElasticityMultiplier',
  'transactionPermissionContract', 'transactionPermissionContractTransition', 'validateChainIdTransition',
  'validateReceiptsTransition', 'eip1559FeeCollectorTransition', 'feeCollector', 'eip1559BaseFeeMinValueTransition',
  'eip1559BaseFeeMinValue', 'mergeForkIdTransition', 'terminalTotalDifficulty', 'terminalPoWBlockNumber',
  'beaconChainGenesisTimestamp', 'eip1153TransitionTimestamp', 'eip3651TransitionTimestamp', 'eip3855TransitionTimestamp',
  'eip3860TransitionTimestamp', 'eip4895TransitionTimestamp', 'eip4844TransitionTimestamp', 'eip2537TransitionTimestamp',
  'eip5656TransitionTimestamp', 'eip6780TransitionTimestamp', 'eip4788TransitionTimestamp',
].map((name) => name.toLowerCase());
const NETHERMIND_AURA = ['stepDuration', 'blockReward', 'maximumUncleCountTransition', 'maximumUncleCount', 'validators'];
const NETHERMIND_GENESIS = ['seal', 'parentHash', 'timestamp', 'difficulty', 'extraData', 'gasLimit', 'author', 'baseFeePerGas'];

describe('assembleAuraChainSpec', () => {
  it('assembles the golden spec test/golden/chainspec/aura-london-v1.json byte for byte', () => {
    // Regenerate ON PURPOSE only, and only while v1 is unreleased (a changed format gets a new -v2
    // file; v1 is kept forever):  UPDATE_GOLDEN=1 npx vitest run test/unit/chainspec/aura.test.ts
    expectGoldenText(GOLDEN_FILE, serializeChainSpec(assembleAuraChainSpec(GOLDEN_INPUT)));
  });

  it('gives identical bytes for equal inputs, whatever the order of the prefunded accounts', () => {
    const first = serializeChainSpec(assembleAuraChainSpec(GOLDEN_INPUT));
    const copy = structuredClone(GOLDEN_INPUT);
    expect(serializeChainSpec(assembleAuraChainSpec(copy))).toBe(first);
    expect(serializeChainSpec(assembleAuraChainSpec(withInput({ accounts: [...GOLDEN_INPUT.accounts].reverse() })))).toBe(first);
  });

  it('keeps the validators in the given order and writes the accounts after the builtins by address', () => {
    const spec = assembleAuraChainSpec(GOLDEN_INPUT);
    expect(spec.engine.authorityRound.params.validators.list).toEqual([KEY2, KEY1, KEY3]);
    expect(Object.keys(spec.accounts).slice(9)).toEqual([KEY4, KEY5]);
    expect(spec.accounts[KEY5]).toEqual({ balance: '0xd3c21bcecceda1000000' });
  });

  it('shares no array or object with its input or with an earlier result', () => {
    const validators = [KEY1, KEY2];
    const spec = assembleAuraChainSpec(withInput({ validators }));
    validators.push(KEY3);
    expect(spec.engine.authorityRound.params.validators.list).toEqual([KEY1, KEY2]);
    spec.engine.authorityRound.params.validators.list.pop();
    spec.accounts['0x0000000000000000000000000000000000000001'].builtin.name = 'sha256';
    const again = assembleAuraChainSpec(withInput({ validators: [KEY1, KEY2] }));
    expect(again.engine.authorityRound.params.validators.list).toEqual([KEY1, KEY2]);
    expect(again.accounts['0x0000000000000000000000000000000000000001'].builtin.name).toBe('ecrecover');
  });

  it.each(EVM_LEVELS.map((level) => [level]))('writes only fields OpenEthereum 3.3.5 declares, and all it requires (%s)', (level) => {
    const problems = openEthereumProblems(assembleAuraChainSpec(withInput({ evm: level })));
    if (level === 'london') {
      expect(problems).toEqual([]);
    } else {
      // The levels above London are Nethermind-only (supportedClients) exactly because of these.
      expect(problems.length).toBeGreaterThan(0);
      expect(problems.every((problem) => /^params: unknown field eip[0-9]+TransitionTimestamp$/.test(problem))).toBe(true);
    }
  });

  it.each(EVM_LEVELS.map((level) => [level]))('writes only fields Nethermind reads (%s)', (level) => {
    const spec = assembleAuraChainSpec(withInput({ evm: level }));
    expect(Object.keys(spec.params).filter((key) => !NETHERMIND_PARAMS.includes(key.toLowerCase()))).toEqual([]);
    expect(Object.keys(spec.engine.authorityRound.params).filter((key) => !NETHERMIND_AURA.includes(key))).toEqual([]);
    expect(Object.keys(spec.genesis).filter((key) => !NETHERMIND_GENESIS.includes(key))).toEqual([]);
  });

  it.each(EVM_LEVELS.map((level) => [level]))('writes every integer as canonical hex, except the JSON numbers clients need (%s)', (level) => {
    const spec = assembleAuraChainSpec(withInput({ evm: level, blockRewardWei: 10n ** 18n, genesisTimestamp: 1_700_000_000n }));
    expect(leaves(spec).map(leafProblem).filter((problem) => problem !== null)).toEqual([]);
    expect(Object.keys(spec.accounts).every((address) => getAddress(address) === address)).toBe(true);
    expect(spec.engine.authorityRound.params.blockReward).toBe('0xde0b6b3a7640000');
    expect(spec.genesis.timestamp).toBe('0x6553f100');
  });

  it.each(EVM_LEVELS.map((level) => [level]))('writes no forbidden field (%s)', (level) => {
    const keys = keysDeep(assembleAuraChainSpec(withInput({ evm: level })));
    const forbidden = [
      'stateRoot', 'gasUsed', 'transactionsRoot', 'receiptsRoot', 'eip1559FeeCollector', 'eip1559FeeCollectorTransition',
      'feeCollector', 'blobGasUsed', 'excessBlobGas', 'parentBeaconBlockRoot', 'withdrawalsRoot', 'requestsHash',
      'activate_at', 'dataDir', 'nodes', 'author', 'extraData', 'parentHash',
    ];
    expect(keys.filter((key) => forbidden.includes(key))).toEqual([]);
    expect(keys.filter((key) => /^eip(4895|4844|4788|2935|6110|7002|7251|7623|7702)/.test(key))).toEqual([]);
  });

  it('changes only params between EVM levels: same engine, genesis header fields and accounts', () => {
    const london = assembleAuraChainSpec(GOLDEN_INPUT);
    for (const level of ['shanghai', 'cancun'] as const) {
      const spec = assembleAuraChainSpec(withInput({ evm: level }));
      expect(spec.engine).toEqual(london.engine);
      expect(spec.genesis).toEqual(london.genesis);
      expect(spec.accounts).toEqual(london.accounts);
      expect(Object.keys(spec.params).filter((key) => !(key in london.params)).every((key) => key.endsWith('TransitionTimestamp'))).toBe(true);
    }
  });

  it('writes what every input is, for any valid input (property)', () => {
    const address = fc.uint8Array({ minLength: 20, maxLength: 20 }).map((bytes) => getAddress(`0x${Buffer.from(bytes).toString('hex')}`));
    const input = fc.record({
      name: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9 _-]{0,63}$/),
      chainId: fc.bigInt(1n, (1n << 63n) - 37n),
      networkId: fc.bigInt(1n, (1n << 64n) - 1n),
      stepDurationSec: fc.integer({ min: 1, max: 65535 }),
      gasLimit: fc.bigInt(5000n, (1n << 63n) - 1n),
      blockRewardWei: fc.bigInt(0n, (1n << 256n) - 1n),
      evm: fc.constantFrom(...EVM_LEVELS),
      baseFeePerGasWei: fc.bigInt(1n, (1n << 256n) - 1n),
      validators: fc.uniqueArray(address, { minLength: 1, maxLength: 6 }),
      accounts: fc.uniqueArray(fc.record({ address, balanceWei: fc.bigInt(1n, (1n << 256n) - 1n) }), {
        maxLength: 6,
        selector: (account) => account.address,
      }),
      genesisTimestamp: fc.bigInt(0n, (1n << 64n) - 1n),
    });
    fc.assert(
      fc.property(input, (generated) => {
        const spec = assembleAuraChainSpec(generated);
        expect(leaves(spec).map(leafProblem).filter((problem) => problem !== null)).toEqual([]);
        expect(spec.name).toBe(generated.name);
        expect(BigInt(spec.params.chainID)).toBe(generated.chainId);
        expect(BigInt(spec.params.networkID)).toBe(generated.networkId);
        expect(spec.engine.authorityRound.params.stepDuration).toBe(generated.stepDurationSec);
        expect(BigInt(spec.genesis.gasLimit)).toBe(generated.gasLimit);
        expect(BigInt(spec.engine.authorityRound.params.blockReward)).toBe(generated.blockRewardWei);
        expect(BigInt(spec.genesis.baseFeePerGas)).toBe(generated.baseFeePerGasWei);
        expect(BigInt(spec.params.eip1559BaseFeeInitialValue)).toBe(generated.baseFeePerGasWei);
        expect(BigInt(spec.genesis.timestamp)).toBe(generated.genesisTimestamp);
        expect(spec.engine.authorityRound.params.validators.list).toEqual(generated.validators);
        for (const account of generated.accounts) expect(BigInt(spec.accounts[account.address]?.balance ?? '')).toBe(account.balanceWei);
        const prefunded = Object.keys(spec.accounts).slice(9).map((key) => key.toLowerCase());
        expect(prefunded).toEqual([...prefunded].sort());
        const reversed = assembleAuraChainSpec({ ...generated, accounts: [...generated.accounts].reverse() });
        expect(serializeChainSpec(reversed)).toBe(serializeChainSpec(spec));
      }),
    );
  });

  // One hostile input per check: the code, the path and the error text are pinned.
  const MAX_CHAIN_ID = (1n << 63n) - 37n;
  const hostile: [string, Partial<AuraChainSpecInput>, string, string][] = [
    ['an empty name', { name: '' }, 'name', 'a chain name of letters, digits, space, _ or - (1..64 characters)'],
    ['a name with a path separator', { name: '../chains' }, 'name', 'a chain name of letters, digits, space, _ or - (1..64 characters)'],
    ['a 65-character name', { name: 'a'.repeat(65) }, 'name', 'a chain name of letters, digits, space, _ or - (1..64 characters)'],
    ['chain id 0', { chainId: 0n }, 'chainId', `a chain id in 1..${MAX_CHAIN_ID} (EIP-2294)`],
    ['a chain id past EIP-2294', { chainId: MAX_CHAIN_ID + 1n }, 'chainId', `a chain id in 1..${MAX_CHAIN_ID} (EIP-2294)`],
    ['network id 0', { networkId: 0n }, 'networkId', 'a network id in 1..2^64-1'],
    ['network id 2^64', { networkId: 1n << 64n }, 'networkId', 'a network id in 1..2^64-1'],
    ['step duration 0', { stepDurationSec: 0 }, 'stepDurationSec', 'a whole number of seconds in 1..65535'],
    ['a fractional step duration', { stepDurationSec: 1.5 }, 'stepDurationSec', 'a whole number of seconds in 1..65535'],
    ['a NaN step duration', { stepDurationSec: Number.NaN }, 'stepDurationSec', 'a whole number of seconds in 1..65535'],
    ['a step duration OpenEthereum would cap', { stepDurationSec: 65536 }, 'stepDurationSec', 'a whole number of seconds in 1..65535'],
    ['gas limit 0', { gasLimit: 0n }, 'gasLimit', 'a gas limit in 5000..2^63-1'],
    ['a gas limit under minGasLimit', { gasLimit: 4999n }, 'gasLimit', 'a gas limit in 5000..2^63-1'],
    ['a gas limit past a C# long', { gasLimit: 1n << 63n }, 'gasLimit', 'a gas limit in 5000..2^63-1'],
    ['a negative block reward', { blockRewardWei: -1n }, 'blockRewardWei', 'a block reward in 0..2^256-1 wei'],
    ['a block reward of 2^256', { blockRewardWei: 1n << 256n }, 'blockRewardWei', 'a block reward in 0..2^256-1 wei'],
    ['base fee 0', { baseFeePerGasWei: 0n }, 'baseFeePerGasWei', 'a base fee in 1..2^256-1 wei (London is at block 0)'],
    ['a negative genesis timestamp', { genesisTimestamp: -1n }, 'genesisTimestamp', 'a timestamp in 0..2^64-1 seconds'],
    ['a genesis timestamp of 2^64', { genesisTimestamp: 1n << 64n }, 'genesisTimestamp', 'a timestamp in 0..2^64-1 seconds'],
    ['no validators', { validators: [] }, 'validators', 'at least one validator'],
    ['a lowercase validator', { validators: [KEY1, KEY2.toLowerCase()] }, 'validators[1]', 'an EIP-55 checksummed address'],
    ['a validator with a wrong checksum', { validators: [KEY1.replace('E', 'e')] }, 'validators[0]', 'an EIP-55 checksummed address'],
    ['a short validator', { validators: [KEY1.slice(0, 41)] }, 'validators[0]', 'an EIP-55 checksummed address'],
    ['a repeated validator', { validators: [KEY1, KEY2, KEY1] }, 'validators[2]', 'an address not already listed at validators[0]'],
    ['a lowercase account', { accounts: [{ address: KEY4.toLowerCase(), balanceWei: 1n }] }, 'accounts[0].address', 'an EIP-55 checksummed address'],
    [
      'a prefund on a precompile',
      { accounts: [{ address: '0x0000000000000000000000000000000000000004', balanceWei: 1n }] },
      'accounts[0].address',
      'an address other than the precompiles 0x…01..0x…09',
    ],
    [
      'a repeated account',
      { accounts: [{ address: KEY4, balanceWei: 1n }, { address: KEY4, balanceWei: 2n }] },
      'accounts[1].address',
      'an address not already listed at accounts[0]',
    ],
    ['a zero balance', { accounts: [{ address: KEY4, balanceWei: 0n }] }, 'accounts[0].balanceWei', 'a balance in 1..2^256-1 wei'],
    ['a balance of 2^256', { accounts: [{ address: KEY4, balanceWei: 1n << 256n }] }, 'accounts[0].balanceWei', 'a balance in 1..2^256-1 wei'],
  ];

  it.each(hostile)('refuses %s', (_, change, path, expected) => {
    const err = thrown(() => assembleAuraChainSpec(withInput(change)));
    expect(err.code).toBe('CHAINSPEC_INVALID');
    expect(err.path).toBe(path);
    expect(err.message).toBe(`CHAINSPEC_INVALID at ${path}: expected ${expected}`);
  });

  it('accepts the bounds themselves', () => {
    expect(() =>
      assembleAuraChainSpec(
        withInput({
          name: 'A'.repeat(64),
          chainId: MAX_CHAIN_ID,
          networkId: (1n << 64n) - 1n,
          stepDurationSec: 65535,
          gasLimit: (1n << 63n) - 1n,
          blockRewardWei: (1n << 256n) - 1n,
          baseFeePerGasWei: 1n,
          genesisTimestamp: (1n << 64n) - 1n,
          accounts: [{ address: KEY4, balanceWei: (1n << 256n) - 1n }],
        }),
      ),
    ).not.toThrow();
    expect(() => assembleAuraChainSpec(withInput({ gasLimit: 5000n, accounts: [] }))).not.toThrow();
  });
});
