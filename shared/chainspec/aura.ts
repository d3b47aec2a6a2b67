/**
 * Writes the chain spec of a Concord Aura chain: the Parity-style JSON that OpenEthereum 3.3.5 loads
 * with its strict parser and Nethermind loads as is. Pure: equal inputs give equal objects, built
 * literally in a fixed key order, so `JSON.stringify(spec, null, 2)` gives equal bytes.
 *
 * Every field written is one that OpenEthereum declares (each struct denies unknown fields) and
 * Nethermind reads the same way, except the timestamp transitions of the levels above London, which
 * make a spec Nethermind-only (evm-levels.ts `supportedClients`):
 * - top level: OpenEthereum `crates/ethjson/src/spec/spec.rs` (`Spec`), Nethermind
 *   `src/Nethermind/Nethermind.Specs/ChainSpecStyle/Json/ChainSpecJson.cs`;
 * - `engine.authorityRound.params`: OpenEthereum `crates/ethjson/src/spec/authority_round.rs`,
 *   `step_duration.rs`, `validator_set.rs`, and `crates/ethcore/src/engines/authority_round/mod.rs`
 *   (`From<ethjson::spec::AuthorityRoundParams>`: defaults and limits); Nethermind
 *   `Nethermind.Specs/ChainSpecStyle/AuthorityRoundChainSpecEngineParameters.cs`;
 * - `validators`: a `list`, or with validator-set contracts after genesis a `multi` keyed by the decimal
 *   block number from which each set holds, `"0"` being the list. OpenEthereum
 *   `crates/ethjson/src/spec/validator_set.rs` (`ValidatorSet::Multi(BTreeMap<Uint, ValidatorSet>)`: a key
 *   is a `Uint`, decimal or `0x` hex; `SafeContract` is the non-reporting contract, `Contract` the
 *   reporting one) and `crates/ethcore/src/engines/validator_set/multi.rs` (`Multi::new` asserts a set
 *   from block 0); Nethermind `AuthorityRoundChainSpecEngineParameters.cs` (`AuRaValidatorJson.Multi` is a
 *   `Dictionary<long, …>`, so decimal keys only, and a multi inside a multi is refused) and
 *   `Nethermind.Consensus.AuRa/Validators/MultiValidator.cs`;
 * - `params`: OpenEthereum `crates/ethjson/src/spec/params.rs` and `crates/ethcore/src/spec/spec.rs`
 *   (`CommonParams` defaults); Nethermind `ChainSpecStyle/Json/ChainSpecParamsJson.cs`,
 *   `ChainSpecLoader.cs`, `ChainSpecBasedSpecProvider.cs`;
 * - `genesis`: OpenEthereum `crates/ethjson/src/spec/genesis.rs`, `seal.rs`; Nethermind
 *   `ChainSpecLoader.LoadGenesis`;
 * - `accounts`: OpenEthereum `crates/ethjson/src/spec/account.rs`; Nethermind
 *   `ChainSpecLoader.LoadAllocations`; the builtins in builtins.ts.
 * - a transaction permission contract (shared/permissioning/): its account with `code` and `storage`,
 *   and `params.transactionPermissionContract` / `transactionPermissionContractTransition`, the names of
 *   OpenEthereum `crates/ethjson/src/spec/params.rs` (serde renames) and Nethermind
 *   `ChainSpecStyle/Json/ChainSpecParamsJson.cs` (read by `ChainSpecLoader.LoadParameters`). Both check a
 *   transaction of block N against block N-1's state once N ≥ the transition (OpenEthereum
 *   `crates/ethcore/src/tx_filter.rs` `block_number < transition_block`; Nethermind
 *   `Nethermind.Consensus.AuRa/Transactions/PermissionBasedTxFilter.cs` `parentHeader.Number + 1 <
 *   Activation`), so with the contract in genesis, transition 0 filters every block from block 1. Not 1:
 *   both clients put the transition in their fork list (OpenEthereum `spec.rs` `hard_forks`, Nethermind
 *   `ChainSpecBasedSpecProvider.BuildTransitions` takes every `*Transition` param), where 0 adds nothing
 *   (every other transition here is 0) and 1 would add a fork block to the fork id.
 *
 * Integers are `0x` + lowercase hex without leading zeros (both clients read it; REFERENCE.md §1: a
 * JSON number above 2^53 loses precision, a decimal string with a leading zero means hex to Nethermind),
 * except where a client needs a JSON number: `stepDuration` and the builtin prices.
 *
 * Never written (REFERENCE.md §1–2): `genesis.stateRoot`, `gasUsed`, `transactionsRoot`,
 * `receiptsRoot` (OpenEthereum trusts them, Nethermind recomputes); a fee collector (OpenEthereum's
 * `eip1559FeeCollector` and Nethermind's `feeCollector` exclude each other); `dataDir`, `nodes`
 * (peers are in the node configs); any withdrawal, blob or beacon-root field (see evm-levels.ts).
 */
