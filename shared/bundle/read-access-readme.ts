/**
 * The "Read access" sections of the operators' READMEs, for a spec with a `permissions` section: in
 * the public README, what every member's bundle enforces and what no client can; in a member's README,
 * that member's firewall, the readers it serves and how their credentials are handed out. The facts
 * and their sources are in shared/bundle/read-access.ts, p2p-firewall.ts and reader-proxy.ts.
 */
import type { CeremonySpec } from '../spec/schema.js';
import { code, table } from './markdown.js';
import { LOOPBACK, READ_RPC_APIS } from './read-access.js';
import { RPC_FILTER_FILE } from './nethermind-config.js';
import { P2P_FIREWALL_FILE, type PortAdmission } from './p2p-firewall.js';
import { READER_PROXY_FILES, READER_PROXY_LISTEN_VARIABLE } from './reader-proxy.js';
import { READER_PROXY_SERVICE } from './docker-compose.js';

/** What no client enforces, and what covers it: the same list in both READMEs. */
function limitsLines(): string[] {
  return [
    '### What a client cannot enforce, and what covers it',
    '',
    `- **Nethermind accepts inbound peers it does not know.** ${code('Network.OnlyStaticPeers')} only stops it from dialing non-static peers (Nethermind issue #5912, PR #7514), and no setting refuses an inbound stranger. Each member's ${code(P2P_FIREWALL_FILE)} drops every packet to the p2p port from any host but the other authority nodes and the listed peers: load it on every host that runs a node.`,
    `- **OpenEthereum** (${code('reserved_only = true')}, ${code('discovery = false')}) dials only reserved peers and disconnects any other session once its handshake names a non-reserved node; the firewall is a second wall in front of that handshake.`,
    `- **Neither client authenticates RPC callers** or has per-caller rights: RPC listens on ${LOOPBACK} only, with ${READ_RPC_APIS.map(code).join(', ')}; outside readers come in only through their member's reader proxy (HTTP Basic authentication, one credential per reader). The proxy speaks plain HTTP: TLS in front of it is each member's.`,
    `- **Nethermind keeps the block author unlocked** (${code('KeyStore.UnlockAccounts')}), so its ${code('eth')} module would sign ${code('eth_sign')} and ${code('eth_sendTransaction')} requests with the validator key. Each node's ${code(RPC_FILTER_FILE)} (${code('JsonRpc.CallsFilterFilePath')}) allows every ${code('eth_')}, ${code('net_')} and ${code('web3_')} method except ${code('eth_sign*')} and ${code('eth_sendTransaction')}. OpenEthereum never unlocks the signer.`,
    `- **A reader can still send signed transactions** (${code('eth_sendRawTransaction')}): the permission contract in the chain decides whether its sender may transact.`,
    '- **A listed peer receives every block and the whole state**, and a reader can read everything its node holds; neither can be stopped from passing it on. Admit only parties the consortium trusts with the data.',
    '',
  ];
}

/** The "Read access" section of the public README (empty without a permissions section). */
export function publicReadAccessLines(spec: CeremonySpec): string[] {
  const permissions = spec.permissions;
  if (permissions === undefined) return [];
  const peers = permissions.read.peers;
  const readers = permissions.read.readers;
  return [
    '## Read access',
    '',
    'Neither OpenEthereum nor Nethermind has an on-chain read permission: reading is closed at the network edges, by every member\'s bundle.',
    '',
    `- **Peers.** Every authority node admits only the other authority nodes${peers.length > 0 ? ' and these peers' : ''} (OpenEthereum reserved peers with ${code('reserved_only')}; Nethermind static peers with ${code('OnlyStaticPeers')}; discovery off in both).`,
    '',
    ...(peers.length > 0
      ? [
          ...table(['peer', 'run by', 'enode'], peers.map((peer) => [peer.name, peer.operator ?? 'an outside party', peer.enode])),
          '',
          `  A listed peer's operator starts it with this bundle's ${code('chain-spec.json')} and, as its only peers, ${code('reserved-peers')} (OpenEthereum, with ${code('reserved_only = true')}) or ${code('static-nodes.json')} (Nethermind, with ${code('OnlyStaticPeers')}), discovery off, and firewalls its own p2p port the same way.`,
          '',
        ]
      : []),
    `- **RPC.** Every node serves JSON-RPC and WebSocket on ${LOOPBACK} only, with ${READ_RPC_APIS.map(code).join(', ')}.${readers.length > 0 ? ' Outside readers reach it only through the authenticating proxy of the member that serves them:' : ' The spec names no outside reader.'}`,
    '',
    ...(readers.length > 0 ? [...table(['reader', 'served by'], readers.map((reader) => [reader.name, reader.servedBy])), ''] : []),
    ...limitsLines(),
  ];
}

