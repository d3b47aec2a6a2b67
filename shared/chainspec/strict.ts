/**
 * Strictness like the clients': which parts of a Parity-style Aura chain spec (ours, or one a member got
 * from anywhere) OpenEthereum 3.3.5 or Nethermind would refuse, or load differently from what it says.
 * Every problem is reported, not only the first, each with the client it concerns.
 *
 * OpenEthereum 3.3.5 reads the file with serde into the structs of `crates/ethjson/src/spec/`, each with
 * `deny_unknown_fields` (an unknown field fails the load), then builds the engine in `crates/ethcore`:
 * - `spec.rs` (`Spec`), `engine.rs` (`Engine`), `authority_round.rs` (`AuthorityRoundParams`),
 *   `step_duration.rs` (`StepDuration`), `validator_set.rs` (`ValidatorSet`), `ethash.rs`
 *   (`BlockReward`), `params.rs` (`Params`), `genesis.rs` (`Genesis`), `seal.rs` (`Seal`,
 *   `AuthorityRoundSeal`), `state.rs` (`State`), `account.rs` (`Account`), `builtin.rs`
 *   (`BuiltinCompat`, `PricingCompat`, `PricingAt`, `Pricing`: snake_case, every price a `u64`);
 * - leaves: `crates/ethjson/src/uint.rs` (`Uint`: a JSON number ≤ u64, or a string: `0x` + hex for
 *   `U256::from_str`, else decimal for `U256::from_dec_str`; `""` and `"0x"` are 0; `validate_non_zero`),
 *   `hash.rs` (`H64`/`Address`/`H256`/`H520`: exact length, `0x` optional, `""` is zero), `bytes.rs`
 *   (`Bytes`: any string, non-hex read as empty); serde's `Option` takes `null` as absent;
 * - load time: `crates/ethcore/src/engines/authority_round/mod.rs` (`From<AuthorityRoundParams>`
 *   panics on a step duration 0, empty step-duration transitions, an empty block-reward map, and a
 *   `blockRewardContractTransition` not below every `blockRewardContractTransitions` key;
 *   `AuthorityRound::new` refuses step durations without timestamp 0),
 *   `crates/ethcore/src/engines/validator_set/multi.rs` (`Multi::new` asserts a set from block 0), and
 *   `crates/ethcore/builtin/src/lib.rs` (`EthereumBuiltin::from_str`: the builtin names it knows).
 *
 * The index holds none of these files at v3.3.5 (6c2d392d), so the field lists come from stored versions:
 * `params.rs` @ ed2323ac (ends with `validateServiceTransactionsTransition`, the last spec option the
 * CHANGELOG names up to v3.3.5), `authority_round.rs` @ 61777657 (ends with `rewriteBytecode`), the other
 * `spec/*.rs` at the versions the index lists. `params.rs` @ 07fd587a adds `terminalTotalDifficulty`, but
 * that commit is OpenEthereum's merge work (its `spec.rs` builds a `Beacon` engine; v3.3.5's Cargo.toml has
 * no engine-API crate and its CHANGELOG no merge support), so the field counts as unknown to 3.3.5.
 *
 * Nethermind ignores unknown fields and defaults most missing ones (REFERENCE.md §2); what stops it or
 * reads differently (`Nethermind.Specs/ChainSpecStyle/AuthorityRoundChainSpecEngineParameters.cs`:
 * `StepDurationJsonConverter` parses with `long.Parse`, `LoadValidator` refuses a multi inside a multi,
 * `AuRaValidatorJson.GetValidatorType` takes the first of list, contract, safeContract, multi;
 * `Nethermind.Consensus.AuRa/AuRaStepCalculator.cs` `ValidateStepDurations`;
 * `Nethermind.Consensus.AuRa/Validators/ListBasedValidator.cs` and `MultiValidator.cs`;
 * `ChainSpecStyle/Json/AllocationJson.cs`: storage is `Dictionary<string, string>` read as hex;
 * `Nethermind.Serialization.Json/UInt256Converter.cs`: a string starting with 0 but not 0x is hex;
 * `ChainSpecParamsJson.cs` reads `feeCollector`, not `eip1559FeeCollector`).
 *
 * And what Concord cannot vouch for on either client: an engine or seal other than Aura's, a genesis
 * `constructor` (the state would depend on running it), one address listed twice in another spelling.
 *
 * Codes: CHAINSPEC_INVALID when the client refuses to load the file (a parse error or a load-time
 * panic), CHAINSPEC_UNSUPPORTED when it loads it but not as written, or Concord cannot check it.
 * The check sees parsed JSON: a repeated key, or a number written `1.0` or `1e3`, is already gone.
 */
import { ConcordError, joinPath } from '../errors.js';
import type { ChainClient } from './evm-levels.js';

