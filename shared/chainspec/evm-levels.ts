/**
 * The EVM levels a Concord Aura chain can start at, as the `params` fork transitions of a Parity-style
 * chain spec. Every fork of a level is active from genesis, so each transition is written as `0x0`.
 *
 * Sources (read for every name below):
 * - OpenEthereum v3.3.5 `crates/ethjson/src/spec/params.rs` (`Params`, `deny_unknown_fields`: the only
 *   transition names it accepts; no `*TransitionTimestamp`, so nothing past London) and
 *   `crates/ethcore/src/spec/spec.rs` (`From<Params> for CommonParams`: which transitions default to
 *   block 0 and which to "never").
 * - Nethermind `src/Nethermind/Nethermind.Specs/ChainSpecStyle/Json/ChainSpecParamsJson.cs` (names),
 *   `ChainSpecLoader.cs` (`LoadParameters`, `LoadGenesis`) and `ChainSpecBasedSpecProvider.cs`
 *   (`CreateReleaseSpec`: which transition enables which EIP, and the defaults when a transition is absent).
 * - OpenEthereum's own London test spec `crates/ethcore/res/chainspec/test/london_test.json` (every
 *   fork at block 0) and Nethermind's `src/Nethermind/Chains/gnosis.json` (an Aura chain with the
 *   Shanghai and Cancun timestamp transitions).
 *
 * An Aura chain has no beacon chain: the levels above London enable the execution-layer EIPs of
 * Shanghai and Cancun but never withdrawals (EIP-4895), blobs (EIP-4844) or the beacon root (EIP-4788),
 * whose genesis-header fields Nethermind adds as soon as their transition is at or before the genesis
 * timestamp (`ChainSpecLoader.LoadGenesis`), and which no Aura validator could ever fill.
 */

/** Every EVM level, oldest first. */
export const EVM_LEVELS = ['london', 'shanghai', 'cancun'] as const;

/** An EVM level: the newest Ethereum fork whose EVM rules hold from genesis. */
export type EvmLevel = (typeof EVM_LEVELS)[number];

/** The level a spec gets when it names none: the newest one every supported client runs. */
export const DEFAULT_EVM_LEVEL: EvmLevel = 'london';

/** A client that can run a Concord chain spec. */
export type ChainClient = 'openethereum' | 'nethermind';

/** A transition value meaning "from genesis": block 0 for block transitions, timestamp 0 for timestamp ones. */
export type AtGenesis = '0x0';

/**
 * The block-number transitions of London, in fork order. Each is read by both clients. The ones both
 * clients already default to block 0 (150, 155, 160, 161abc, 161d) are written anyway, so the spec says
 * what it means without relying on defaults.
 *
 * Deliberately absent, although a client reads them:
 * - `eip152Transition`, `eip1108Transition`, `eip2565Transition`, `eip2200Transition`, `eip7Transition`:
 *   Nethermind-only names that OpenEthereum refuses. Nethermind derives 152, 1108 and 2565 from the
 *   builtin pricing instead (`ChainSpecLoader.LoadParameters`, see builtins.ts), and EIP-2200 from
 *   `eip1283Transition` + `eip1706Transition` (`CreateReleaseSpec`: `IsEip2200Enabled`).
 * - `eip1283DisableTransition`, `eip1283ReenableTransition`: only for chains that lived through
 *   Petersburg; absent, EIP-1283 simply stays on, which with `eip1706Transition` is EIP-2200.
 * - `eip98Transition`, `eip210Transition`, `eip2315Transition`: EIPs that never reached mainnet.
 * - `eip3607Transition`, `validateChainIdTransition`, `validateReceiptsTransition`: both clients
 *   already default them to block 0.
 */
