/**
 * Nethermind config (`nethermind.json`, `{"Module": {"Key": value}}`) for one authority node, written
 * with JSON.stringify. Nethermind matches names case-insensitively, stops on a duplicate key or an
 * unparsable value and only warns on an unknown key (REFERENCE.md §3), so every key is checked against
 * the config interfaces in NethermindEth/nethermind:
 * - `Nethermind.Api/IInitConfig.cs` (a4c0aba2): ChainSpecPath, BaseDbPath, LogDirectory,
 *   StaticNodesPath (a JSON array file of enodes), DiscoveryEnabled, WebSocketsEnabled.
 * - `Nethermind.KeyStore/Config/IKeystoreConfig.cs` (05d52107): KeyStoreDirectory, BlockAuthorAccount,
 *   UnlockAccounts, PasswordFiles, EnodeKeyFile. The block author's password is found through
 *   UnlockAccounts: `KeyStorePasswordProvider` takes `PasswordFiles[i]` for the account's index `i` in
 *   UnlockAccounts (`FindUnlockAccountIndex`, 0x-address compared upper-case), and `FilePasswordProvider`
 *   trims the file. `FileKeyStore.FindKeyFiles` looks in KeyStoreDirectory for a file whose name holds
 *   the address as 40 lowercase hex digits; `KeyStoreItem` is read case-insensitively
 *   (`EthereumJsonSerializer`: `PropertyNameCaseInsensitive = true`), so ethers' `Crypto` is fine.
 * - `Nethermind.Wallet/NodeKeyManager.cs`: `EnodeKeyFile` is read with `File.ReadAllBytes` into
 *   `new PrivateKey(bytes)`: the file is the **raw 32-byte** key, not hex, not a keystore.
 * - `Nethermind.Consensus/IMiningConfig.cs` (d00f0eb6): Enabled (`Init.IsMining` moved here).
 * - `Nethermind.Network/Config/INetworkConfig.cs` (bb99551b): P2PPort, DiscoveryPort, ExternalIp,
 *   StaticPeers (a **string**: comma-separated enodes), OnlyStaticPeers (limits outbound connections
 *   only: firewall the p2p port).
 * - `Nethermind.JsonRpc/IJsonRpcConfig.cs` (6286b8c9): Enabled, Host, Port, WebSocketsPort, EnabledModules,
 *   CallsFilterFilePath ("only the calls from that file are allowed").
 *
 * The calls filter is in every node's config, whatever the spec's read policy: UnlockAccounts (needed
 * for the author's password) leaves the validator key unlocked, so the `eth` module would sign
 * `eth_sign` / `eth_signTransaction` / `eth_sendTransaction` for anyone who reaches the RPC port, and
 * an open chain's `deployment.rpcBindAddress` may be a routable address.
 * `Nethermind.JsonRpc/Modules/RpcModuleProvider.cs` (d00f0eb6) applies the filter only if the file
 * exists (a missing file means no filter, silently: `verify --bundle` checks it is there) and
 * registers only the methods it accepts (`_filter.AcceptMethod(resolvedMethodInfo.ToString())`, the C#
 * method name), so a refused method is unknown on every endpoint, HTTP and WebSocket alike.
 * `Nethermind.JsonRpc/Modules/RpcMethodFilter.cs` (134d94bb) reads one regular expression per line
 * (`File.ReadLines`) and accepts a method if any line matches its lowercased name (`Regex.IsMatch`,
 * `RegexOptions.IgnoreCase`). Ours accepts every `eth_`, `net_` and `web3_` method except those that
 * sign with a key the node holds; `personal_*` and every other module's methods match no line.
 * OpenEthereum never unlocks the signer (shared/bundle/openethereum-config.ts).
 */

/** Where the node finds its files and what it listens on (paths as the container sees them). */
export interface NethermindConfigInput {
  chainSpecPath: string;
  dataPath: string;
  staticNodesPath: string;
  keyStoreDirectory: string;
  passwordFile: string;
  enodeKeyFile: string;
  signer: string;
  /** The other authority nodes' enodes. */
  staticPeers: readonly string[];
  p2pPort: number;
  externalIp: string | null;
  rpcAddress: string;
  rpcPort: number;
  wsPort: number;
  /** The JSON-RPC calls filter file (`RPC_FILTER_FILE` in the node folder). */
  callsFilterFile: string;
}

/** A node folder's Nethermind JSON-RPC calls filter file. */
export const RPC_FILTER_FILE = 'jsonrpc.filter';

/**
 * The lines of the calls filter: every `eth_`, `net_` and `web3_` method, except `eth_sign*` and
 * `eth_sendTransaction` (both sign with a key the node holds; `eth_sendRawTransaction` carries a
 * transaction its sender signed and stays allowed).
 */
export const RPC_FILTER_LINES: readonly string[] = ['^eth_(?!sign|sendtransaction$)[a-z0-9_]+$', '^net_[a-z0-9_]+$', '^web3_[a-z0-9_]+$'];

/** The filter file's text: one expression per line (`File.ReadLines`). */
export function serializeRpcFilter(): string {
  return RPC_FILTER_LINES.map((line) => `${line}\n`).join('');
}

/** The config object (what `nethermind.json` parses back to). */
export function nethermindConfig(input: NethermindConfigInput): Record<string, Record<string, unknown>> {
  return {
    Init: {
      ChainSpecPath: input.chainSpecPath,
      BaseDbPath: `${input.dataPath}/db`,
      LogDirectory: `${input.dataPath}/logs`,
      StaticNodesPath: input.staticNodesPath,
      DiscoveryEnabled: false,
      WebSocketsEnabled: true,
    },
    KeyStore: {
      KeyStoreDirectory: input.keyStoreDirectory,
      BlockAuthorAccount: input.signer,
      UnlockAccounts: [input.signer],
      PasswordFiles: [input.passwordFile],
      EnodeKeyFile: input.enodeKeyFile,
    },
    Mining: { Enabled: true },
    Network: {
      P2PPort: input.p2pPort,
      DiscoveryPort: input.p2pPort,
      ...(input.externalIp === null ? {} : { ExternalIp: input.externalIp }),
      StaticPeers: input.staticPeers.join(','),
      OnlyStaticPeers: true,
    },
    JsonRpc: {
      Enabled: true,
      Host: input.rpcAddress,
      Port: input.rpcPort,
      WebSocketsPort: input.wsPort,
      EnabledModules: ['Eth', 'Net', 'Web3'],
      CallsFilterFilePath: input.callsFilterFile,
    },
  };
}

/** `nethermind.json` text. */
export function buildNethermindConfig(input: NethermindConfigInput): string {
  return `${JSON.stringify(nethermindConfig(input), null, 2)}\n`;
}