/** One thing a client would refuse or misread, at `path` in the chain spec. */
export interface ChainSpecProblem {
  client: ChainClient;
  code: 'CHAINSPEC_INVALID' | 'CHAINSPEC_UNSUPPORTED';
  path: string;
  expected: string;
}

/** The result of `checkChainSpec`: every problem for every target, at most one per client and path. */
export interface ChainSpecCheck {
  ok: boolean;
  problems: ChainSpecProblem[];
}

/** How each client is named in messages. */
export const CLIENT_LABELS: Readonly<Record<ChainClient, string>> = Object.freeze({
  openethereum: 'OpenEthereum 3.3.5',
  nethermind: 'Nethermind',
});

type Code = ChainSpecProblem['code'];

class Problems {
  readonly list: ChainSpecProblem[] = [];
  private readonly seen = new Set<string>();
  constructor(private readonly targets: readonly ChainClient[]) {}

  /** Records a problem for `client` if targeted; the first one found at a path is the one kept. */
  add(client: ChainClient, code: Code, path: string, expected: string): void {
    const key = `${client} ${path}`;
    if (!this.targets.includes(client) || this.seen.has(key)) return;
    this.seen.add(key);
    this.list.push({ client, code, path, expected });
  }

  /** Both clients: what Concord cannot vouch for, and what both refuse alike. */
  both(code: Code, path: string, expected: string): void {
    this.add('openethereum', code, path, expected);
    this.add('nethermind', code, path, expected);
  }
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// ---- leaves (crates/ethjson/src/uint.rs, hash.rs, bytes.rs) ----

const UINT_EXPECTED =
  'an integer: a JSON number in 0..2^64-1, or a string of 0x + 1..64 hex digits or of decimal digits (crates/ethjson/src/uint.rs)';
const NON_ZERO_UINT_EXPECTED = `a non-zero ${UINT_EXPECTED.replace(/^an /, '')} (uint::validate_non_zero)`;
const UINT_KEY_EXPECTED = 'a key of 0x + 1..64 hex digits or of decimal digits (crates/ethjson/src/uint.rs)';
const HEX_STRING = /^0x[0-9a-fA-F]{1,64}$/;
const DECIMAL_STRING = /^[0-9]+$/;
const U64_LIMIT = 2 ** 64;
const U256_LIMIT = 1n << 256n;

/** OpenEthereum's `Uint` of a string (a JSON string value or a map key), or null if it does not parse. */
function uintOfString(value: string): bigint | null {
  if (value === '' || value === '0x') return 0n;
  if (value.startsWith('0x')) return HEX_STRING.test(value) ? BigInt(value) : null;
  if (!DECIMAL_STRING.test(value)) return null;
  const parsed = BigInt(value);
  return parsed < U256_LIMIT ? parsed : null;
}

/** OpenEthereum's `Uint` of any JSON value: serde_json hands a u64 to `visit_u64`, anything else fails. */
function uintOf(value: unknown): bigint | null {
  if (typeof value === 'string') return uintOfString(value);
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < U64_LIMIT && !Object.is(value, -0)) {
    return BigInt(value);
  }
  return null;
}

function hashExpected(bytes: number): string {
  return `a hex string of exactly ${bytes} bytes (${2 * bytes} hex digits, 0x optional) (crates/ethjson/src/hash.rs)`;
}

function isHash(value: unknown, bytes: number): boolean {
  if (typeof value !== 'string') return false;
  if (value === '' || value === '0x') return true;
  const digits = value.startsWith('0x') ? value.slice(2) : value;
  return digits.length === 2 * bytes && /^[0-9a-fA-F]*$/.test(digits);
}

const WHOLE_HEX_BYTES = /^(0x)?([0-9a-fA-F]{2})*$/;

// ---- OpenEthereum's structs, as data ----

/** A JSON shape of `crates/ethjson/src/spec/`, and how to check a value against it. */
type Shape =
  | { kind: 'uint'; nonZero?: boolean }
  | { kind: 'u64' }
  | { kind: 'hash'; bytes: 8 | 20 | 32 | 65 }
  | { kind: 'bytes' }
  | { kind: 'string' }
  | { kind: 'bool' }
  | { kind: 'array'; of: Shape }
  | { kind: 'struct'; name: string; source: string; fields: ReadonlyMap<string, Shape>; required: readonly string[] }
  | { kind: 'map'; key: 'uint' | 'address'; of: () => Shape }
  /** an externally tagged serde enum: an object with exactly one key, the variant */
  | { kind: 'enum'; name: string; source: string; variants: ReadonlyMap<string, () => Shape> }
  /** an untagged serde enum: the variant the value's JSON type selects */
  | { kind: 'either'; pick: (value: unknown) => Shape }
  /** a variant OpenEthereum reads that Concord does not check (another engine or seal) */
  | { kind: 'foreign'; expected: string };