export const LONDON_BLOCK_TRANSITIONS = [
  // Tangerine Whistle
  'eip150Transition',
  // Spurious Dragon (EIP-170 is `maxCodeSize`/`maxCodeSizeTransition`, written by aura.ts)
  'eip155Transition',
  'eip160Transition',
  'eip161abcTransition',
  'eip161dTransition',
  // Byzantium: Nethermind also takes EIP-196/197/198 from `eip140Transition` (`ByzantiumBlockNumber`);
  // OpenEthereum has the precompiles from the builtin accounts.
  'eip140Transition',
  'eip211Transition',
  'eip214Transition',
  'eip658Transition',
  // Constantinople / Petersburg
  'eip145Transition',
  'eip1014Transition',
  'eip1052Transition',
  // Istanbul: 1283 + 1706 together are EIP-2200; without them Nethermind prices SSTORE without net
  // gas metering even after Berlin, while OpenEthereum turns EIP-1283 on with EIP-2929 regardless.
  'eip1283Transition',
  'eip1706Transition',
  'eip1344Transition',
  'eip1884Transition',
  'eip2028Transition',
  // Berlin
  'eip2929Transition',
  'eip2930Transition',
  // London
  'eip1559Transition',
  'eip3198Transition',
  'eip3529Transition',
  'eip3541Transition',
] as const;

/** Shanghai's execution-layer EIPs as Nethermind timestamp transitions (not EIP-4895 withdrawals). */
export const SHANGHAI_TIMESTAMP_TRANSITIONS = [
  'eip3651TransitionTimestamp',
  'eip3855TransitionTimestamp',
  'eip3860TransitionTimestamp',
] as const;

/**
 * Cancun's execution-layer EIPs as Nethermind timestamp transitions: not EIP-4844 (blobs) nor EIP-4788
 * (beacon root); EIP-7516 (BLOBBASEFEE) has no transition of its own in Nethermind and comes with 4844,
 * so it is absent too.
 */
export const CANCUN_TIMESTAMP_TRANSITIONS = [
  'eip1153TransitionTimestamp',
  'eip5656TransitionTimestamp',
  'eip6780TransitionTimestamp',
] as const;

/** The name of a block-number fork transition. */
export type BlockTransition = (typeof LONDON_BLOCK_TRANSITIONS)[number];

/** The name of a timestamp fork transition (Nethermind only). */
export type TimestampTransition =
  | (typeof SHANGHAI_TIMESTAMP_TRANSITIONS)[number]
  | (typeof CANCUN_TIMESTAMP_TRANSITIONS)[number];

/** The fork transitions of one EVM level, as they appear in a chain spec's `params`. */
export type EvmTransitions = { [K in BlockTransition]: AtGenesis } & { [K in TimestampTransition]?: AtGenesis };

/**
 * The fork transitions of `level`, in a fixed order: London's block transitions, then the timestamp
 * transitions of each later level up to `level`.
 *
 * A timestamp transition is written as timestamp 0: Nethermind creates the genesis release spec at the
 * genesis timestamp and counts a timestamp transition at or before it as active from genesis, leaving it
 * out of the fork list (`ChainSpecBasedSpecProvider.BuildTransitions`, `minValueExclusive`), so 0 means
 * "from genesis" whatever `genesis.timestamp` is.
 */
export function evmTransitions(level: EvmLevel): EvmTransitions {
  const transitions = {} as EvmTransitions;
  for (const name of LONDON_BLOCK_TRANSITIONS) transitions[name] = '0x0';
  if (level === 'london') return transitions;
  for (const name of SHANGHAI_TIMESTAMP_TRANSITIONS) transitions[name] = '0x0';
  if (level === 'shanghai') return transitions;
  for (const name of CANCUN_TIMESTAMP_TRANSITIONS) transitions[name] = '0x0';
  return transitions;
}

const BOTH_CLIENTS: readonly ChainClient[] = Object.freeze(['openethereum', 'nethermind']);
const NETHERMIND_ONLY: readonly ChainClient[] = Object.freeze(['nethermind']);

/**
 * The clients that load and run a spec of `level`. OpenEthereum's last release (3.3.5) stops at London
 * and refuses every `*TransitionTimestamp` name (`Params` denies unknown fields), so the levels above
 * London are Nethermind only. The spec schema refuses a client outside this list.
 */
export function supportedClients(level: EvmLevel): readonly ChainClient[] {
  return level === 'london' ? BOTH_CLIENTS : NETHERMIND_ONLY;
}
