/**
 * Read access in a member bundle (issue 9, item 4), for a spec with a `permissions` section
 * (shared/permissioning/schema.ts): which peers each node admits, who reaches RPC and how. Neither
 * client has an on-chain read permission (reference/permissioning.md, Level 1), so reading is closed
 * at the network edges, each by the setting that the client's own source shows:
 *
 * - p2p: each node's peer list is the other N-1 authority enodes, then `read.peers`. OpenEthereum
 *   `[network] reserved_peers` + `reserved_only = true` + `discovery = false` (`bin/oe/cli/mod.rs`);
 *   in reserved-only mode `crates/net/network-devp2p/src/host.rs` dials only reserved nodes and
 *   drops any session whose id is not reserved. Nethermind `Network.StaticPeers` +
 *   `Network.OnlyStaticPeers = true` (`Nethermind.Network/Config/INetworkConfig.cs`: "no
 *   connections will be made to non-static peers") and `Init.DiscoveryEnabled = false`
 *   (`Nethermind.Api/IInitConfig.cs`; `Nethermind.Init/Steps/InitializeNetwork.cs` `StartDiscovery`
 *   skips discovery on it, in every version read: there is no `Network.DiscoveryEnabled`).
 *   OnlyStaticPeers limits outbound connections only (issue #5912, PR #7514): inbound strangers are
 *   refused by the firewall file (shared/bundle/p2p-firewall.ts).
 * - RPC: HTTP and WebSocket on 127.0.0.1 only, modules `eth`, `net`, `web3` only (OpenEthereum
 *   `[rpc] apis` / `[websockets] apis`, `bin/oe/cli/mod.rs`; Nethermind `JsonRpc.Host`,
 *   `JsonRpc.EnabledModules`, `Nethermind.JsonRpc/IJsonRpcConfig.cs`). Outside readers reach it only
 *   through their member's authenticating proxy (shared/bundle/reader-proxy.ts).
 * - Nethermind unlocks the block author (`KeyStore.UnlockAccounts`, needed to find its password), so
 *   every node folder, whatever the policy, has the JSON-RPC calls filter that refuses the methods
 *   that sign with the validator key (shared/bundle/nethermind-config.ts). OpenEthereum never unlocks
 *   the signer (shared/bundle/openethereum-config.ts).
 */
import type { CeremonySpec } from '../spec/schema.js';
import type { Permissions } from '../permissioning/schema.js';

/** Where node RPC listens in a permissioned bundle. */
export const LOOPBACK = '127.0.0.1';

/** The RPC modules of every node (OpenEthereum names; Nethermind's are the same, capitalized). */
export const READ_RPC_APIS = ['web3', 'eth', 'net'] as const;

/** A peer the spec admits besides the authority nodes. */
export interface ReadPeer {
  name: string;
  enode: string;
  operator?: string | undefined;
}

/** The host of an enode URL (`enode://id@host:port`). */
export function enodeHost(enode: string): string {
  return enode.slice(enode.indexOf('@') + 1, enode.lastIndexOf(':'));
}

/**
 * The peer list of the authority node at `own` in `enodes` (validator order): the other N-1 authority
 * enodes in validator order, then the spec's `read.peers` in spec order (one already in the list is
 * not repeated). Without a permissions section, the other N-1 only, as before.
 */
export function peerEnodes(enodes: readonly string[], own: number, permissions: Permissions | undefined): string[] {
  const peers = enodes.filter((_, j) => j !== own);
  for (const peer of permissions?.read.peers ?? []) if (!peers.includes(peer.enode) && peer.enode !== enodes[own]) peers.push(peer.enode);
  return peers;
}

/** One outside reader a member serves: its index in `permissions.read.readers`, name, and proxy user name. */
export interface ServedReader {
  index: number;
  name: string;
  user: string;
}

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48)
    .replace(/-+$/, '');
}

/**
 * The readers the spec names with `servedBy` = `memberName`, in spec order, each with the proxy user
 * name derived from its name (lowercase letters, digits and -; `reader` if nothing is left). Names are
 * unique case-insensitively (schema), but two may slug alike: then each of those gets `-<index>`.
 */
export function readersServedBy(spec: CeremonySpec, memberName: string): ServedReader[] {
  const readers = (spec.permissions?.read.readers ?? []).map((reader, index) => ({ index, name: reader.name, servedBy: reader.servedBy, base: slug(reader.name) || 'reader' }));
  const mine = readers.filter((reader) => reader.servedBy === memberName);
  const count = new Map<string, number>();
  for (const reader of mine) count.set(reader.base, (count.get(reader.base) ?? 0) + 1);
  return mine.map((reader) => ({ index: reader.index, name: reader.name, user: (count.get(reader.base) ?? 0) > 1 ? `${reader.base}-${reader.index}` : reader.base }));
}
