/**
 * OpenEthereum 3.3.5 `config.toml` for one authority node, written with smol-toml's `stringify`.
 *
 * Every key is checked against openethereum/openethereum `bin/oe/cli/mod.rs`. The index holds no copy at
 * v3.3.5 (6c2d392d); read at 92d3f141 (a 3.3 commit, Cargo version 3.3.4) and at 089609b3
 * (3.x): the `Config` struct and its sections are identical in both, and the CHANGELOG entries for
 * v3.3.0..v3.3.5 name no config-file change. The sections (`Operating` as `[parity]`, `Account`,
 * `Network`, `Rpc`, `Ws` as `[websockets]`, `Mining`) are `#[serde(deny_unknown_fields)]`, so an unknown
 * key stops the node. Types from the same structs: `password` is `Vec<String>`, `apis` `Vec<String>`,
 * ports `u16`, `reserved_only`/`discovery`/`force_sealing` bool, `reseal_on_txs` and `nat` String.
 * - `[parity] keys_path`: keys are read from `<keys_path>/<data_dir>` (`Directories::keys_path`), and
 *   `data_dir` is the chain spec's `dataDir`, else its `name` (`crates/ethcore/src/spec/spec.rs`).
 * - `[account] password`: the engine signer is unlocked by trying each password file
 *   (`bin/oe/account_utils.rs` `miner_author`), so no `unlock` is written: an unlocked signer would
 *   also sign `eth_sendTransaction` for anyone who reaches the RPC port.
 * - `[network] node_key`: "64-character hex string" (`--node-key`); this makes the file a secret.
 *   `reserved_peers` is a file of enodes, one per line (`--reserved-peers`); `reserved_only = true`.
 *   `nat = "extip:<IP>"` when the node's endpoint is an IPv4 address (`--nat` help).
 * - `[rpc]`/`[websockets]` `interface` is an IP, `all` or `local`; only `web3`, `eth`, `net` are
 *   enabled (reference/permissioning.md §5).
 * - `[mining]`: `engine_signer`; `reseal_on_txs = "none"` as parity-deploy's Aura config
 *   (openethereum/parity-deploy `config/spec/authority_round.toml` @ ab1a0e61, which sets no
 *   `force_sealing`). `force_sealing = true`: the node seals a block on each of its steps even with no
 *   transactions. Without it `Miner::seal_and_import_block_internally` skips a block without transactions
 *   until `reseal_max_period` (default 120 s) has passed since the last seal
 *   (`crates/ethcore/src/miner/miner.rs` @ 92d3f141; the index has none at v3.3.5, and Parity 1.x/2.x
 *   miners make the same test). It has nothing to do with Aura "empty steps"
 *   (`emptyStepsTransition`, which Concord does not set).
 */
import { stringify } from 'smol-toml';

/** Where the node finds its files and what it listens on (paths as the container sees them). */
export interface OpenEthereumConfigInput {
  chainSpecPath: string;
  basePath: string;
  keysPath: string;
  passwordFile: string;
  reservedPeersPath: string;
  signer: string;
  /** The p2p node secret key as 64 hex digits, no 0x. */
  nodeKeyHex: string;
  p2pPort: number;
  /** The endpoint's IPv4 address, if it is one: advertised with `nat = "extip:<IP>"`. */
  externalIp: string | null;
  rpcAddress: string;
  rpcPort: number;
  wsPort: number;
}

/** The config as a TOML-shaped object (what `config.toml` parses back to). */
export function openEthereumConfig(input: OpenEthereumConfigInput): Record<string, Record<string, unknown>> {
  const apis = ['web3', 'eth', 'net'];
  return {
    parity: { chain: input.chainSpecPath, base_path: input.basePath, keys_path: input.keysPath },
    account: { password: [input.passwordFile] },
    network: {
      port: input.p2pPort,
      reserved_peers: input.reservedPeersPath,
      reserved_only: true,
      discovery: false,
      node_key: input.nodeKeyHex,
      ...(input.externalIp === null ? {} : { nat: `extip:${input.externalIp}` }),
    },
    rpc: { interface: input.rpcAddress, port: input.rpcPort, apis },
    websockets: { interface: input.rpcAddress, port: input.wsPort, apis },
    mining: { engine_signer: input.signer, reseal_on_txs: 'none', force_sealing: true },
  };
}

/** The keys each section of OpenEthereum 3.3's `config.toml` accepts (`bin/oe/cli/mod.rs` @ 92d3f141 / 089609b3), for tests and checks. */
export const OPENETHEREUM_CONFIG_KEYS: Readonly<Record<string, readonly string[]>> = {
  parity: ['mode', 'mode_timeout', 'mode_alarm', 'chain', 'base_path', 'db_path', 'keys_path', 'identity', 'no_persistent_txqueue'],
  account: ['unlock', 'password', 'keys_iterations', 'refresh_time', 'fast_unlock'],
  network: ['warp', 'warp_barrier', 'port', 'interface', 'min_peers', 'max_peers', 'snapshot_peers', 'max_pending_peers', 'nat', 'allow_ips', 'id', 'bootnodes', 'discovery', 'node_key', 'reserved_peers', 'reserved_only'],
  rpc: ['disable', 'port', 'interface', 'cors', 'apis', 'hosts', 'server_threads', 'processing_threads', 'max_payload', 'keep_alive', 'experimental_rpcs', 'poll_lifetime', 'allow_missing_blocks'],
  websockets: ['disable', 'port', 'interface', 'apis', 'origins', 'hosts', 'max_connections', 'max_payload'],
  mining: [
    'author', 'engine_signer', 'force_sealing', 'reseal_on_uncle', 'reseal_on_txs', 'reseal_min_period', 'reseal_max_period', 'work_queue_size', 'tx_gas_limit',
    'tx_time_limit', 'relay_set', 'min_gas_price', 'gas_price_percentile', 'usd_per_tx', 'usd_per_eth', 'price_update_period', 'gas_floor_target', 'gas_cap',
    'extra_data', 'tx_queue_size', 'tx_queue_per_sender', 'tx_queue_mem_limit', 'tx_queue_locals', 'tx_queue_strategy', 'tx_queue_ban_count', 'tx_queue_ban_time',
    'tx_queue_no_unfamiliar_locals', 'tx_queue_no_early_reject', 'remove_solved', 'notify_work', 'refuse_service_transactions', 'infinite_pending_block',
    'max_round_blocks_to_import', 'new_transactions_stats_period',
  ],
};

/** `config.toml` text. */
export function buildOpenEthereumConfig(input: OpenEthereumConfigInput): string {
  return stringify(openEthereumConfig(input));
}
