/**
 * checkChainSpec / assertChainSpec: the public fixtures as the clients judge them, every spec Concord
 * writes passes for the clients it targets, and one table of bad specs per field family, each row
 * pinning exactly which client refuses what, with which code, where.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { getAddress } from 'ethers';
import { describe, expect, it } from 'vitest';
import { assembleAuraChainSpec, type AuraChainSpecInput, type ValidatorTransition } from '../../../shared/chainspec/aura.js';
import { EVM_LEVELS, supportedClients, type ChainClient } from '../../../shared/chainspec/evm-levels.js';
import { CLIENT_LABELS, assertChainSpec, checkChainSpec } from '../../../shared/chainspec/strict.js';
import { expectThrows } from '../../helpers/errors.js';

type SpecJson = Record<string, any>; // raw JSON that the tables edit freely

// The fixtures sit beside the repository, as in test/unit/genesis/hash.test.ts.
const FIXTURES = new URL('../../../../shared/fixtures/aura/', import.meta.url);
const BOTH: readonly ChainClient[] = ['openethereum', 'nethermind'];
const GOLDEN = JSON.parse(readFileSync(new URL('../../golden/chainspec/aura-london-v1.json', import.meta.url), 'utf8')) as SpecJson;

const ECRECOVER = '0x0000000000000000000000000000000000000001';
const PREFUNDED = '0x1efF47bc3a10a45D4B230B5d10E37751FE6AA718';
const CONTRACT = '0x6813Eb9362372EEF6200f3b1dbC3f819671cBA69';
const AURA = 'engine.authorityRound.params';

function fixture(name: string): SpecJson {
  return JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8')) as SpecJson;
}

/** The golden spec changed by `edit` (on a copy). */
function goldenWith(edit: (spec: SpecJson) => void): SpecJson {
  const spec = structuredClone(GOLDEN);
  edit(spec);
  return spec;
}

function sorted(rows: readonly string[][]): string[][] {
  return [...rows].sort((a, b) => a.join(' ').localeCompare(b.join(' ')));
}

/** [client, code, path] of every problem, sorted: what a table row pins. */
function found(spec: unknown, targets: readonly ChainClient[] = BOTH): string[][] {
  return sorted(checkChainSpec(spec, targets).problems.map((problem) => [problem.client, problem.code, problem.path]));
}

const INVALID = 'CHAINSPEC_INVALID';
const UNSUPPORTED = 'CHAINSPEC_UNSUPPORTED';
type Row = [name: string, edit: (spec: SpecJson) => void, expected: string[][]];

function oe(code: string, path: string): string[] {
  return ['openethereum', code, path];
}
function nm(code: string, path: string): string[] {
  return ['nethermind', code, path];
}

const INPUT: AuraChainSpecInput = {
  name: 'Concord Strict',
  chainId: 73_799n,
  networkId: 73_799n,
  stepDurationSec: 5,
  gasLimit: 30_000_000n,
  blockRewardWei: 0n,
  evm: 'london',
  baseFeePerGasWei: 1_000_000_000n,
  validators: ['0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf', '0x2B5AD5c4795c026514f8317c7a215E218DcCD6cF'],
  accounts: [{ address: PREFUNDED, balanceWei: 10n ** 21n }],
  genesisTimestamp: 0n,
};