import { getAddress } from 'ethers';
import { check } from '../errors.js';
import { builtinAccounts, isBuiltinAddress, type BuiltinAccount, type BuiltinAddress } from './builtins.js';
import { evmTransitions, type AtGenesis, type EvmLevel, type EvmTransitions } from './evm-levels.js';

export type { EvmLevel } from './evm-levels.js';

/** An integer as `0x` + lowercase hex digits without leading zeros; zero is `0x0`. */
export type HexQuantity = `0x${string}`;

/**
 * From `fromBlock` on, the validator set is the contract at `address`: `safeContract` a non-reporting
 * validator-set contract, `contract` a reporting one (OpenEthereum `validator_set.rs`).
 */
export interface ValidatorTransition {
  /** the first block the contract decides the set for, 1 ≤ block < 2^63 (Nethermind's `long`) */
  fromBlock: bigint;
  kind: 'safeContract' | 'contract';
  /** the contract, EIP-55 checksummed */
  address: string;
}

/** Validator transitions in strictly increasing block order. */
export type ValidatorTransitions = readonly ValidatorTransition[];

/**
 * What a Concord Aura chain spec is made from; all checked by `assembleAuraChainSpec`. `T` is the type of
 * `validatorTransitions`: by default none, so the spec has the plain validator list.
 */
export interface AuraChainSpecInput<T extends ValidatorTransitions = readonly []> {
  /** the chain name: letters, digits, space, `_`, `-`; 1..64 characters */
  name: string;
  /** EIP-155 chain id, 1 ≤ id ≤ 2^63 − 37 (EIP-2294) */
  chainId: bigint;
  /** devp2p network id, 1 ≤ id < 2^64 */
  networkId: bigint;
  /** Aura step (block interval) in seconds, 1..65535 */
  stepDurationSec: number;
  /** genesis gas limit, 5000 (`minGasLimit`) ≤ limit < 2^63 */
  gasLimit: bigint;
  /** block reward in wei paid to the block's author; may be 0 */
  blockRewardWei: bigint;
  /** EVM rules from genesis */
  evm: EvmLevel;
  /** base fee of the genesis block in wei, > 0 (London is at block 0) */
  baseFeePerGasWei: bigint;
  /** Aura validators, EIP-55 checksummed, in signing order */
  validators: readonly string[];
  /** prefunded accounts, EIP-55 checksummed, balance > 0; not a precompile address */
  accounts: readonly { address: string; balanceWei: bigint }[];
  /** genesis timestamp in seconds, usually 0 */
  genesisTimestamp: bigint;
  /** validator-set contracts after genesis; absent or empty, `validators` holds for ever */
  validatorTransitions?: T;
  /** the transaction permission contract in genesis; absent, every transaction is allowed */
  transactionPermission?: TransactionPermission;
}

/** A contract account of the genesis state: code and storage, balance and nonce written explicitly. */
export interface ContractAccount {
  balance: HexQuantity;
  nonce: HexQuantity;
  /** runtime code, 0x + lowercase hex, at least one byte */
  code: `0x${string}`;
  /** slot → value, each 0x + 64 lowercase hex digits, no zero value */
  storage: Record<string, string>;
}

/** The transaction permission contract: where it lives and its genesis account. */
export interface TransactionPermission {
  /** EIP-55 checksummed; not a precompile nor a prefunded account */
  address: string;
  account: ContractAccount;
}

