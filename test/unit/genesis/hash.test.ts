import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { sha256 } from '@noble/hashes/sha2.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import { ConcordError } from '../../../shared/errors.js';
import type { ErrorCode } from '../../../shared/errors.js';
import { computeGenesisHash } from '../../../shared/genesis/hash.js';
import type { GenesisClient } from '../../../shared/genesis/header.js';
import { EMPTY_ROOT, bigBytes, headerHash, preLondonFields, rlp, secureRoot, stateRoot, type Rlp } from '../../helpers/independent-genesis.js';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const FIXTURES = path.resolve(REPO_ROOT, '..', 'shared', 'fixtures', 'aura');

interface KnownHash {
  file: string;
  chain: string;
  genesisHash: string;
}

function readJson(file: string): unknown {
  return JSON.parse(readFileSync(path.join(FIXTURES, file), 'utf8'));
}

async function thrown(promise: Promise<unknown>): Promise<ConcordError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ConcordError) return err;
    throw err;
  }
  throw new Error('expected a ConcordError');
}

describe('known genesis hashes', () => {
  const vectors = readJson('genesis-hashes.json') as KnownHash[];

  it('has the five fixture specs', () => {
    expect(vectors.map((v) => v.file).sort()).toEqual([
      'kovan-openethereum.json',
      'kovan-parity-2017.json',
      'kovan.json',
      'xdai-openethereum.json',
      'xdai-parity-2019.json',
    ]);
  });

  for (const vector of vectors) {
    for (const client of [undefined, 'openethereum', 'nethermind'] as const) {
      it(`reproduces ${vector.file} (${vector.chain}) for ${client ?? 'both clients'}`, async () => {
        const result = await computeGenesisHash(readJson(vector.file), client === undefined ? {} : { client });
        expect(result.hash).toBe(vector.genesisHash);
      });
    }
  }

  it("reproduces xDai's state root", async () => {
    for (const file of ['xdai-openethereum.json', 'xdai-parity-2019.json']) {
      const result = await computeGenesisHash(readJson(file));
      expect(result.stateRoot).toBe('0x40cf4430ecaa733787d1a65154a3b9efb560c95d9e324a23b97f0609b539133b');
    }
  });

  it('notes a Parity 1.7 layout it read leniently', async () => {
    const result = await computeGenesisHash(readJson('kovan-parity-2017.json'));
    expect(result.notes).toContain('read leniently: Parity 1.7 layout (gasLimitBoundDivisor, registrar in engine params)');
  });
});

// ---- Random specs, written in every form the parser accepts.

interface ModelAccount {
  address: Uint8Array;
  kind: 'plain' | 'builtin-only' | 'builtin-with-balance';
  balance?: bigint;
  nonce?: bigint;
  code?: Uint8Array;
  storage?: [bigint, bigint][];
}

interface ModelSpec {
  accounts: ModelAccount[];
  difficulty: bigint;
  gasLimit: bigint;
  timestamp?: bigint;
  author?: Uint8Array;
  parentHash?: Uint8Array;
  extraData?: Uint8Array;
  step: bigint;
  signature: Uint8Array;
  baseFeePerGas?: bigint;
  eip1559Transition?: bigint;
  client: GenesisClient;
}

type IntegerForm = 'hex' | 'HEX' | 'padded' | 'decimal' | 'number';

function writeInteger(n: bigint, form: IntegerForm): string | number {
  switch (form) {
    case 'hex':
      return `0x${n.toString(16)}`;
    case 'HEX':
      return `0x${n.toString(16).toUpperCase()}`;
    case 'padded':
      return `0x${n.toString(16).padStart(64, '0')}`;
    case 'decimal':
      return n.toString();
    case 'number':
      return n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n.toString();
  }
}