const UINT: Shape = { kind: 'uint' };
const NON_ZERO_UINT: Shape = { kind: 'uint', nonZero: true };
const U64: Shape = { kind: 'u64' };
const ADDRESS: Shape = { kind: 'hash', bytes: 20 };
const H256: Shape = { kind: 'hash', bytes: 32 };
const BYTES: Shape = { kind: 'bytes' };
const STRING: Shape = { kind: 'string' };
const BOOL: Shape = { kind: 'bool' };

function struct(name: string, source: string, fields: Record<string, Shape>, required: readonly string[] = []): Shape {
  return { kind: 'struct', name, source, fields: new Map(Object.entries(fields)), required };
}

function enumOf(name: string, source: string, variants: Record<string, () => Shape>): Shape {
  return { kind: 'enum', name, source, variants: new Map(Object.entries(variants)) };
}

function uintMap(of: Shape): Shape {
  return { kind: 'map', key: 'uint', of: () => of };
}

/** `StepDuration` and `BlockReward`: `Single(Uint)` or a map of `Uint` to `Uint` (untagged). */
const UINT_OR_UINT_MAP: Shape = { kind: 'either', pick: (value) => (isObject(value) ? uintMap(UINT) : UINT) };

const FOREIGN_ENGINE: Shape = { kind: 'foreign', expected: 'an authorityRound engine (Concord checks Aura chain specs only)' };
const FOREIGN_SEAL: Shape = { kind: 'foreign', expected: 'an authorityRound seal (the one an Aura genesis block has)' };

const VALIDATOR_SET: Shape = enumOf('ValidatorSet', 'crates/ethjson/src/spec/validator_set.rs', {
  list: () => ({ kind: 'array', of: ADDRESS }),
  safeContract: () => ADDRESS,
  contract: () => ADDRESS,
  multi: () => ({ kind: 'map', key: 'uint', of: () => VALIDATOR_SET }),
});

const AURA_PARAMS = struct(
  'AuthorityRoundParams',
  'crates/ethjson/src/spec/authority_round.rs',
  {
    stepDuration: UINT_OR_UINT_MAP,
    validators: VALIDATOR_SET,
    startStep: UINT,
    validateScoreTransition: UINT,
    validateStepTransition: UINT,
    immediateTransitions: BOOL,
    blockReward: UINT_OR_UINT_MAP,
    blockRewardContractTransition: UINT,
    blockRewardContractAddress: ADDRESS,
    blockRewardContractTransitions: uintMap(ADDRESS),
    blockRewardContractCode: BYTES,
    maximumUncleCountTransition: UINT,
    maximumUncleCount: UINT,
    emptyStepsTransition: UINT,
    maximumEmptySteps: UINT,
    strictEmptyStepsTransition: UINT,
    twoThirdsMajorityTransition: UINT,
    randomnessContractAddress: uintMap(ADDRESS),
    blockGasLimitContractTransitions: uintMap(ADDRESS),
    posdaoTransition: UINT,
    rewriteBytecode: uintMap({ kind: 'map', key: 'address', of: () => BYTES }),
  },
  ['stepDuration', 'validators'],
);

const ENGINE = enumOf('Engine', 'crates/ethjson/src/spec/engine.rs', {
  null: () => FOREIGN_ENGINE,
  instantSeal: () => FOREIGN_ENGINE,
  Ethash: () => FOREIGN_ENGINE,
  basicAuthority: () => FOREIGN_ENGINE,
  authorityRound: () => struct('AuthorityRound', 'crates/ethjson/src/spec/authority_round.rs', { params: AURA_PARAMS }, ['params']),
  clique: () => FOREIGN_ENGINE,
});

const PARAM_UINTS = [
  'accountStartNonce', 'maximumExtraDataSize', 'minGasLimit', 'networkID', 'chainID', 'forkBlock', 'eip150Transition',
  'eip160Transition', 'eip161abcTransition', 'eip161dTransition', 'eip98Transition', 'eip155Transition',
  'validateChainIdTransition', 'validateReceiptsTransition', 'eip140Transition', 'eip210Transition', 'eip210ContractGas',
  'eip211Transition', 'eip145Transition', 'eip214Transition', 'eip658Transition', 'eip1052Transition', 'eip1283Transition',
  'eip1283DisableTransition', 'eip1283ReenableTransition', 'eip1014Transition', 'eip1706Transition', 'eip1344Transition',
  'eip1884Transition', 'eip2028Transition', 'eip2315Transition', 'eip2929Transition', 'eip2930Transition',
  'eip1559Transition', 'eip3198Transition', 'eip3529Transition', 'eip3541Transition', 'eip3607Transition',
  'dustProtectionTransition', 'nonceCapIncrement', 'maxCodeSize', 'maxTransactionSize', 'maxCodeSizeTransition',
  'transactionPermissionContractTransition', 'wasmActivationTransition', 'wasmDisableTransition', 'kip4Transition',
  'kip6Transition', 'eip1559BaseFeeMaxChangeDenominator', 'eip1559ElasticityMultiplier', 'eip1559BaseFeeInitialValue',
  'eip1559BaseFeeMinValue', 'eip1559BaseFeeMinValueTransition', 'eip1559FeeCollectorTransition',
  'validateServiceTransactionsTransition',
] as const;