/** A reader a member serves, as its README lists it. */
export interface ReadmeReader {
  name: string;
  user: string;
  path: string;
}

/** What a member README's "Read access" section says. */
export interface MemberReadAccess {
  memberName: string;
  firewallTable: string;
  admissions: readonly PortAdmission[];
  readers: readonly ReadmeReader[];
  /** The proxy, if the member serves readers. */
  proxy: { defaultListen: string; upstreamFolder: string; upstreamRpcPort: number } | null;
}

/** The "Read access" section of a member README. */
export function memberReadAccessLines(input: MemberReadAccess): string[] {
  const lines: string[] = [
    '## Read access',
    '',
    `This consortium's spec limits who may read the chain. Your nodes admit as peers only the other authority nodes and the peers the spec lists, and serve RPC on ${LOOPBACK} only (${READ_RPC_APIS.map(code).join(', ')}); ${code('public/README.md')} says what each client enforces.`,
    '',
    '### Firewall',
    '',
    `${code(P2P_FIREWALL_FILE)} (nftables, table ${code(`inet ${input.firewallTable}`)}) accepts TCP and UDP on each of your p2p ports only from these hosts and drops the rest, IPv6 included. Load it on every host that runs one of your nodes, and again after each reboot (e.g. from your nftables service): ${code(`sudo nft -f ${P2P_FIREWALL_FILE}`)}. Loading it again replaces the table.`,
    '',
    ...table(
      ['p2p port', 'admitted hosts'],
      input.admissions.map((admission) => [String(admission.port), admission.hosts.map((host) => `${host.host} (${host.what})`).join(', ') || 'none']),
    ),
    '',
  ];
  const unresolved = input.admissions.flatMap((admission) => admission.unresolved.map((host) => ({ port: admission.port, ...host })));
  if (unresolved.length > 0) {
    lines.push(
      'Some admitted hosts are DNS names. The file holds no name (nft would resolve it once, at load time, and keep that address), so these hosts are dropped until you add their addresses, after every load:',
      '',
      ...table(['host', 'what', 'add its address with'], unresolved.map((host) => [host.host, host.what, code(`sudo nft add element inet ${input.firewallTable} peers_${host.port} { <IPv4 address> }`)])),
      '',
      'Or ask for IPv4 endpoints in the next revision.',
      '',
    );
  }
  lines.push('### Readers you serve', '');
  if (input.proxy === null || input.readers.length === 0) {
    lines.push(`The spec names no outside reader served by ${input.memberName}: this bundle has no reader proxy.`, '');
    return [...lines, ...limitsLines()];
  }
  const proxy = input.proxy;
  lines.push(
    ...table(['reader', 'proxy user', 'credential file (mode 0600)'], input.readers.map((reader) => [reader.name, reader.user, code(reader.path)])),
    '',
    `- **The proxy.** Each compose file has a ${code(READER_PROXY_SERVICE)} service: nginx with HTTP Basic authentication in front of ${code(proxy.upstreamFolder)}'s JSON-RPC (${LOOPBACK}:${proxy.upstreamRpcPort}); run it on ${code(proxy.upstreamFolder)}'s host (${code(`docker compose up -d ${READER_PROXY_SERVICE}`)}). It listens at ${code(`$${READER_PROXY_LISTEN_VARIABLE}`)} (default ${code(proxy.defaultListen)}) and speaks plain HTTP: put your TLS terminator in front of it and open only that terminator's port to your readers. Readers POST JSON-RPC to ${code('/')}; WebSocket is not proxied.`,
    `- **Handing out credentials.** ${code('concord bundle')} made one random password per reader on this machine. Give each reader its own file from ${code('readers/')} and the https URL of your terminator, over a channel you trust (the file holds the password; never send one reader another's file). ${code(READER_PROXY_FILES.htpasswd)} holds only {SSHA} hashes and must stay world-readable: nginx's workers read it.`,
    `- **Changing readers.** A reader added or removed is a new bundle revision. Building a bundle again makes new passwords for every reader you serve: hand out the new files and stop the old proxy.`,
    '',
  );
  return [...lines, ...limitsLines()];
}