function writeAddress(address: Uint8Array, form: number): string {
  const hex = bytesToHex(address);
  const cased = form % 3 === 0 ? hex : form % 3 === 1 ? hex.toUpperCase() : hex.replace(/[a-f]/g, (c, i: number) => (i % 2 ? c.toUpperCase() : c));
  return form < 3 ? `0x${cased}` : cased;
}

const integerForm = fc.constantFrom<IntegerForm>('hex', 'HEX', 'padded', 'decimal', 'number');
const u256 = fc.bigInt({ min: 0n, max: (1n << 256n) - 1n });
const bytes = (min: number, max: number) => fc.uint8Array({ minLength: min, maxLength: max });

const modelAccount = (address: Uint8Array): fc.Arbitrary<ModelAccount> =>
  fc
    .record(
      {
        kind: fc.constantFrom<ModelAccount['kind']>('plain', 'plain', 'plain', 'builtin-only', 'builtin-with-balance'),
        balance: fc.oneof(u256, fc.constant(0n), fc.bigInt({ min: 0n, max: 1000n })),
        nonce: fc.bigInt({ min: 0n, max: 1n << 64n }),
        code: bytes(0, 60),
        storage: fc.uniqueArray(fc.tuple(fc.oneof(u256, fc.bigInt({ min: 0n, max: 20n })), fc.oneof(u256, fc.constant(0n))), {
          maxLength: 6,
          selector: ([slot]) => slot,
        }),
      },
      { requiredKeys: ['kind'] },
    )
    .map((a): ModelAccount => {
      if (a.kind === 'builtin-only') return { address, kind: a.kind };
      if (a.kind === 'builtin-with-balance') return { ...a, address, balance: a.balance ?? 0n };
      const hasState = a.balance !== undefined || a.nonce !== undefined || a.code !== undefined || a.storage !== undefined;
      return hasState ? { ...a, address } : { ...a, address, balance: 1n };
    });

const modelSpec: fc.Arbitrary<ModelSpec> = fc
  .uniqueArray(bytes(20, 20), { maxLength: 6, selector: (a) => bytesToHex(a) })
  .chain((addresses) =>
    fc.record(
      {
        accounts: fc.tuple(...addresses.map(modelAccount)),
        difficulty: u256,
        gasLimit: fc.bigInt({ min: 1n, max: (1n << 63n) - 1n }),
        timestamp: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
        author: bytes(20, 20),
        parentHash: bytes(32, 32),
        extraData: bytes(0, 40),
        step: fc.bigInt({ min: 0n, max: (1n << 63n) - 1n }),
        signature: bytes(65, 65),
        baseFeePerGas: fc.oneof(fc.constant(1_000_000_000n), u256, fc.constant(0n)),
        eip1559Transition: fc.bigInt({ min: 0n, max: 3n }),
        client: fc.constantFrom<GenesisClient>('openethereum', 'nethermind'),
      },
      { requiredKeys: ['accounts', 'difficulty', 'gasLimit', 'step', 'signature', 'client'] },
    ),
  );