describe('checkChainSpec: public fixtures', () => {
  it('reports why OpenEthereum 3.3.5 refuses the Parity 1.7 Kovan layouts (common params inside the engine params)', () => {
    const parity17 = [
      oe(INVALID, `${AURA}.gasLimitBoundDivisor`),
      oe(INVALID, `${AURA}.registrar`),
      oe(INVALID, 'params.gasLimitBoundDivisor'),
    ];
    expect(found(fixture('kovan-parity-2017.json'))).toEqual(sorted(parity17));
    expect(found(fixture('kovan.json'))).toEqual(sorted([...parity17, oe(INVALID, `${AURA}.eip155Transition`)]));
    const [problem] = checkChainSpec(fixture('kovan.json'), ['openethereum']).problems;
    expect(problem?.expected).toBe('no such field: AuthorityRoundParams denies unknown fields (crates/ethjson/src/spec/authority_round.rs)');
  });

  it('finds nothing OpenEthereum 3.3.5 refuses in the 2019 xDai layout (every field it uses is declared in crates/ethjson/src/spec)', () => {
    expect(found(fixture('xdai-parity-2019.json'))).toEqual([]);
  });

  it('passes the OpenEthereum repository specs for OpenEthereum', () => {
    expect(found(fixture('kovan-openethereum.json'), ['openethereum'])).toEqual([]);
    expect(found(fixture('xdai-openethereum.json'), ['openethereum'])).toEqual([]);
  });

  it('reports what Nethermind reads differently in the OpenEthereum repository specs', () => {
    expect(found(fixture('kovan-openethereum.json'), ['nethermind'])).toEqual([nm(INVALID, `${AURA}.stepDuration`)]);
    expect(found(fixture('xdai-openethereum.json'), ['nethermind'])).toEqual([nm(UNSUPPORTED, 'params.eip1559FeeCollector')]);
  });
});

describe('checkChainSpec: what Concord writes', () => {
  it('passes the golden spec for both clients', () => {
    expect(checkChainSpec(GOLDEN, BOTH)).toEqual({ ok: true, problems: [] });
  });

  it.each(EVM_LEVELS.map((level) => [level]))('passes the %s spec for the clients that run it, and no other', (level) => {
    const spec = assembleAuraChainSpec({ ...INPUT, evm: level });
    expect(checkChainSpec(spec, supportedClients(level)).problems).toEqual([]);
    if (level !== 'london') {
      // The EVM level OpenEthereum cannot run is refused naming each timestamp fork.
      const refused = checkChainSpec(spec, ['openethereum']).problems;
      expect(refused.length).toBeGreaterThan(0);
      expect(refused.every((p) => p.code === INVALID && /^params\.eip[0-9]+TransitionTimestamp$/.test(p.path))).toBe(true);
    }
  });

  it('passes a spec with validator-set contracts after genesis for both clients', () => {
    const validatorTransitions: ValidatorTransition[] = [
      { fromBlock: 100n, kind: 'safeContract', address: CONTRACT },
      { fromBlock: 5_000_000_000n, kind: 'contract', address: PREFUNDED },
    ];
    expect(checkChainSpec(assembleAuraChainSpec({ ...INPUT, validatorTransitions }), BOTH).problems).toEqual([]);
  });

  it('passes any spec Concord assembles, for its supported clients (property)', () => {
    const address = fc.uint8Array({ minLength: 20, maxLength: 20 }).map((bytes) => getAddress(`0x${Buffer.from(bytes).toString('hex')}`));
    const transitions = fc
      .uniqueArray(fc.bigInt(1n, (1n << 63n) - 1n), { maxLength: 4 })
      .chain((blocks) =>
        fc.tuple(...[...blocks].sort((a, b) => (a < b ? -1 : 1)).map((fromBlock) => fc.record({ fromBlock: fc.constant(fromBlock), kind: fc.constantFrom('safeContract' as const, 'contract' as const), address }))),
      );
    fc.assert(
      fc.property(
        fc.constantFrom(...EVM_LEVELS),
        fc.integer({ min: 1, max: 65535 }),
        fc.uniqueArray(address, { minLength: 1, maxLength: 5 }),
        fc.bigInt(1n, (1n << 256n) - 1n),
        transitions,
        (evm, stepDurationSec, validators, balanceWei, validatorTransitions) => {
          const spec = assembleAuraChainSpec({ ...INPUT, evm, stepDurationSec, validators, accounts: [{ address: PREFUNDED, balanceWei }], validatorTransitions });
          expect(checkChainSpec(spec, supportedClients(evm)).problems).toEqual([]);
        },
      ),
    );
  });
});