const PARAMS = struct(
  'Params',
  'crates/ethjson/src/spec/params.rs',
  {
    ...Object.fromEntries(PARAM_UINTS.map((name) => [name, UINT])),
    subprotocolName: STRING,
    forkCanonHash: H256,
    eip210ContractAddress: ADDRESS,
    eip210ContractCode: BYTES,
    removeDustContracts: BOOL,
    gasLimitBoundDivisor: NON_ZERO_UINT,
    registrar: ADDRESS,
    applyReward: BOOL,
    nodePermissionContract: ADDRESS,
    transactionPermissionContract: ADDRESS,
    eip1559FeeCollector: ADDRESS,
  },
  ['maximumExtraDataSize', 'minGasLimit', 'networkID', 'gasLimitBoundDivisor'],
);

const SEAL = enumOf('Seal', 'crates/ethjson/src/spec/seal.rs', {
  ethereum: () => FOREIGN_SEAL,
  authorityRound: () =>
    struct('AuthorityRoundSeal', 'crates/ethjson/src/spec/seal.rs', { step: UINT, signature: { kind: 'hash', bytes: 65 } }, ['step', 'signature']),
  tendermint: () => FOREIGN_SEAL,
  generic: () => FOREIGN_SEAL,
});

const GENESIS = struct(
  'Genesis',
  'crates/ethjson/src/spec/genesis.rs',
  {
    seal: SEAL,
    difficulty: UINT,
    author: ADDRESS,
    timestamp: UINT,
    parentHash: H256,
    gasLimit: NON_ZERO_UINT,
    transactionsRoot: H256,
    receiptsRoot: H256,
    stateRoot: H256,
    gasUsed: UINT,
    extraData: BYTES,
    baseFeePerGas: UINT,
  },
  ['seal', 'difficulty', 'gasLimit'],
);

function pricingStruct(name: string, fields: readonly string[]): () => Shape {
  return () => struct(name, 'crates/ethjson/src/spec/builtin.rs', Object.fromEntries(fields.map((field) => [field, U64])), fields);
}

const PRICING_VARIANTS: Record<string, () => Shape> = {
  blake2_f: pricingStruct('Pricing::Blake2F', ['gas_per_round']),
  linear: pricingStruct('Linear', ['base', 'word']),
  modexp: pricingStruct('Modexp', ['divisor']),
  modexp2565: pricingStruct('Modexp2565', []),
  alt_bn128_pairing: pricingStruct('AltBn128Pairing', ['base', 'pair']),
  alt_bn128_const_operations: pricingStruct('AltBn128ConstOperations', ['price']),
  bls12_const_operations: pricingStruct('Bls12ConstOperations', ['price']),
  bls12_pairing: pricingStruct('Bls12Pairing', ['base', 'pair']),
  bls12_g1_multiexp: pricingStruct('Bls12G1Multiexp', ['base']),
  bls12_g2_multiexp: pricingStruct('Bls12G2Multiexp', ['base']),
};
const PRICING = enumOf('Pricing', 'crates/ethjson/src/spec/builtin.rs', PRICING_VARIANTS);

const PRICING_AT = struct('PricingAt', 'crates/ethjson/src/spec/builtin.rs', { info: STRING, price: PRICING }, ['price']);

/** `PricingCompat` (untagged): one `Pricing` (an object whose single key is a pricing name), else a map of `PricingAt`. */
const PRICING_COMPAT: Shape = {
  kind: 'either',
  pick: (value) => {
    const keys = isObject(value) ? Object.keys(value) : [];
    const [only] = keys;
    return keys.length === 1 && only !== undefined && Object.hasOwn(PRICING_VARIANTS, only) ? PRICING : uintMap(PRICING_AT);
  },
};

const BUILTIN = struct('BuiltinCompat', 'crates/ethjson/src/spec/builtin.rs', { name: STRING, pricing: PRICING_COMPAT, activate_at: UINT }, ['name', 'pricing']);

const ACCOUNT = struct('Account', 'crates/ethjson/src/spec/account.rs', {
  builtin: BUILTIN,
  balance: UINT,
  nonce: UINT,
  code: BYTES,
  storage: uintMap(UINT),
  constructor: BYTES,
});