function writeSpec(model: ModelSpec, forms: IntegerForm[]): Record<string, unknown> {
  let i = 0;
  const form = (): IntegerForm => forms[i++ % forms.length] ?? 'hex';
  const int = (n: bigint): string | number => writeInteger(n, form());
  const accounts: Record<string, unknown> = {};
  model.accounts.forEach((a, index) => {
    const entry: Record<string, unknown> = {};
    if (a.kind !== 'plain') entry.builtin = { name: 'ecrecover', pricing: { linear: { base: 3000, word: 0 } } };
    if (a.balance !== undefined) entry.balance = int(a.balance);
    if (a.nonce !== undefined) entry.nonce = int(a.nonce);
    if (a.code !== undefined) entry.code = `0x${bytesToHex(a.code)}`;
    if (a.storage !== undefined) {
      entry.storage = Object.fromEntries(
        a.storage.map(([slot, value], j) => [writeInteger(slot, j % 2 ? 'padded' : 'hex'), writeInteger(value, j % 3 ? 'hex' : 'HEX')]),
      );
    }
    accounts[writeAddress(a.address, index % 6)] = entry;
  });
  const genesis: Record<string, unknown> = {
    seal: { authorityRound: { step: int(model.step), signature: `0x${bytesToHex(model.signature)}` } },
    difficulty: int(model.difficulty),
    gasLimit: int(model.gasLimit),
  };
  if (model.timestamp !== undefined) genesis.timestamp = int(model.timestamp);
  if (model.author !== undefined) genesis.author = `0x${bytesToHex(model.author)}`;
  if (model.parentHash !== undefined) genesis.parentHash = `0x${bytesToHex(model.parentHash)}`;
  if (model.extraData !== undefined) genesis.extraData = `0x${bytesToHex(model.extraData)}`;
  if (model.baseFeePerGas !== undefined) genesis.baseFeePerGas = int(model.baseFeePerGas);
  const params: Record<string, unknown> = { networkID: '0x11' };
  if (model.eip1559Transition !== undefined) params.eip1559Transition = int(model.eip1559Transition);
  return { name: 'random', engine: { authorityRound: { params: { stepDuration: 5 } } }, params, genesis, accounts };
}

function expectedStateRoot(model: ModelSpec): Uint8Array {
  return stateRoot(
    model.accounts
      .filter((a) => a.kind !== 'builtin-only')
      .map((a) => ({ address: a.address, nonce: a.nonce ?? 0n, balance: a.balance ?? 0n, code: a.code ?? new Uint8Array(0), storage: a.storage ?? [] })),
  );
}

function expectedBaseFee(model: ModelSpec): bigint | undefined {
  if (model.client === 'openethereum') return model.baseFeePerGas;
  const fee =
    model.eip1559Transition === undefined
      ? (model.baseFeePerGas ?? 0n)
      : model.eip1559Transition === 0n
        ? (model.baseFeePerGas ?? 1_000_000_000n)
        : 0n;
  return fee === 0n ? undefined : fee;
}

function expectedHash(model: ModelSpec, root: Uint8Array): string {
  const baseFee = expectedBaseFee(model);
  return headerHash([...preLondonFields(root, model), bigBytes(model.step), model.signature, ...(baseFee === undefined ? [] : [bigBytes(baseFee)])]);
}