// One table per field family: each row breaks one rule and pins every problem it causes.
const ENGINE_PARAMS: Row[] = [
  ['an unknown engine param', (s) => (s.engine.authorityRound.params.gasLimitBoundDivisor = '0x400'), [oe(INVALID, `${AURA}.gasLimitBoundDivisor`)]],
  ['no stepDuration', (s) => delete s.engine.authorityRound.params.stepDuration, [oe(INVALID, `${AURA}.stepDuration`), nm(INVALID, `${AURA}.stepDuration`)]],
  ['step duration 0', (s) => (s.engine.authorityRound.params.stepDuration = 0), [oe(INVALID, `${AURA}.stepDuration`), nm(INVALID, `${AURA}.stepDuration`)]],
  ['a hex step duration', (s) => (s.engine.authorityRound.params.stepDuration = '0x5'), [nm(INVALID, `${AURA}.stepDuration`)]],
  ['a negative step duration', (s) => (s.engine.authorityRound.params.stepDuration = -5), [oe(INVALID, `${AURA}.stepDuration`), nm(INVALID, `${AURA}.stepDuration`)]],
  ['a fractional step duration', (s) => (s.engine.authorityRound.params.stepDuration = 4.5), [oe(INVALID, `${AURA}.stepDuration`), nm(INVALID, `${AURA}.stepDuration`)]],
  ['a boolean step duration', (s) => (s.engine.authorityRound.params.stepDuration = true), [oe(INVALID, `${AURA}.stepDuration`), nm(INVALID, `${AURA}.stepDuration`)]],
  ['step duration transitions with a hex key', (s) => (s.engine.authorityRound.params.stepDuration = { '0x0': 5 }), [nm(INVALID, `${AURA}.stepDuration.0x0`)]],
  ['step duration transitions with a hex value', (s) => (s.engine.authorityRound.params.stepDuration = { '0': '0x5' }), [nm(INVALID, `${AURA}.stepDuration.0`)]],
  [
    'step duration transitions without timestamp 0',
    (s) => (s.engine.authorityRound.params.stepDuration = { '100': 5 }),
    [oe(INVALID, `${AURA}.stepDuration`), nm(INVALID, `${AURA}.stepDuration`)],
  ],
  ['empty step duration transitions', (s) => (s.engine.authorityRound.params.stepDuration = {}), [oe(INVALID, `${AURA}.stepDuration`), nm(INVALID, `${AURA}.stepDuration`)]],
  [
    'a step duration transition to 0',
    (s) => (s.engine.authorityRound.params.stepDuration = { '0': 5, '100': 0 }),
    [oe(INVALID, `${AURA}.stepDuration.100`), nm(INVALID, `${AURA}.stepDuration.100`)],
  ],
  ['a block reward in 0X hex', (s) => (s.engine.authorityRound.params.blockReward = '0X10'), [oe(INVALID, `${AURA}.blockReward`)]],
  ['an empty block reward map', (s) => (s.engine.authorityRound.params.blockReward = {}), [oe(INVALID, `${AURA}.blockReward`)]],
  ['a block reward map with a signed key', (s) => (s.engine.authorityRound.params.blockReward = { '+0': '0x0' }), [oe(INVALID, `${AURA}.blockReward.+0`)]],
  ['a block reward with a leading zero', (s) => (s.engine.authorityRound.params.blockReward = '010'), [nm(UNSUPPORTED, `${AURA}.blockReward`)]],
  ['immediateTransitions as a string', (s) => (s.engine.authorityRound.params.immediateTransitions = 'true'), [oe(INVALID, `${AURA}.immediateTransitions`)]],
  [
    'a block reward contract transition after a later contract',
    (s) => {
      const params = s.engine.authorityRound.params;
      params.blockRewardContractAddress = CONTRACT;
      params.blockRewardContractTransition = 500;
      params.blockRewardContractTransitions = { '500': PREFUNDED };
    },
    [oe(INVALID, `${AURA}.blockRewardContractTransition`)],
  ],
  ['a rewriteBytecode address key of 19 bytes', (s) => (s.engine.authorityRound.params.rewriteBytecode = { '10': { [`0x${'11'.repeat(19)}`]: '0x00' } }), [oe(INVALID, `${AURA}.rewriteBytecode.10.0x${'11'.repeat(19)}`)]],
  ['another engine', (s) => (s.engine = { clique: { params: { period: 5, epoch: 30000 } } }), [oe(UNSUPPORTED, 'engine.clique'), nm(UNSUPPORTED, 'engine.clique')]],
  ['two engines', (s) => (s.engine.Ethash = { params: {} }), [oe(INVALID, 'engine')]],
  ['an unknown field next to the engine params', (s) => (s.engine.authorityRound.config = {}), [oe(INVALID, 'engine.authorityRound.config')]],
];