/** The Aura validator set as a list of addresses. */
export interface ListValidators {
  list: string[];
}

/** A validator-set contract: `safeContract` (non-reporting) or `contract` (reporting). */
export type ContractValidators = { safeContract: string } | { contract: string };

/**
 * From `fromBlock` on, the validator set is this list: the transition a governance revision adds
 * (shared/governance/revision-chain-spec.ts), written into the `multi` after every earlier transition.
 */
export interface ValidatorListTransition {
  /** the first block the list decides, after the last earlier transition, below 2^63 (Nethermind's `long`) */
  fromBlock: bigint;
  /** Aura validators, EIP-55 checksummed, in signing order */
  validators: readonly string[];
}

/** The validator list from block 0, then a contract (or, after governance, a list) from each transition block (decimal keys). */
export interface MultiValidators {
  multi: { '0': ListValidators } & Record<string, ListValidators | ContractValidators>;
}

/** The `validators` of a Concord chain spec. */
export type AuraValidators = ListValidators | MultiValidators;

/** The `validators` written for transitions of type `T`: the list without any, `multi` with some. */
export type ValidatorsFor<T extends ValidatorTransitions> = T extends readonly []
  ? ListValidators
  : T extends readonly [ValidatorTransition, ...ValidatorTransition[]]
    ? MultiValidators
    : AuraValidators;

/** `engine.authorityRound.params`. */
export interface AuthorityRoundParams<V extends AuraValidators = AuraValidators> {
  /** seconds, as a JSON number */
  stepDuration: number;
  blockReward: HexQuantity;
  validators: V;
  maximumUncleCountTransition: AtGenesis;
  maximumUncleCount: '0x0';
}

/** `params`: chain constants, the EVM level's fork transitions, the EIP-1559 parameters. */
export type AuraChainSpecParams = {
  gasLimitBoundDivisor: '0x400';
  maximumExtraDataSize: '0x20';
  minGasLimit: '0x1388';
  networkID: HexQuantity;
  chainID: HexQuantity;
  maxCodeSize: '0x6000';
  maxCodeSizeTransition: AtGenesis;
} & EvmTransitions & {
    eip1559BaseFeeMaxChangeDenominator: '0x8';
    eip1559ElasticityMultiplier: '0x2';
    eip1559BaseFeeInitialValue: HexQuantity;
    transactionPermissionContract?: string;
    transactionPermissionContractTransition?: AtGenesis;
  };

/** `genesis`: the header fields of block 0 that are not computed from the state. */
export interface AuraGenesis {
  seal: { authorityRound: { step: '0x0'; signature: `0x${string}` } };
  difficulty: '0x20000';
  gasLimit: HexQuantity;
  baseFeePerGas: HexQuantity;
  timestamp: HexQuantity;
}

/** A prefunded account: a balance and nothing else. */
export interface PrefundedAccount {
  balance: HexQuantity;
}

/** The chain spec JSON of a Concord Aura chain, exactly as written. */
export interface AuraChainSpec<V extends AuraValidators = AuraValidators> {
  name: string;
  engine: { authorityRound: { params: AuthorityRoundParams<V> } };
  params: AuraChainSpecParams;
  genesis: AuraGenesis;
  /** the nine precompiles (builtins.ts), then the prefunded and contract accounts by ascending address */
  accounts: Record<BuiltinAddress, BuiltinAccount> & Record<string, BuiltinAccount | PrefundedAccount | ContractAccount>;
}

const CHAIN_NAME = /^[A-Za-z0-9][A-Za-z0-9 _-]{0,63}$/;
const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const HEX_QUANTITY = /^0x(0|[1-9a-f][0-9a-f]*)$/;
const CODE = /^0x([0-9a-f]{2})+$/;
const WORD = /^0x[0-9a-f]{64}$/;
/** EIP-2294: the largest chain id whose EIP-155 `v` (2·id + 36) still fits a u64. */
const MAX_CHAIN_ID = (1n << 63n) - 37n;
const U64_LIMIT = 1n << 64n;
/** Nethermind holds the gas limit and block numbers in a C# `long` (`ChainSpecLoader.LoadGenesis`: `(long)gasLimit`). */
const I64_LIMIT = 1n << 63n;
const U256_LIMIT = 1n << 256n;
/** `params.minGasLimit` below; the genesis gas limit must not start under it. */
const MIN_GAS_LIMIT = 5000n;
/** OpenEthereum caps a longer step at 65535 s with only a warning (authority_round/mod.rs); Nethermind does not. */
const MAX_STEP_DURATION_SEC = 65535;