describe('cross-check against an independent computation', () => {
  it('agrees with a hand-written RLP and trie on random specs', async () => {
    await fc.assert(
      fc.asyncProperty(modelSpec, fc.array(integerForm, { minLength: 1, maxLength: 7 }), async (model, forms) => {
        const result = await computeGenesisHash(writeSpec(model, forms), { client: model.client });
        const root = expectedStateRoot(model);
        expect(result.stateRoot).toBe(`0x${bytesToHex(root)}`);
        expect(result.hash).toBe(expectedHash(model, root));
      }),
      { numRuns: 300 },
    );
  });

  it('hashes the same for both clients by default when they agree, and refuses when they do not', async () => {
    await fc.assert(
      fc.asyncProperty(modelSpec, async (model) => {
        const spec = writeSpec(model, ['hex']);
        const oe = expectedHash({ ...model, client: 'openethereum' }, expectedStateRoot(model));
        const nm = expectedHash({ ...model, client: 'nethermind' }, expectedStateRoot(model));
        if (oe === nm) {
          expect((await computeGenesisHash(spec)).hash).toBe(oe);
        } else {
          const err = await thrown(computeGenesisHash(spec));
          expect([err.code, err.path]).toEqual(['CHAINSPEC_UNSUPPORTED', 'genesis.baseFeePerGas']);
        }
      }),
      { numRuns: 100 },
    );
  });

  describe("Nethermind's timestamp-fork header fields", () => {
    const base = (params: Record<string, unknown>, genesis: Record<string, unknown> = {}): Record<string, unknown> => ({
      params: { eip1559Transition: '0x0', ...params },
      genesis: {
        seal: { authorityRound: { step: '0x0', signature: `0x${'00'.repeat(65)}` } },
        difficulty: '0x20000',
        gasLimit: '0x989680',
        timestamp: '0x64',
        baseFeePerGas: '0x3b9aca00',
        ...genesis,
      },
      accounts: { '0x0000000000000000000000000000000000000001': { balance: '0x1' } },
    });
    const root = secureRoot([[hexToBytes('0000000000000000000000000000000000000001'), rlp([bigBytes(0n), bigBytes(1n), EMPTY_ROOT, keccak_256(new Uint8Array(0))])]]);
    const head = (): Rlp[] => [
      ...preLondonFields(root, { difficulty: 0x20000n, gasLimit: 0x989680n, timestamp: 100n }),
      bigBytes(0n),
      new Uint8Array(65),
      bigBytes(1_000_000_000n),
    ];
    const hashOf = headerHash;

    it.each([
      ['withdrawals (eip4895)', { eip4895TransitionTimestamp: '0x64' }, {}, [EMPTY_ROOT]],
      ['a fork after the genesis timestamp adds nothing', { eip4895TransitionTimestamp: '0x65' }, {}, []],
      ['blobs without genesis blob fields add nothing', { eip4844TransitionTimestamp: '0x0' }, {}, []],
      ['blobs with genesis blob fields', { eip4844TransitionTimestamp: '0x0' }, { blobGasUsed: '0x0', excessBlobGas: '0x0' }, [new Uint8Array(32), bigBytes(0n), bigBytes(0n)]],
      [
        'Cancun with Shanghai',
        { eip4895TransitionTimestamp: '0x0', eip4844TransitionTimestamp: '0x0', eip4788TransitionTimestamp: '0x0' },
        {},
        [EMPTY_ROOT, bigBytes(0n), bigBytes(0n), new Uint8Array(32)],
      ],
      [
        'Prague requests alone force every earlier field',
        { eip7002TransitionTimestamp: '0x0' },
        {},
        [new Uint8Array(32), bigBytes(0n), bigBytes(0n), new Uint8Array(0), sha256(new Uint8Array(0))],
      ],
    ] as const)('%s', async (_name, params, genesis, tail) => {
      const result = await computeGenesisHash(base(params, genesis), { client: 'nethermind' });
      expect(result.hash).toBe(hashOf([...head(), ...tail]));
    });

    it('writes a zero base fee when a later field forces it', async () => {
      const spec = base({ eip1559Transition: '0x5', eip4788TransitionTimestamp: '0x0' });
      const fields = [...preLondonFields(root, { difficulty: 0x20000n, gasLimit: 0x989680n, timestamp: 100n }), bigBytes(0n), new Uint8Array(65)];
      const result = await computeGenesisHash(spec, { client: 'nethermind' });
      expect(result.hash).toBe(hashOf([...fields, bigBytes(0n), new Uint8Array(32), bigBytes(0n), bigBytes(0n), new Uint8Array(32)]));
    });
  });
});

// ---- Hostile inputs.

const A = '0x00a329c0648769a73afac7f9381e08fb43dbea72';
const B = '0x00521965e7bd230323c423d96c657db5b79d099f';

function validSpec(): Record<string, any> {
  return {
    name: 'hostile',
    engine: { authorityRound: { params: { stepDuration: '0x5', validators: { list: [A] } } } },
    params: { networkID: '0x11', eip1559Transition: '0x0' },
    genesis: {
      seal: { authorityRound: { step: '0x0', signature: `0x${'00'.repeat(65)}` } },
      difficulty: '0x20000',
      gasLimit: '0x989680',
      baseFeePerGas: '0x3b9aca00',
    },
    accounts: {
      '0x0000000000000000000000000000000000000001': { builtin: { name: 'ecrecover', pricing: { linear: { base: 3000, word: 0 } } } },
      [A]: { balance: '0x10', storage: { '0x01': '0x02' } },
    },
  };
}