const PARAMS: Row[] = [
  ['a Nethermind timestamp fork', (s) => (s.params.eip3855TransitionTimestamp = '0x0'), [oe(INVALID, 'params.eip3855TransitionTimestamp')]],
  ["Nethermind's fee collector", (s) => (s.params.feeCollector = CONTRACT), [oe(INVALID, 'params.feeCollector')]],
  ['terminalTotalDifficulty (OpenEthereum merge work, not in v3.3.5)', (s) => (s.params.terminalTotalDifficulty = '0x0'), [oe(INVALID, 'params.terminalTotalDifficulty')]],
  ["OpenEthereum's fee collector", (s) => (s.params.eip1559FeeCollector = CONTRACT), [nm(UNSUPPORTED, 'params.eip1559FeeCollector')]],
  ['no networkID', (s) => delete s.params.networkID, [oe(INVALID, 'params.networkID')]],
  ['gasLimitBoundDivisor 0', (s) => (s.params.gasLimitBoundDivisor = '0x0'), [oe(INVALID, 'params.gasLimitBoundDivisor')]],
  ['a chain id in 0X hex', (s) => (s.params.chainID = '0X12047'), [oe(INVALID, 'params.chainID')]],
  ['a chain id of 65 hex digits', (s) => (s.params.chainID = `0x${'0'.repeat(60)}12047`), [oe(INVALID, 'params.chainID')]],
  ['a chain id with a leading zero', (s) => (s.params.chainID = '073799'), [nm(UNSUPPORTED, 'params.chainID')]],
  ['a negative chain id', (s) => (s.params.chainID = -1), [oe(INVALID, 'params.chainID')]],
  ['a network id of 2^64 as a JSON number', (s) => (s.params.networkID = 2 ** 64), [oe(INVALID, 'params.networkID')]],
  ['a decimal string above 2^256', (s) => (s.params.eip1559BaseFeeInitialValue = (1n << 256n).toString()), [oe(INVALID, 'params.eip1559BaseFeeInitialValue')]],
  ['a registrar of 19 bytes', (s) => (s.params.registrar = `0x${'ab'.repeat(19)}`), [oe(INVALID, 'params.registrar')]],
  ['a fork hash of 31 bytes', (s) => (s.params.forkCanonHash = `0x${'ab'.repeat(31)}`), [oe(INVALID, 'params.forkCanonHash')]],
  ['removeDustContracts as a string', (s) => (s.params.removeDustContracts = 'yes'), [oe(INVALID, 'params.removeDustContracts')]],
  ['params that are not an object', (s) => (s.params = []), [oe(INVALID, 'params')]],
];