function hexQuantity(value: bigint): HexQuantity {
  return `0x${value.toString(16)}`;
}

function isChecksummedAddress(value: string): boolean {
  return ADDRESS.test(value) && getAddress(value.toLowerCase()) === value;
}

function checkInput(input: AuraChainSpecInput<ValidatorTransitions>): void {
  const ensure = (condition: boolean, path: string, expected: string): void =>
    check(condition, 'CHAINSPEC_INVALID', path, expected);
  const between = (value: bigint, min: bigint, limit: bigint): boolean => value >= min && value < limit;

  // The name also names OpenEthereum's data directory for the chain when `dataDir` is absent
  // (spec.rs `load_from`): no path separators or dots.
  ensure(CHAIN_NAME.test(input.name), 'name', 'a chain name of letters, digits, space, _ or - (1..64 characters)');
  ensure(between(input.chainId, 1n, MAX_CHAIN_ID + 1n), 'chainId', `a chain id in 1..${MAX_CHAIN_ID} (EIP-2294)`);
  ensure(between(input.networkId, 1n, U64_LIMIT), 'networkId', 'a network id in 1..2^64-1');
  ensure(
    Number.isSafeInteger(input.stepDurationSec) && input.stepDurationSec >= 1 && input.stepDurationSec <= MAX_STEP_DURATION_SEC,
    'stepDurationSec',
    `a whole number of seconds in 1..${MAX_STEP_DURATION_SEC}`,
  );
  ensure(between(input.gasLimit, MIN_GAS_LIMIT, I64_LIMIT), 'gasLimit', `a gas limit in ${MIN_GAS_LIMIT}..2^63-1`);
  ensure(between(input.blockRewardWei, 0n, U256_LIMIT), 'blockRewardWei', 'a block reward in 0..2^256-1 wei');
  ensure(between(input.baseFeePerGasWei, 1n, U256_LIMIT), 'baseFeePerGasWei', 'a base fee in 1..2^256-1 wei (London is at block 0)');
  ensure(between(input.genesisTimestamp, 0n, U64_LIMIT), 'genesisTimestamp', 'a timestamp in 0..2^64-1 seconds');

  ensure(input.validators.length >= 1, 'validators', 'at least one validator');
  const validators = new Map<string, number>();
  input.validators.forEach((validator, i) => {
    ensure(isChecksummedAddress(validator), `validators[${i}]`, 'an EIP-55 checksummed address');
    const earlier = validators.get(validator);
    ensure(earlier === undefined, `validators[${i}]`, `an address not already listed at validators[${earlier}]`);
    validators.set(validator, i);
  });

  const accounts = new Map<string, number>();
  input.accounts.forEach((account, i) => {
    const path = `accounts[${i}]`;
    ensure(isChecksummedAddress(account.address), `${path}.address`, 'an EIP-55 checksummed address');
    // No key controls a precompile, so a prefund there is burnt; it would also replace the builtin's balance.
    ensure(!isBuiltinAddress(account.address), `${path}.address`, 'an address other than the precompiles 0x…01..0x…09');
    const earlier = accounts.get(account.address);
    ensure(earlier === undefined, `${path}.address`, `an address not already listed at accounts[${earlier}]`);
    accounts.set(account.address, i);
    // Zero would make a balance-only empty account, which an EIP-161 client may keep or drop at genesis.
    ensure(between(account.balanceWei, 1n, U256_LIMIT), `${path}.balanceWei`, 'a balance in 1..2^256-1 wei');
  });

  let previousBlock = 0n;
  (input.validatorTransitions ?? []).forEach((transition, i) => {
    const path = `validatorTransitions[${i}]`;
    ensure(
      between(transition.fromBlock, previousBlock + 1n, I64_LIMIT),
      `${path}.fromBlock`,
      i === 0 ? 'a block in 1..2^63-1' : `a block after validatorTransitions[${i - 1}].fromBlock, below 2^63`,
    );
    previousBlock = transition.fromBlock;
    ensure(transition.kind === 'safeContract' || transition.kind === 'contract', `${path}.kind`, 'safeContract or contract');
    ensure(isChecksummedAddress(transition.address), `${path}.address`, 'an EIP-55 checksummed address');
  });

  const permission = input.transactionPermission;
  if (permission !== undefined) {
    const path = 'transactionPermission';
    ensure(isChecksummedAddress(permission.address), `${path}.address`, 'an EIP-55 checksummed address');
    ensure(!isBuiltinAddress(permission.address), `${path}.address`, 'an address other than the precompiles 0x…01..0x…09');
    ensure(!accounts.has(permission.address), `${path}.address`, 'an address no prefunded account has');
    ensure(HEX_QUANTITY.test(permission.account.balance), `${path}.account.balance`, '0x + lowercase hex without leading zeros');
    ensure(HEX_QUANTITY.test(permission.account.nonce), `${path}.account.nonce`, '0x + lowercase hex without leading zeros');
    ensure(CODE.test(permission.account.code), `${path}.account.code`, 'runtime code as 0x + lowercase hex, at least one byte');
    for (const [slot, value] of Object.entries(permission.account.storage)) {
      // Zero values: OpenEthereum drops them by one code path and keeps rlp(0) by another (shared/reference/permissioning.md §6).
      ensure(WORD.test(slot) && WORD.test(value) && BigInt(value) !== 0n, `${path}.account.storage.${slot}`, 'a slot and a non-zero value, each 0x + 64 lowercase hex digits');
    }
  }
}