type Mutation = (spec: Record<string, any>) => void;
const hostile: [string, Mutation, ErrorCode, string, GenesisClient?][] = [
  ['balance with 0X', (s) => (s.accounts[A].balance = '0X10'), 'CHAINSPEC_INVALID', `accounts.${A}.balance`],
  ['negative balance string', (s) => (s.accounts[A].balance = '-1'), 'CHAINSPEC_INVALID', `accounts.${A}.balance`],
  ['negative balance number', (s) => (s.accounts[A].balance = -1), 'CHAINSPEC_INVALID', `accounts.${A}.balance`],
  ['fractional balance', (s) => (s.accounts[A].balance = 1.5), 'CHAINSPEC_INVALID', `accounts.${A}.balance`],
  ['exponent balance', (s) => (s.accounts[A].balance = '1e18'), 'CHAINSPEC_INVALID', `accounts.${A}.balance`],
  ['unsafe JSON number balance', (s) => (s.accounts[A].balance = 2 ** 60), 'CHAINSPEC_INVALID', `accounts.${A}.balance`],
  ['balance of 65 hex digits', (s) => (s.accounts[A].balance = `0x1${'0'.repeat(64)}`), 'CHAINSPEC_INVALID', `accounts.${A}.balance`],
  ['balance with a leading zero', (s) => (s.accounts[A].balance = '010'), 'CHAINSPEC_UNSUPPORTED', `accounts.${A}.balance`],
  ['null nonce', (s) => (s.accounts[A].nonce = null), 'CHAINSPEC_INVALID', `accounts.${A}.nonce`],
  ['odd-length code', (s) => (s.accounts[A].code = '0x123'), 'CHAINSPEC_INVALID', `accounts.${A}.code`],
  ['non-hex code', (s) => (s.accounts[A].code = '0xzz'), 'CHAINSPEC_INVALID', `accounts.${A}.code`],
  ['decimal storage key', (s) => (s.accounts[A].storage = { '10': '0x1' }), 'CHAINSPEC_UNSUPPORTED', `accounts.${A}.storage.10`],
  ['numeric storage value', (s) => (s.accounts[A].storage = { '0x1': 1 }), 'CHAINSPEC_UNSUPPORTED', `accounts.${A}.storage.0x1`],
  ['storage value of 65 hex digits', (s) => (s.accounts[A].storage = { '0x1': `0x1${'0'.repeat(64)}` }), 'CHAINSPEC_INVALID', `accounts.${A}.storage.0x1`],
  ['the same storage slot twice', (s) => (s.accounts[A].storage = { '0x1': '0x1', '0x01': '0x2' }), 'CHAINSPEC_INVALID', `accounts.${A}.storage.0x01`],
  ['storage that is not an object', (s) => (s.accounts[A].storage = ['0x1']), 'CHAINSPEC_INVALID', `accounts.${A}.storage`],
  ['address of 19 bytes', (s) => (s.accounts[`0x${'11'.repeat(19)}`] = { balance: '0x1' }), 'CHAINSPEC_INVALID', `accounts.0x${'11'.repeat(19)}`],
  ['address in another case', (s) => (s.accounts[A.toUpperCase().replace('0X', '0x')] = { balance: '0x1' }), 'CHAINSPEC_INVALID', `accounts.${A.toUpperCase().replace('0X', '0x')}`],
  ['address without 0x', (s) => (s.accounts[A.slice(2)] = { balance: '0x1' }), 'CHAINSPEC_INVALID', `accounts.${A.slice(2)}`],
  ['constructor account', (s) => (s.accounts[B] = { balance: '0x1', constructor: '0x6000' }), 'CHAINSPEC_UNSUPPORTED', `accounts.${B}.constructor`],
  ['unknown account field', (s) => (s.accounts[B] = { codeHash: `0x${'00'.repeat(32)}` }), 'CHAINSPEC_UNSUPPORTED', `accounts.${B}.codeHash`],
  ['empty account', (s) => (s.accounts[B] = {}), 'CHAINSPEC_UNSUPPORTED', `accounts.${B}`],
  ['builtin with code and no balance', (s) => (s.accounts[B] = { builtin: { name: 'identity' }, code: '0x00' }), 'CHAINSPEC_UNSUPPORTED', `accounts.${B}.balance`],
  ['account that is not an object', (s) => (s.accounts[B] = '0x1'), 'CHAINSPEC_INVALID', `accounts.${B}`],
  ['no accounts', (s) => delete s.accounts, 'CHAINSPEC_INVALID', 'accounts'],
  ['no params', (s) => delete s.params, 'CHAINSPEC_INVALID', 'params'],
  ['no genesis', (s) => delete s.genesis, 'CHAINSPEC_INVALID', 'genesis'],
  ['author of 19 bytes', (s) => (s.genesis.author = `0x${'11'.repeat(19)}`), 'CHAINSPEC_INVALID', 'genesis.author'],
  ['parent hash of 31 bytes', (s) => (s.genesis.parentHash = `0x${'11'.repeat(31)}`), 'CHAINSPEC_INVALID', 'genesis.parentHash'],
  ['signature of 64 bytes', (s) => (s.genesis.seal.authorityRound.signature = `0x${'00'.repeat(64)}`), 'CHAINSPEC_INVALID', 'genesis.seal.authorityRound.signature'],
  ['no signature', (s) => delete s.genesis.seal.authorityRound.signature, 'CHAINSPEC_INVALID', 'genesis.seal.authorityRound.signature'],
  ['step with 0X', (s) => (s.genesis.seal.authorityRound.step = '0X0'), 'CHAINSPEC_INVALID', 'genesis.seal.authorityRound.step'],
  ['step of 2^63', (s) => (s.genesis.seal.authorityRound.step = '0x8000000000000000'), 'CHAINSPEC_INVALID', 'genesis.seal.authorityRound.step'],
  ['an Ethash seal', (s) => (s.genesis.seal = { ethereum: { nonce: '0x0000000000000042', mixHash: `0x${'00'.repeat(32)}` } }), 'CHAINSPEC_UNSUPPORTED', 'genesis.seal'],
  ['zero gas limit', (s) => (s.genesis.gasLimit = '0x0'), 'CHAINSPEC_INVALID', 'genesis.gasLimit'],
  ['gas limit of 2^63', (s) => (s.genesis.gasLimit = '0x8000000000000000'), 'CHAINSPEC_INVALID', 'genesis.gasLimit'],
  ['no difficulty', (s) => delete s.genesis.difficulty, 'CHAINSPEC_INVALID', 'genesis.difficulty'],
  ['timestamp of 2^64', (s) => (s.genesis.timestamp = '18446744073709551616'), 'CHAINSPEC_INVALID', 'genesis.timestamp'],
  ['unknown genesis field', (s) => (s.genesis.mixHash = `0x${'00'.repeat(32)}`), 'CHAINSPEC_UNSUPPORTED', 'genesis.mixHash'],
  ['a state root that is not the accounts\'', (s) => (s.genesis.stateRoot = `0x${'11'.repeat(32)}`), 'CHAINSPEC_UNSUPPORTED', 'genesis.stateRoot'],
  ['a transactions root that is not empty', (s) => (s.genesis.transactionsRoot = `0x${'00'.repeat(32)}`), 'CHAINSPEC_UNSUPPORTED', 'genesis.transactionsRoot'],
  ['non-zero gas used', (s) => (s.genesis.gasUsed = '0x1'), 'CHAINSPEC_UNSUPPORTED', 'genesis.gasUsed'],
  ['London at 0 without a base fee, for both clients', (s) => delete s.genesis.baseFeePerGas, 'CHAINSPEC_UNSUPPORTED', 'genesis.baseFeePerGas'],
  ['a base fee with London later, for both clients', (s) => (s.params.eip1559Transition = '0x5'), 'CHAINSPEC_UNSUPPORTED', 'genesis.baseFeePerGas'],
  ['a zero base fee, for both clients', (s) => (s.genesis.baseFeePerGas = '0x0'), 'CHAINSPEC_UNSUPPORTED', 'genesis.baseFeePerGas'],
  ['a timestamp fork, for OpenEthereum', (s) => (s.params.eip4895TransitionTimestamp = '0x0'), 'CHAINSPEC_UNSUPPORTED', 'params.eip4895TransitionTimestamp', 'openethereum'],
  ['a timestamp fork, for both clients', (s) => (s.params.eip1153TransitionTimestamp = '0x0'), 'CHAINSPEC_UNSUPPORTED', 'params.eip1153TransitionTimestamp'],
  ['blob gas fields, for OpenEthereum', (s) => (s.genesis.blobGasUsed = '0x0'), 'CHAINSPEC_UNSUPPORTED', 'genesis.blobGasUsed', 'openethereum'],
  ['an unmodelled Nethermind fork at genesis', (s) => (s.params.eip7928TransitionTimestamp = '0x0'), 'CHAINSPEC_UNSUPPORTED', 'params.eip7928TransitionTimestamp', 'nethermind'],
  ['a malformed timestamp fork', (s) => (s.params.eip4844TransitionTimestamp = '0X0'), 'CHAINSPEC_INVALID', 'params.eip4844TransitionTimestamp', 'nethermind'],
];

