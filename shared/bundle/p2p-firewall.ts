/**
 * A member's p2p firewall (`firewall/p2p.nft`, nftables; issue 9, item 4): on each p2p port of the
 * member's nodes, accept TCP and UDP only from the hosts of the other authority nodes and of the
 * spec's `read.peers`, and drop everything else (IPv6 included). It is what refuses inbound strangers
 * on Nethermind, whose `OnlyStaticPeers` limits only outbound connections (REFERENCE.md §3; Nethermind
 * issue #5912, PR #7514), and a second wall for OpenEthereum's `reserved_only`.
 *
 * One file for all of the member's hosts: each port's set is the union, over the member's nodes on
 * that port, of the hosts of every authority enode but the node's own, and of the peers' hosts. The
 * file is loaded with `sudo nft -f firewall/p2p.nft` on each of the member's hosts; loading it again
 * replaces its table (shared/bundle/nft-ruleset.ts). The table is named after the ceremony and the
 * member, so two bundles on one host do not replace each other's.
 *
 * DNS names: an enode may name its host by DNS (shared/validation/fields.ts `endpointField`). nft
 * would resolve a name once, when the file is loaded, and keep that address however the name moves;
 * so Concord writes no name into a rule. Each such host is listed as a comment in its port's set, and
 * the README tells the operator to resolve it and add the address (`nft add element …`) or to use
 * IPv4 endpoints. Until then that host is dropped, as anything not listed is: the file fails closed.
 */
import { serializeNftRuleset, type NftAddressSet, type NftPortRule } from './nft-ruleset.js';
import { isIpv4 } from '../validation/fields.js';
import { enodeHost, type ReadPeer } from './read-access.js';

/** The firewall file's path in a member bundle. */
export const P2P_FIREWALL_FILE = 'firewall/p2p.nft';

/** One of the member's nodes, as the firewall sees it. */
export interface FirewallNode {
  folder: string;
  /** Its index in the artifact's validators / enodes. */
  validatorIndex: number;
  p2pPort: number;
}

/** What the firewall is built from. */
export interface FirewallInput {
  /** `concord-<ceremony id>-<member slug>`: the table name is derived from it. */
  project: string;
  /** Every authority node's enode, in validator order. */
  enodes: readonly string[];
  readPeers: readonly ReadPeer[];
  nodes: readonly FirewallNode[];
}

/** A source host a port admits, and why. */
export interface AdmittedHost {
  host: string;
  /** "authority node <i>" or "peer <name>". */
  what: string;
}

/** The hosts one p2p port admits: IPv4 addresses (in the rules) and DNS names (comments only). */
export interface PortAdmission {
  port: number;
  addresses: string[];
  unresolved: AdmittedHost[];
  /** Every admitted host with why, in the order it was found. */
  hosts: AdmittedHost[];
}

function ipv4Order(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 4; i++) if (pa[i] !== pb[i]) return (pa[i] as number) - (pb[i] as number);
  return 0;
}

/** The nft table name of a compose project: letters, digits and _. */
export function firewallTableName(project: string): string {
  return project.replace(/[^A-Za-z0-9]+/g, '_').slice(0, 63);
}

/** Which hosts each of the member's p2p ports admits, ports in ascending order. */
export function portAdmissions(input: FirewallInput): PortAdmission[] {
  const ports = [...new Set(input.nodes.map((node) => node.p2pPort))].sort((a, b) => a - b);
  return ports.map((port) => {
    const hosts: AdmittedHost[] = [];
    const add = (host: string, what: string): void => {
      if (!hosts.some((known) => known.host.toLowerCase() === host.toLowerCase())) hosts.push({ host, what });
    };
    for (const node of input.nodes.filter((n) => n.p2pPort === port)) {
      input.enodes.forEach((enode, j) => {
        if (j !== node.validatorIndex) add(enodeHost(enode), `authority node ${j}`);
      });
    }
    for (const peer of input.readPeers) add(enodeHost(peer.enode), `peer ${peer.name}`);
    return {
      port,
      addresses: hosts.filter((h) => isIpv4(h.host)).map((h) => h.host).sort(ipv4Order),
      unresolved: hosts.filter((h) => !isIpv4(h.host)),
      hosts,
    };
  });
}

/** One line of comment text: control characters and anything outside printable ASCII become `?`. */
function oneLine(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '?');
}

/** The text of `firewall/p2p.nft`. */
export function buildP2pFirewall(input: FirewallInput): string {
  const admissions = portAdmissions(input);
  const sets: NftAddressSet[] = admissions.map((admission) => ({
    name: `peers_${admission.port}`,
    comments: [
      ...admission.hosts.filter((h) => isIpv4(h.host)).map((h) => oneLine(`${h.host}: ${h.what}`)),
      ...admission.unresolved.map((h) => oneLine(`${h.host}: ${h.what} (a DNS name: resolve it and add its address, README.md "Read access")`)),
    ],
    elements: admission.addresses,
  }));
  const rules: NftPortRule[] = admissions.flatMap((admission) =>
    (['tcp', 'udp'] as const).flatMap((protocol): NftPortRule[] => [
      { protocol, port: admission.port, sourceSet: `peers_${admission.port}`, verdict: 'accept' },
      { protocol, port: admission.port, verdict: 'drop' },
    ]),
  );
  return serializeNftRuleset(
    {
      comments: [
        'Concord p2p firewall: each p2p port of these nodes admits only the other authority nodes and the listed peers.',
        `Load on each of your hosts with: sudo nft -f ${P2P_FIREWALL_FILE} (loading it again replaces the table).`,
        ...input.nodes.map((node) => `${node.folder}: p2p port ${node.p2pPort} (authority node ${node.validatorIndex})`),
      ],
      tables: [{ name: firewallTableName(input.project), sets, chains: [{ name: 'p2p_input', priority: 0, rules }] }],
    },
    P2P_FIREWALL_FILE,
  );
}