function validatorsOf(input: AuraChainSpecInput<ValidatorTransitions>): AuraValidators {
  const list: ListValidators = { list: [...input.validators] };
  const transitions = input.validatorTransitions ?? [];
  if (transitions.length === 0) return list;
  const multi: MultiValidators['multi'] = { '0': list };
  for (const { fromBlock, kind, address } of transitions) {
    multi[fromBlock.toString(10)] = kind === 'safeContract' ? { safeContract: address } : { contract: address };
  }
  return { multi };
}

/**
 * `validators` with list transitions added after its last transition (DESIGN.md §7): every earlier
 * entry (the genesis list, the spec's contracts, earlier revisions' lists) is kept as it is, and block 0
 * holds no validator set, so the genesis block hash does not change. A plain list becomes the `multi`'s
 * block-0 entry. Throws CHAINSPEC_INVALID naming `validatorLists[i]`.
 */
export function addValidatorLists(validators: AuraValidators, lists: readonly ValidatorListTransition[]): MultiValidators {
  const multi: MultiValidators['multi'] = 'multi' in validators ? { ...validators.multi } : { '0': { list: [...validators.list] } };
  let previousBlock = Object.keys(multi).reduce((last, key) => (BigInt(key) > last ? BigInt(key) : last), 0n);
  lists.forEach((transition, i) => {
    const path = `validatorLists[${i}]`;
    check(
      transition.fromBlock > previousBlock && transition.fromBlock < I64_LIMIT,
      'CHAINSPEC_INVALID',
      `${path}.fromBlock`,
      `a block after the last earlier transition (${previousBlock}), below 2^63`,
    );
    check(transition.validators.length >= 1, 'CHAINSPEC_INVALID', `${path}.validators`, 'at least one validator');
    const seen = new Set<string>();
    transition.validators.forEach((validator, j) => {
      check(isChecksummedAddress(validator), 'CHAINSPEC_INVALID', `${path}.validators[${j}]`, 'an EIP-55 checksummed address');
      check(!seen.has(validator), 'CHAINSPEC_INVALID', `${path}.validators[${j}]`, 'an address not already in this list');
      seen.add(validator);
    });
    // Keys ascend whether JavaScript orders them as integers (below 2^32 - 1) or by insertion.
    multi[transition.fromBlock.toString(10)] = { list: [...transition.validators] };
    previousBlock = transition.fromBlock;
  });
  return { multi };
}