describe('hostile chain specs', () => {
  it('accepts the valid base spec', async () => {
    await expect(computeGenesisHash(validSpec())).resolves.toMatchObject({ hash: expect.stringMatching(/^0x[0-9a-f]{64}$/) });
  });

  it.each(hostile)('refuses %s', async (_name, mutate, code, where, client) => {
    const spec = validSpec();
    mutate(spec);
    const err = await thrown(computeGenesisHash(spec, client === undefined ? {} : { client }));
    expect({ code: err.code, path: err.path }).toEqual({ code, path: where });
  });

  it('refuses what is not an object', async () => {
    for (const spec of [null, [], 'spec', 1]) {
      const err = await thrown(computeGenesisHash(spec));
      expect({ code: err.code, path: err.path }).toEqual({ code: 'CHAINSPEC_INVALID', path: '' });
    }
  });

  it('pins the text of its errors', async () => {
    const messages: string[] = [];
    for (const mutate of [
      (s: Record<string, any>) => (s.accounts[B] = { balance: '0x1', constructor: '0x6000' }),
      (s: Record<string, any>) => (s.accounts[A.toUpperCase().replace('0X', '0x')] = { balance: '0x1' }),
      (s: Record<string, any>) => delete s.genesis.baseFeePerGas,
      (s: Record<string, any>) => (s.accounts[A].storage = { '10': '0x1' }),
    ]) {
      const spec = validSpec();
      mutate(spec);
      messages.push((await thrown(computeGenesisHash(spec))).message);
    }
    expect(messages).toEqual([
      `CHAINSPEC_UNSUPPORTED at accounts.${B}.constructor: expected no genesis constructor: give the deployed code and storage instead`,
      `CHAINSPEC_INVALID at accounts.${A.toUpperCase().replace('0X', '0x')}: expected an address not already listed in another case or with/without 0x`,
      'CHAINSPEC_UNSUPPORTED at genesis.baseFeePerGas: expected a non-zero baseFeePerGas exactly when London (params.eip1559Transition) is at block 0 (OpenEthereum writes a base fee iff baseFeePerGas is present; Nethermind iff London is at block 0, 1 gwei if absent); or options.client naming the target client',
      `CHAINSPEC_UNSUPPORTED at accounts.${A}.storage.10: expected 0x followed by 1 to 64 hex digits, below 2^256 (a decimal string here is hex to Nethermind and decimal to OpenEthereum)`,
    ]);
  });

  it('never echoes a rejected value', async () => {
    const spec = validSpec();
    spec.accounts[A].balance = '0Xcafebabe';
    expect((await thrown(computeGenesisHash(spec))).message).not.toMatch(/cafebabe/i);
  });
});