const GENESIS: Row[] = [
  ['an Ethash genesis field', (s) => (s.genesis.mixHash = `0x${'00'.repeat(32)}`), [oe(INVALID, 'genesis.mixHash')]],
  ['a blob gas field', (s) => (s.genesis.blobGasUsed = '0x0'), [oe(INVALID, 'genesis.blobGasUsed')]],
  ['no difficulty', (s) => delete s.genesis.difficulty, [oe(INVALID, 'genesis.difficulty')]],
  ['gas limit 0', (s) => (s.genesis.gasLimit = '0x0'), [oe(INVALID, 'genesis.gasLimit')]],
  ['an author of 19 bytes', (s) => (s.genesis.author = `0x${'00'.repeat(19)}`), [oe(INVALID, 'genesis.author')]],
  ['extra data that is not hex', (s) => (s.genesis.extraData = '0xzz'), [oe(UNSUPPORTED, 'genesis.extraData'), nm(UNSUPPORTED, 'genesis.extraData')]],
  ['extra data as a number', (s) => (s.genesis.extraData = 0), [oe(INVALID, 'genesis.extraData')]],
  ['a timestamp with a leading zero', (s) => (s.genesis.timestamp = '00'), [nm(UNSUPPORTED, 'genesis.timestamp')]],
];

const SEAL: Row[] = [
  ['a signature of 64 bytes', (s) => (s.genesis.seal.authorityRound.signature = `0x${'00'.repeat(64)}`), [oe(INVALID, 'genesis.seal.authorityRound.signature')]],
  ['a seal without a step', (s) => delete s.genesis.seal.authorityRound.step, [oe(INVALID, 'genesis.seal.authorityRound.step')]],
  ['an unknown seal field', (s) => (s.genesis.seal.authorityRound.round = '0x0'), [oe(INVALID, 'genesis.seal.authorityRound.round')]],
  ['an Ethereum seal', (s) => (s.genesis.seal = { ethereum: { nonce: '0x0000000000000042', mixHash: `0x${'00'.repeat(32)}` } }), [oe(UNSUPPORTED, 'genesis.seal.ethereum'), nm(UNSUPPORTED, 'genesis.seal.ethereum')]],
  ['two seals', (s) => (s.genesis.seal.generic = '0x'), [oe(INVALID, 'genesis.seal')]],
  ['an unknown seal', (s) => (s.genesis.seal = { aura: {} }), [oe(INVALID, 'genesis.seal.aura')]],
  ['no seal', (s) => delete s.genesis.seal, [oe(INVALID, 'genesis.seal')]],
];