/**
 * Assembles the chain spec of an Aura chain from `input`. Throws a ConcordError `CHAINSPEC_INVALID`,
 * with the path of the field at fault, for an input the clients would refuse, read differently, or
 * run in a way the spec does not say (see `AuraChainSpecInput` for each bound).
 */
export function assembleAuraChainSpec<T extends ValidatorTransitions = readonly []>(
  input: AuraChainSpecInput<T>,
): AuraChainSpec<ValidatorsFor<T>> {
  checkInput(input);

  const accounts: AuraChainSpec['accounts'] = builtinAccounts();
  const permission = input.transactionPermission;
  const entries: [string, PrefundedAccount | ContractAccount][] = input.accounts.map((account) => [account.address, { balance: hexQuantity(account.balanceWei) }]);
  if (permission !== undefined) entries.push([permission.address, permission.account]);
  // Code-unit order of the lowercase address, not localeCompare: the same on every machine.
  entries.sort(([a], [b]) => {
    const x = a.toLowerCase();
    const y = b.toLowerCase();
    return x < y ? -1 : x > y ? 1 : 0;
  });
  for (const [address, account] of entries) accounts[address] = account;

  return {
    name: input.name,
    engine: {
      authorityRound: {
        params: {
          // A JSON number: Nethermind parses stepDuration map keys and string values with `long.Parse`
          // (decimal only); OpenEthereum reads a number as `StepDuration::Single`.
          stepDuration: input.stepDurationSec,
          blockReward: hexQuantity(input.blockRewardWei),
          // Without transitions this is the list, with some the multi (ValidatorsFor<T> says the same).
          validators: validatorsOf(input) as ValidatorsFor<T>,
          // Nethermind accepts 2 uncles per block unless this transition is set (ApplyToReleaseSpec);
          // OpenEthereum already defaults to 0 from block 0.
          maximumUncleCountTransition: '0x0',
          maximumUncleCount: '0x0',
        },
      },
    },
    params: {
      // Required by OpenEthereum (not `Option` in crates/ethjson/src/spec/params.rs @ ed2323ac); Nethermind's defaults
      // are the same values (NethermindEth/nethermind Nethermind.Specs/ChainSpecStyle/ChainSpecLoader.cs
      // `LoadParameters` @ 0035b43d: GasLimitBoundDivisor ?? 0x0400, MaximumExtraDataSize ?? 32, MinGasLimit ?? 5000).
      gasLimitBoundDivisor: '0x400',
      maximumExtraDataSize: '0x20',
      minGasLimit: '0x1388',
      networkID: hexQuantity(input.networkId),
      chainID: hexQuantity(input.chainId),
      // EIP-170 (24576 bytes). Without it OpenEthereum has no code size limit (`max_code_size` defaults
      // to u64::MAX) and Nethermind none either (`IsEip170Enabled` needs `maxCodeSizeTransition`);
      // Nethermind's EIP-3860 initcode limit is twice this.
      maxCodeSize: '0x6000',
      maxCodeSizeTransition: '0x0',
      ...evmTransitions(input.evm),
      // EIP-1559's constants. OpenEthereum defaults the elasticity multiplier to 0 and the denominator
      // to none, so both are written; Nethermind's defaults are these.
      eip1559BaseFeeMaxChangeDenominator: '0x8',
      eip1559ElasticityMultiplier: '0x2',
      // Only read for a London block after genesis; written equal to the genesis base fee so that no
      // reading of the two clients can differ.
      eip1559BaseFeeInitialValue: hexQuantity(input.baseFeePerGasWei),
      ...(permission === undefined ? {} : { transactionPermissionContract: permission.address, transactionPermissionContractTransition: '0x0' }),
    },
    genesis: {
      seal: { authorityRound: { step: '0x0', signature: `0x${'00'.repeat(65)}` } },
      // Unused by Aura beyond the header hash; the value of Kovan and xDai.
      difficulty: '0x20000',
      gasLimit: hexQuantity(input.gasLimit),
      // London is at block 0: Nethermind puts a base fee in block 0 (1 gwei if absent), OpenEthereum
      // only if this field is present (REFERENCE.md §1), so it is always written.
      baseFeePerGas: hexQuantity(input.baseFeePerGasWei),
      timestamp: hexQuantity(input.genesisTimestamp),
    },
    accounts,
  };
}