const SPEC = struct(
  'Spec',
  'crates/ethjson/src/spec/spec.rs',
  {
    name: STRING,
    dataDir: STRING,
    engine: ENGINE,
    params: PARAMS,
    genesis: GENESIS,
    accounts: { kind: 'map', key: 'address', of: () => ACCOUNT },
    nodes: { kind: 'array', of: STRING },
  },
  ['name', 'engine', 'params', 'genesis', 'accounts'],
);

// ---- the walk ----

function camelToSnake(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

function snakeToCamel(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
}

function unknownFieldExpected(shape: Extract<Shape, { kind: 'struct' }>, key: string): string {
  const spelling = [camelToSnake(key), snakeToCamel(key)].find((other) => other !== key && shape.fields.has(other));
  const hint = spelling === undefined ? '' : `; it spells this one ${spelling}`;
  return `no such field: ${shape.name} denies unknown fields (${shape.source})${hint}`;
}

/**
 * Checks `value` against `shape` as OpenEthereum's serde would, reporting refusals for OpenEthereum;
 * `onUint` sees every integer leaf (for Nethermind's reading of them).
 */
function walk(shape: Shape, value: unknown, path: string, problems: Problems, onUint: (value: unknown, path: string) => void): void {
  const refuse = (expected: string): void => problems.add('openethereum', 'CHAINSPEC_INVALID', path, expected);
  switch (shape.kind) {
    case 'uint': {
      const parsed = uintOf(value);
      if (parsed === null) refuse(UINT_EXPECTED);
      else if (shape.nonZero === true && parsed === 0n) refuse(NON_ZERO_UINT_EXPECTED);
      else onUint(value, path);
      return;
    }
    case 'u64':
      if (!(typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < U64_LIMIT)) {
        refuse('a JSON number in 0..2^64-1, not a string (a builtin price is a u64: crates/ethjson/src/spec/builtin.rs)');
      }
      return;
    case 'hash':
      if (!isHash(value, shape.bytes)) refuse(hashExpected(shape.bytes));
      return;
    case 'bytes':
      if (typeof value !== 'string') refuse('a hex string of bytes (crates/ethjson/src/bytes.rs)');
      else if (!WHOLE_HEX_BYTES.test(value)) {
        problems.both('CHAINSPEC_UNSUPPORTED', path, 'hex of whole bytes, 0x optional (OpenEthereum reads any other string as empty bytes: crates/ethjson/src/bytes.rs)');
      }
      return;
    case 'string':
      if (typeof value !== 'string') refuse('a string');
      return;
    case 'bool':
      if (typeof value !== 'boolean') refuse('true or false');
      return;
    case 'array':
      if (!Array.isArray(value)) refuse('an array');
      else value.forEach((item, i) => walk(shape.of, item, joinPath(path, i), problems, onUint));
      return;
    case 'foreign':
      problems.both('CHAINSPEC_UNSUPPORTED', path, shape.expected);
      return;
    case 'either':
      walk(shape.pick(value), value, path, problems, onUint);
      return;
    case 'map': {
      if (!isObject(value)) {
        refuse(`an object keyed by ${shape.key === 'uint' ? 'integers' : 'addresses'}`);
        return;
      }
      for (const [key, item] of Object.entries(value)) {
        const at = joinPath(path, key);
        const keyOk = shape.key === 'uint' ? uintOfString(key) !== null : isHash(key, 20);
        if (!keyOk) problems.add('openethereum', 'CHAINSPEC_INVALID', at, shape.key === 'uint' ? UINT_KEY_EXPECTED : `a key that is ${hashExpected(20)}`);
        else walk(shape.of(), item, at, problems, onUint);
      }
      return;
    }
    case 'enum': {
      const variants = [...shape.variants.keys()].join(', ');
      const keys = isObject(value) ? Object.keys(value) : [];
      const [variant] = keys;
      if (keys.length !== 1 || variant === undefined) {
        refuse(`an object with exactly one of ${variants} (${shape.name}, ${shape.source})`);
        return;
      }
      const inner = shape.variants.get(variant);
      const at = joinPath(path, variant);
      if (inner === undefined) problems.add('openethereum', 'CHAINSPEC_INVALID', at, `one of ${variants} (${shape.name}, ${shape.source})`);
      else walk(inner(), (value as Json)[variant], at, problems, onUint);
      return;
    }
    case 'struct': {
      if (!isObject(value)) {
        refuse(`an object (${shape.name}, ${shape.source})`);
        return;
      }
      for (const [key, item] of Object.entries(value)) {
        const field = shape.fields.get(key);
        const at = joinPath(path, key);
        if (field === undefined) problems.add('openethereum', 'CHAINSPEC_INVALID', at, unknownFieldExpected(shape, key));
        // serde reads null as None for an optional field.
        else if (item !== null || shape.required.includes(key)) walk(field, item, at, problems, onUint);
      }
      for (const key of shape.required) {
        if (!Object.hasOwn(value, key)) {
          problems.add('openethereum', 'CHAINSPEC_INVALID', joinPath(path, key), `a value: ${shape.name} requires ${key} (${shape.source})`);
        }
      }
      return;
    }
  }
}

// ---- rules beyond the JSON shapes ----

function objectAt(value: unknown, ...keys: string[]): Json | null {
  let at: unknown = value;
  for (const key of keys) {
    if (!isObject(at) || !Object.hasOwn(at, key)) return null;
    at = at[key];
  }
  return isObject(at) ? at : null;
}

const AURA_PARAMS_PATH = 'engine.authorityRound.params';
const KNOWN_BUILTINS = new Set([
  'identity', 'ecrecover', 'sha256', 'ripemd160', 'modexp', 'alt_bn128_add', 'alt_bn128_mul', 'alt_bn128_pairing', 'blake2_f',
  'bls12_381_g1_add', 'bls12_381_g1_mul', 'bls12_381_g1_multiexp', 'bls12_381_g2_add', 'bls12_381_g2_mul',
  'bls12_381_g2_multiexp', 'bls12_381_pairing', 'bls12_381_fp_to_g1', 'bls12_381_fp2_to_g2',
]);

/** OpenEthereum's `Multi::new` asserts a set from block 0, at every level (validator_set/mod.rs recurses). */
function checkMultiFromZero(validators: unknown, path: string, problems: Problems): void {
  const multi = objectAt(validators, 'multi');
  if (multi === null) return;
  const at = joinPath(path, 'multi');
  if (!Object.keys(multi).some((key) => uintOfString(key) === 0n)) {
    problems.add('openethereum', 'CHAINSPEC_INVALID', at, 'a set from block 0, key "0" (ethcore validator_set/multi.rs `Multi::new` panics without one)');
  }
  for (const [key, inner] of Object.entries(multi)) checkMultiFromZero(inner, joinPath(at, key), problems);
}

/** The load-time panics and errors of OpenEthereum's ethcore, for a spec whose shapes already parse. */
function checkOpenEthereumLoad(spec: unknown, problems: Problems): void {
  const refuse = (path: string, expected: string): void => problems.add('openethereum', 'CHAINSPEC_INVALID', path, expected);
  const params = objectAt(spec, 'engine', 'authorityRound', 'params');
  if (params !== null) {
    const stepDuration = params.stepDuration;
    const stepPath = joinPath(AURA_PARAMS_PATH, 'stepDuration');
    if (isObject(stepDuration)) {
      const entries = Object.entries(stepDuration);
      if (entries.length === 0) refuse(stepPath, 'at least one step duration (authority_round/mod.rs panics on empty transitions)');
      else if (!entries.some(([key]) => uintOfString(key) === 0n)) refuse(stepPath, 'a step duration from timestamp 0, key "0" (authority_round/mod.rs: step 0 duration is undefined)');
      for (const [key, duration] of entries) {
        if (uintOf(duration) === 0n) refuse(joinPath(stepPath, key), 'a step duration of at least 1 second (authority_round/mod.rs panics on 0)');
      }
    } else if (uintOf(stepDuration) === 0n) {
      refuse(stepPath, 'a step duration of at least 1 second (authority_round/mod.rs panics on 0)');
    }
    if (isObject(params.blockReward) && Object.keys(params.blockReward).length === 0) {
      refuse(joinPath(AURA_PARAMS_PATH, 'blockReward'), 'a block reward, or a non-empty map of them (authority_round/mod.rs panics on an empty one)');
    }
    const contractBlocks = Object.keys(objectAt(params, 'blockRewardContractTransitions') ?? {})
      .map(uintOfString)
      .filter((block) => block !== null);
    const firstContractBlock = contractBlocks.reduce<bigint | null>((min, block) => (min === null || block < min ? block : min), null);
    const hasSingleContract = (params.blockRewardContractAddress ?? null) !== null || (params.blockRewardContractCode ?? null) !== null;
    const singleBlock = (params.blockRewardContractTransition ?? null) === null ? 0n : uintOf(params.blockRewardContractTransition);
    if (hasSingleContract && firstContractBlock !== null && singleBlock !== null && firstContractBlock <= singleBlock) {
      refuse(
        joinPath(AURA_PARAMS_PATH, 'blockRewardContractTransition'),
        'a block below every key of blockRewardContractTransitions (authority_round/mod.rs panics otherwise)',
      );
    }
    checkMultiFromZero(params.validators, joinPath(AURA_PARAMS_PATH, 'validators'), problems);
  }
  const accounts = objectAt(spec, 'accounts');
  for (const [address, account] of Object.entries(accounts ?? {})) {
    const name = objectAt(account, 'builtin')?.name;
    if (typeof name === 'string' && !KNOWN_BUILTINS.has(name)) {
      refuse(joinPath('accounts', address, 'builtin', 'name'), `a builtin OpenEthereum implements: ${[...KNOWN_BUILTINS].join(', ')} (crates/ethcore/builtin/src/lib.rs)`);
    }
  }
}

const NETHERMIND_LONG_LIMIT = 1n << 63n;

/** A decimal that C#'s `long.Parse` reads: digits only here, below 2^63. */
function longOfDecimal(value: unknown): bigint | null {
  if (typeof value === 'string') return DECIMAL_STRING.test(value) && BigInt(value) < NETHERMIND_LONG_LIMIT ? BigInt(value) : null;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return BigInt(value);
  return null;
}

function checkNethermindStepDuration(stepDuration: unknown, problems: Problems): void {
  const path = joinPath(AURA_PARAMS_PATH, 'stepDuration');
  const refuse = (at: string, expected: string): void => problems.add('nethermind', 'CHAINSPEC_INVALID', at, expected);
  const single = 'a JSON number or a decimal string, not 0x hex (StepDurationJsonConverter parses with long.Parse)';
  if (!isObject(stepDuration)) {
    const duration = longOfDecimal(stepDuration);
    if (duration === null) refuse(path, single);
    else if (duration === 0n) refuse(path, 'a step duration of at least 1 second (AuRaStepCalculator: step duration cannot be 0)');
    return;
  }
  let fromZero = false;
  let parsed = true;
  for (const [key, value] of Object.entries(stepDuration)) {
    const at = joinPath(path, key);
    const timestamp = longOfDecimal(key);
    const duration = longOfDecimal(value);
    if (timestamp === null) refuse(at, 'a decimal timestamp key, not 0x hex (StepDurationJsonConverter parses keys with long.Parse)');
    else if (duration === null) refuse(at, single);
    else if (duration === 0n) refuse(at, 'a step duration of at least 1 second (AuRaStepCalculator: step duration cannot be 0)');
    parsed &&= timestamp !== null && duration !== null;
    fromZero ||= timestamp === 0n;
  }
  // Only a map that parses gets as far as the step calculator.
  if (parsed && !fromZero) refuse(path, 'a step duration from timestamp 0, key "0" (AuRaStepCalculator: step 0 duration is undefined)');
}

const NETHERMIND_VALIDATOR_KINDS = ['list', 'contract', 'safeContract', 'multi'] as const;

function checkNethermindValidators(validators: unknown, path: string, nested: boolean, problems: Problems): void {
  const refuse = (at: string, expected: string): void => problems.add('nethermind', 'CHAINSPEC_INVALID', at, expected);
  if (!isObject(validators)) return;
  const kinds = NETHERMIND_VALIDATOR_KINDS.filter((kind) => (validators[kind] ?? null) !== null);
  const [kind] = kinds;
  if (kind === undefined) {
    refuse(path, 'one of list, contract, safeContract, multi (AuRaValidatorJson: validator type not supported)');
    return;
  }
  if (kinds.length > 1) {
    problems.add('nethermind', 'CHAINSPEC_UNSUPPORTED', path, 'exactly one of list, contract, safeContract, multi (Nethermind takes the first in that order, ignoring the rest)');
  }
  const at = joinPath(path, kind);
  if (kind === 'list' && Array.isArray(validators.list) && validators.list.length === 0) {
    refuse(at, 'at least one validator (ListBasedValidator: empty validator addresses)');
  }
  if (kind !== 'multi') return;
  if (nested) {
    refuse(at, 'a list, contract or safeContract: a multi cannot be inside a multi (AuthorityRoundChainSpecEngineParameters.LoadValidator)');
    return;
  }
  const multi = validators.multi;
  if (!isObject(multi)) return;
  const keys = Object.keys(multi);
  if (keys.length === 0) refuse(at, 'at least one validator set (MultiValidator: multi validator cannot be empty)');
  else if (!keys.some((key) => longOfDecimal(key) === 0n)) refuse(at, 'a set from block 0, key "0" (MultiValidator finds no set for the genesis block otherwise)');
  for (const key of keys) {
    if (longOfDecimal(key) === null) refuse(joinPath(at, key), 'a decimal block number key, not 0x hex (AuRaValidatorJson.Multi is a Dictionary<long, …>)');
    checkNethermindValidators(multi[key], joinPath(at, key), true, problems);
  }
}

/** Storage: `Dictionary<string, string>` read with `Bytes.FromHexString` (AllocationJson.cs). */
function checkNethermindStorage(storage: unknown, path: string, problems: Problems): void {
  if (!isObject(storage)) return;
  const hex = '0x-prefixed hex (Nethermind reads storage as hex even without 0x, OpenEthereum as decimal: AllocationJson.GetConvertedStorage)';
  for (const [key, value] of Object.entries(storage)) {
    const at = joinPath(path, key);
    if (!key.startsWith('0x')) problems.add('nethermind', 'CHAINSPEC_UNSUPPORTED', at, `a slot in ${hex}`);
    if (typeof value !== 'string') problems.add('nethermind', 'CHAINSPEC_INVALID', at, 'a string value (AllocationJson.Storage is Dictionary<string, string>: a number stops Nethermind)');
    else if (!value.startsWith('0x')) problems.add('nethermind', 'CHAINSPEC_UNSUPPORTED', at, `a value in ${hex}`);
  }
}

function checkNethermind(spec: unknown, problems: Problems): void {
  const refuse = (path: string, expected: string): void => problems.add('nethermind', 'CHAINSPEC_INVALID', path, expected);
  if (!isObject(spec)) {
    refuse('', 'a chain spec object');
    return;
  }
  const engine = objectAt(spec, 'engine');
  const params = objectAt(engine, 'authorityRound', 'params');
  if (engine === null) refuse('engine', 'an engine object (ChainSpecJson.Engine)');
  else if (Object.hasOwn(engine, 'authorityRound') && params === null) refuse(AURA_PARAMS_PATH, 'an object of AuRa engine params (AuthorityRoundChainSpecEngineParameters)');
  if (params !== null) {
    checkNethermindStepDuration(params.stepDuration, problems);
    checkNethermindValidators(params.validators, joinPath(AURA_PARAMS_PATH, 'validators'), false, problems);
  }
  if (Object.hasOwn(objectAt(spec, 'params') ?? {}, 'eip1559FeeCollector')) {
    problems.add(
      'nethermind',
      'CHAINSPEC_UNSUPPORTED',
      'params.eip1559FeeCollector',
      'no eip1559FeeCollector: Nethermind ignores it (it reads feeCollector, which OpenEthereum refuses), so the clients would split (REFERENCE.md §2)',
    );
  }
  for (const [address, account] of Object.entries(objectAt(spec, 'accounts') ?? {})) {
    checkNethermindStorage(objectAt(account, 'storage'), joinPath('accounts', address, 'storage'), problems);
  }
}

/** What no client check covers: the genesis Concord can compute and both clients agree on. */
function checkConcordAccounts(spec: unknown, problems: Problems): void {
  const seen = new Map<string, string>();
  for (const [address, account] of Object.entries(objectAt(spec, 'accounts') ?? {})) {
    const path = joinPath('accounts', address);
    if (isHash(address, 20) && address !== '' && address !== '0x') {
      const id = (address.startsWith('0x') ? address.slice(2) : address).toLowerCase();
      const earlier = seen.get(id);
      if (earlier !== undefined) {
        // OpenEthereum's BTreeMap<Address, _> keeps the last entry; Nethermind keys the JSON by string.
        problems.both('CHAINSPEC_INVALID', path, `an address not already listed as ${earlier} in another case or with/without 0x (the clients need not keep the same entry)`);
      }
      seen.set(id, path);
    }
    if (isObject(account) && Object.hasOwn(account, 'constructor')) {
      problems.both('CHAINSPEC_UNSUPPORTED', joinPath(path, 'constructor'), 'no genesis constructor: the state would depend on running it; give the deployed code and storage instead');
    }
  }
}

/**
 * Checks a parsed chain spec JSON value for the given clients and returns every problem found. Never
 * throws: a value of any shape is reported on, field by field.
 */
export function checkChainSpec(spec: unknown, targets: readonly ChainClient[]): ChainSpecCheck {
  const problems = new Problems(targets);
  const nethermindReads = (value: unknown, path: string): void => {
    if (typeof value === 'string' && /^0[0-9]+$/.test(value)) {
      problems.add('nethermind', 'CHAINSPEC_UNSUPPORTED', path, 'an integer without a leading zero, or 0x hex (Nethermind UInt256Converter reads a decimal string that starts with 0 as hex, REFERENCE.md §1)');
    }
  };
  walk(SPEC, spec, '', problems, nethermindReads);
  checkOpenEthereumLoad(spec, problems);
  checkNethermind(spec, problems);
  checkConcordAccounts(spec, problems);
  return { ok: problems.list.length === 0, problems: problems.list };
}

/**
 * Throws the first problem `checkChainSpec` finds for `targets` as a ConcordError whose `expected` names
 * the client. For specs Concord writes, where a problem is a bug.
 */
export function assertChainSpec(spec: unknown, targets: readonly ChainClient[]): void {
  const [first] = checkChainSpec(spec, targets).problems;
  if (first !== undefined) throw new ConcordError(first.code, first.path, `${first.expected} [${CLIENT_LABELS[first.client]}]`);
}