const BUILTIN = `accounts.${ECRECOVER}.builtin`;
const ACCOUNTS: Row[] = [
  ['activate_at in camelCase', (s) => (s.accounts[ECRECOVER].builtin.activateAt = '0x0'), [oe(INVALID, `${BUILTIN}.activateAt`)]],
  ['a price as a string', (s) => (s.accounts[ECRECOVER].builtin.pricing['0'].price.linear.base = '3000'), [oe(INVALID, `${BUILTIN}.pricing.0.price.linear.base`)]],
  ['a price as a hex string', (s) => (s.accounts[ECRECOVER].builtin.pricing['0'].price.linear.word = '0x0'), [oe(INVALID, `${BUILTIN}.pricing.0.price.linear.word`)]],
  ['a negative price', (s) => (s.accounts[ECRECOVER].builtin.pricing['0'].price.linear.base = -1), [oe(INVALID, `${BUILTIN}.pricing.0.price.linear.base`)]],
  ['an unknown pricing field', (s) => (s.accounts[ECRECOVER].builtin.pricing['0'].price.linear.extra = 1), [oe(INVALID, `${BUILTIN}.pricing.0.price.linear.extra`)]],
  ['a pricing without its word', (s) => delete s.accounts[ECRECOVER].builtin.pricing['0'].price.linear.word, [oe(INVALID, `${BUILTIN}.pricing.0.price.linear.word`)]],
  ['an unknown pricing', (s) => (s.accounts[ECRECOVER].builtin.pricing = { quadratic: { base: 1 } }), [oe(INVALID, `${BUILTIN}.pricing.quadratic`)]],
  ['a pricing map key in 0X hex', (s) => (s.accounts[ECRECOVER].builtin.pricing = { '0X0': s.accounts[ECRECOVER].builtin.pricing['0'] }), [oe(INVALID, `${BUILTIN}.pricing.0X0`)]],
  ['an unknown field beside the price', (s) => (s.accounts[ECRECOVER].builtin.pricing['0'].note = 'x'), [oe(INVALID, `${BUILTIN}.pricing.0.note`)]],
  ['a builtin OpenEthereum does not implement', (s) => (s.accounts[ECRECOVER].builtin.name = 'sha3'), [oe(INVALID, `${BUILTIN}.name`)]],
  ['a builtin without pricing', (s) => delete s.accounts[ECRECOVER].builtin.pricing, [oe(INVALID, `${BUILTIN}.pricing`)]],
  ['an unknown account field', (s) => (s.accounts[PREFUNDED].balanceWei = '1'), [oe(INVALID, `accounts.${PREFUNDED}.balanceWei`)]],
  [
    'a constructor account',
    (s) => (s.accounts[PREFUNDED].constructor = '0x6000'),
    [oe(UNSUPPORTED, `accounts.${PREFUNDED}.constructor`), nm(UNSUPPORTED, `accounts.${PREFUNDED}.constructor`)],
  ],
  [
    'an account repeated in another case',
    (s) => (s.accounts[PREFUNDED.toLowerCase()] = { balance: '0x2' }),
    [oe(INVALID, `accounts.${PREFUNDED.toLowerCase()}`), nm(INVALID, `accounts.${PREFUNDED.toLowerCase()}`)],
  ],
  [
    'an account repeated without 0x',
    (s) => (s.accounts[PREFUNDED.slice(2)] = { balance: '0x2' }),
    [oe(INVALID, `accounts.${PREFUNDED.slice(2)}`), nm(INVALID, `accounts.${PREFUNDED.slice(2)}`)],
  ],
  ['an address key of 41 hex digits', (s) => (s.accounts[`0x${'1'.repeat(41)}`] = { balance: '0x1' }), [oe(INVALID, `accounts.0x${'1'.repeat(41)}`)]],
  ['a balance with a leading zero', (s) => (s.accounts[PREFUNDED].balance = '01'), [nm(UNSUPPORTED, `accounts.${PREFUNDED}.balance`)]],
  ['a storage value as a JSON number', (s) => (s.accounts[PREFUNDED].storage = { '0x1': 1 }), [nm(INVALID, `accounts.${PREFUNDED}.storage.0x1`)]],
  ['a decimal storage slot', (s) => (s.accounts[PREFUNDED].storage = { '1': '0x1' }), [nm(UNSUPPORTED, `accounts.${PREFUNDED}.storage.1`)]],
  ['a storage value in 0X hex', (s) => (s.accounts[PREFUNDED].storage = { '0x1': '0X1' }), [oe(INVALID, `accounts.${PREFUNDED}.storage.0x1`), nm(UNSUPPORTED, `accounts.${PREFUNDED}.storage.0x1`)]],
  ['code of an odd number of hex digits', (s) => (s.accounts[PREFUNDED].code = '0x600'), [oe(UNSUPPORTED, `accounts.${PREFUNDED}.code`), nm(UNSUPPORTED, `accounts.${PREFUNDED}.code`)]],
  ['no accounts', (s) => delete s.accounts, [oe(INVALID, 'accounts')]],
  ['an unknown top-level field', (s) => (s.bootnodes = []), [oe(INVALID, 'bootnodes')]],
  ['nodes that are not strings', (s) => (s.nodes = [1]), [oe(INVALID, 'nodes[0]')]],
];