// ---- accountStartNonce (issue 3 #1; shared/genesis/state-root.ts, REFERENCE.md §1–2).

describe('accountStartNonce', () => {
  // OpenEthereum: `pod_account.rs` `From<ethjson::spec::Account>` reads a missing nonce as zero (`map_or_else(U256::zero, …)`),
  // never `params.accountStartNonce`, and builds the genesis state from those pod accounts. Nethermind ignores the
  // param, and `AllocationJson.Nonce` defaults to 0. So the genesis hash must not move with it, for either client.
  const noNonce = '0x00000000000000000000000000000000000000aa';
  const withNonce = '0x00000000000000000000000000000000000000bb';
  const spec = (accountStartNonce: string | undefined): Record<string, any> => {
    const s = validSpec();
    if (accountStartNonce !== undefined) s.params.accountStartNonce = accountStartNonce;
    s.accounts[noNonce] = { balance: '0x2a' };
    s.accounts[withNonce] = { balance: '0x1', nonce: '0x5', code: '0x6000' };
    return s;
  };
  const root = stateRoot([
    { address: hexToBytes(A.slice(2)), nonce: 0n, balance: 0x10n, code: new Uint8Array(0), storage: [[1n, 2n]] },
    { address: hexToBytes(noNonce.slice(2)), nonce: 0n, balance: 0x2an, code: new Uint8Array(0), storage: [] },
    { address: hexToBytes(withNonce.slice(2)), nonce: 5n, balance: 1n, code: hexToBytes('6000'), storage: [] },
  ]);
  const expected = headerHash([...preLondonFields(root, { difficulty: 0x20000n, gasLimit: 0x989680n }), bigBytes(0n), new Uint8Array(65), bigBytes(1_000_000_000n)]);

  it.each([['openethereum'], ['nethermind'], ['both clients']] as const)('gives an account without a nonce nonce 0 and keeps a written one, whatever accountStartNonce says, for %s', async (which) => {
    const options = which === 'both clients' ? {} : { client: which };
    for (const start of [undefined, '0x0', '0x1', '0x100000', `0x${'f'.repeat(16)}`]) {
      const result = await computeGenesisHash(spec(start), options);
      expect(result.stateRoot, `accountStartNonce ${start}`).toBe(`0x${bytesToHex(root)}`);
      expect(result.hash, `accountStartNonce ${start}`).toBe(expected);
    }
  });

  it('is not what the hash would be if a missing nonce were accountStartNonce', async () => {
    // The check above could not fail if the nonce did not reach the hash at all.
    const startRoot = stateRoot([
      { address: hexToBytes(A.slice(2)), nonce: 0x100000n, balance: 0x10n, code: new Uint8Array(0), storage: [[1n, 2n]] },
      { address: hexToBytes(noNonce.slice(2)), nonce: 0x100000n, balance: 0x2an, code: new Uint8Array(0), storage: [] },
      { address: hexToBytes(withNonce.slice(2)), nonce: 5n, balance: 1n, code: hexToBytes('6000'), storage: [] },
    ]);
    const other = headerHash([...preLondonFields(startRoot, { difficulty: 0x20000n, gasLimit: 0x989680n }), bigBytes(0n), new Uint8Array(65), bigBytes(1_000_000_000n)]);
    expect(other).not.toBe(expected);
    const explicit = spec('0x100000');
    explicit.accounts[A].nonce = '0x100000';
    explicit.accounts[noNonce].nonce = '0x100000';
    expect((await computeGenesisHash(explicit)).hash).toBe(other);
  });
});