const V = `${AURA}.validators`;
const VALIDATORS: Row[] = [
  ['validators of two kinds', (s) => (s.engine.authorityRound.params.validators.contract = CONTRACT), [oe(INVALID, V), nm(UNSUPPORTED, V)]],
  ['validators of no kind', (s) => (s.engine.authorityRound.params.validators = {}), [oe(INVALID, V), nm(INVALID, V)]],
  ['an unknown validator kind', (s) => (s.engine.authorityRound.params.validators = { reportingContract: CONTRACT }), [oe(INVALID, `${V}.reportingContract`), nm(INVALID, V)]],
  ['an empty list', (s) => (s.engine.authorityRound.params.validators.list = []), [nm(INVALID, `${V}.list`)]],
  ['a validator of 19 bytes', (s) => (s.engine.authorityRound.params.validators.list[0] = `0x${'ab'.repeat(19)}`), [oe(INVALID, `${V}.list[0]`)]],
  ['a safe contract of 39 hex digits', (s) => (s.engine.authorityRound.params.validators = { safeContract: CONTRACT.slice(0, 41) }), [oe(INVALID, `${V}.safeContract`)]],
  [
    'a multi without block 0',
    (s) => (s.engine.authorityRound.params.validators = { multi: { '10': { safeContract: CONTRACT } } }),
    [oe(INVALID, `${V}.multi`), nm(INVALID, `${V}.multi`)],
  ],
  ['an empty multi', (s) => (s.engine.authorityRound.params.validators = { multi: {} }), [oe(INVALID, `${V}.multi`), nm(INVALID, `${V}.multi`)]],
  [
    'a multi keyed in hex',
    (s) => (s.engine.authorityRound.params.validators = { multi: { '0': { list: [CONTRACT] }, '0x10': { contract: CONTRACT } } }),
    [nm(INVALID, `${V}.multi.0x10`)],
  ],
  [
    'a multi inside a multi',
    (s) => (s.engine.authorityRound.params.validators = { multi: { '0': { list: [CONTRACT] }, '5': { multi: { '0': { contract: CONTRACT } } } } }),
    [nm(INVALID, `${V}.multi.5.multi`)],
  ],
  [
    'a multi inside a multi without block 0',
    (s) => (s.engine.authorityRound.params.validators = { multi: { '0': { list: [CONTRACT] }, '5': { multi: { '7': { contract: CONTRACT } } } } }),
    [oe(INVALID, `${V}.multi.5.multi`), nm(INVALID, `${V}.multi.5.multi`)],
  ],
  ['a multi key with a sign', (s) => (s.engine.authorityRound.params.validators = { multi: { '0': { list: [CONTRACT] }, '-5': { contract: CONTRACT } } }), [oe(INVALID, `${V}.multi.-5`), nm(INVALID, `${V}.multi.-5`)]],
];

describe.each<[string, Row[]]>([
  ['engine params', ENGINE_PARAMS],
  ['params', PARAMS],
  ['genesis', GENESIS],
  ['seal', SEAL],
  ['accounts and builtins', ACCOUNTS],
  ['validators', VALIDATORS],
])('checkChainSpec: bad %s', (_family, rows) => {
  it.each(rows)('reports %s', (_name, edit, expected) => {
    const spec = goldenWith(edit);
    expect(found(spec)).toEqual(sorted(expected));
    for (const client of BOTH) {
      const mine = expected.filter(([target]) => target === client);
      expect(checkChainSpec(spec, [client]).ok).toBe(mine.length === 0);
    }
  });
});

describe('checkChainSpec: edge cases', () => {
  it('reports what is not an object at the root, for both clients', () => {
    for (const input of [null, [], 'spec', 1, true, undefined]) expect(found(input)).toEqual(sorted([oe(INVALID, ''), nm(INVALID, '')]));
  });

  it('reports a missing engine or AuRa params for both clients', () => {
    expect(found(goldenWith((s) => delete s.engine))).toEqual(sorted([oe(INVALID, 'engine'), nm(INVALID, 'engine')]));
    expect(found(goldenWith((s) => (s.engine.authorityRound = {})))).toEqual(sorted([oe(INVALID, AURA), nm(INVALID, AURA)]));
  });

  it('takes null as an absent optional field, as serde does', () => {
    expect(found(goldenWith((s) => ((s.engine.authorityRound.params.startStep = null), (s.genesis.author = null))))).toEqual([]);
  });

  it("reads OpenEthereum's lenient leaves: empty hashes and integers are zero, 0x is optional on hashes", () => {
    const spec = goldenWith((s) => {
      s.genesis.parentHash = '';
      s.genesis.author = '0x';
      s.genesis.gasUsed = '';
      s.engine.authorityRound.params.validators.list[0] = s.engine.authorityRound.params.validators.list[0].slice(2);
    });
    expect(found(spec, ['openethereum'])).toEqual([]);
  });

  it('keeps one problem per client and path', () => {
    const spec = goldenWith((s) => (s.engine.authorityRound.params.stepDuration = { '0x1': 0 }));
    // Nethermind stops at the hex key before it would see the 0 under it, or miss timestamp 0.
    expect(found(spec)).toEqual(sorted([oe(INVALID, `${AURA}.stepDuration`), oe(INVALID, `${AURA}.stepDuration.0x1`), nm(INVALID, `${AURA}.stepDuration.0x1`)]));
  });

  it('only reports the clients asked for', () => {
    const spec = goldenWith((s) => ((s.params.feeCollector = CONTRACT), (s.params.eip1559FeeCollector = CONTRACT)));
    expect(found(spec, ['openethereum'])).toEqual([oe(INVALID, 'params.feeCollector')]);
    expect(found(spec, ['nethermind'])).toEqual([nm(UNSUPPORTED, 'params.eip1559FeeCollector')]);
    expect(found(spec, [])).toEqual([]);
  });

  it('never echoes a value, only field names', () => {
    const secret = 'c0ffee'.repeat(10);
    const spec = goldenWith((s) => ((s.genesis.extraData = `0x${secret}z`), (s.params.chainID = `0x${secret}`), (s.accounts[PREFUNDED].balance = `0${secret.replace(/[a-f]/g, '1')}`)));
    const problems = checkChainSpec(spec, BOTH).problems;
    expect(problems.length).toBeGreaterThan(0);
    for (const problem of problems) expect(problem.expected).not.toContain(secret.slice(0, 12));
  });
});

describe('assertChainSpec', () => {
  it('throws the first problem, naming the field and the client', () => {
    const error = expectThrows(() => assertChainSpec(fixture('kovan.json'), ['openethereum']), 'CHAINSPEC_INVALID', `${AURA}.gasLimitBoundDivisor`);
    expect(error.message).toBe(
      `CHAINSPEC_INVALID at ${AURA}.gasLimitBoundDivisor: expected no such field: AuthorityRoundParams denies unknown fields (crates/ethjson/src/spec/authority_round.rs) [${CLIENT_LABELS.openethereum}]`,
    );
    expectThrows(() => assertChainSpec(fixture('kovan-openethereum.json'), BOTH), 'CHAINSPEC_INVALID', `${AURA}.stepDuration`);
    const activateAt = expectThrows(() => assertChainSpec(goldenWith((s) => (s.accounts[ECRECOVER].builtin.activateAt = 0)), BOTH), 'CHAINSPEC_INVALID', `${BUILTIN}.activateAt`);
    expect(activateAt.expected).toContain('it spells this one activate_at');
  });

  it('returns for a spec every targeted client loads', () => {
    expect(() => assertChainSpec(GOLDEN, BOTH)).not.toThrow();
    expect(() => assertChainSpec(fixture('kovan-openethereum.json'), ['openethereum'])).not.toThrow();
  });
});
