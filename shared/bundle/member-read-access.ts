/**
 * The read-access files of a member bundle that follow from the spec and the revision, for a spec with
 * a `permissions` section (issue 9, item 4; shared/bundle/read-access.ts): the p2p firewall of the
 * member's nodes at the bundle's revision and, if the member serves readers, the reader proxy's config
 * template and compose service. The readers' htpasswd and credentials are made from the client's
 * randomness by the builder (shared/bundle/reader-proxy.ts `buildReaderCredentialFiles`).
 */
import type { CeremonySpec } from '../spec/schema.js';
import type { ComposeNode, ComposeReaderProxy } from './docker-compose.js';
import { buildP2pFirewall, firewallTableName, P2P_FIREWALL_FILE, portAdmissions, type FirewallNode } from './p2p-firewall.js';
import { readersServedBy, type ServedReader } from './read-access.js';
import type { MemberReadAccess } from './read-access-readme.js';
import { readerCredentialPath } from './reader-credential.js';
import { buildReaderProxyConfig, defaultProxyListen, READER_PROXY_CONTAINER_PATHS, READER_PROXY_FILES, READER_PROXY_IMAGE, READER_PROXY_LISTEN_VARIABLE } from './reader-proxy.js';

/** What `addReadAccess` needs from the bundle being built. */
export interface ReadAccessContext {
  spec: CeremonySpec;
  /** The revision's enodes, in validator order. */
  enodes: readonly string[];
  memberName: string;
  project: string;
  nodes: readonly FirewallNode[];
  composeNodes: readonly ComposeNode[];
  add: (path: string, content: string) => void;
}

/** The read-access parts of the bundle: the compose service and README section, and the readers whose credentials it needs. */
export interface ReadAccessParts {
  composeProxy?: ComposeReaderProxy;
  readme: MemberReadAccess;
  /** The readers the proxy serves (none: no proxy, and no htpasswd or credential file). */
  proxyReaders: ServedReader[];
}

/**
 * Adds the read-access files of a permissioned spec that follow from it (the firewall, and the proxy's
 * config template if the member serves readers); returns the compose service, the README section and
 * the readers whose credentials the bundle holds.
 */
export function addReadAccess(context: ReadAccessContext): ReadAccessParts {
  const { spec, memberName, project, nodes, add } = context;
  const readPeers = spec.permissions?.read.peers ?? [];
  const firewall = { project, enodes: context.enodes, readPeers, nodes };
  add(P2P_FIREWALL_FILE, buildP2pFirewall(firewall));
  const base = { memberName, firewallTable: firewallTableName(project), admissions: portAdmissions(firewall) };
  const readers = readersServedBy(spec, memberName);
  const upstream = context.composeNodes[0];
  if (readers.length === 0 || upstream === undefined) return { readme: { ...base, readers: [], proxy: null }, proxyReaders: [] };

  add(READER_PROXY_FILES.template, buildReaderProxyConfig({ upstreamFolder: upstream.folder, upstreamRpcPort: upstream.ports.rpc }));
  const defaultListen = defaultProxyListen(context.composeNodes.flatMap((node) => [node.ports.p2p, node.ports.rpc, node.ports.ws]));
  const composeProxy: ComposeReaderProxy = {
    image: READER_PROXY_IMAGE,
    templateFile: READER_PROXY_FILES.template,
    htpasswdFile: READER_PROXY_FILES.htpasswd,
    containerTemplate: READER_PROXY_CONTAINER_PATHS.template,
    containerHtpasswd: READER_PROXY_CONTAINER_PATHS.htpasswd,
    outputDir: READER_PROXY_CONTAINER_PATHS.outputDir,
    listenVariable: READER_PROXY_LISTEN_VARIABLE,
    defaultListen,
    upstreamFolder: upstream.folder,
    upstreamRpcPort: upstream.ports.rpc,
  };
  const readme: MemberReadAccess = {
    ...base,
    readers: readers.map((reader) => ({ name: reader.name, user: reader.user, path: readerCredentialPath(reader.user) })),
    proxy: { defaultListen, upstreamFolder: upstream.folder, upstreamRpcPort: upstream.ports.rpc },
  };
  return { composeProxy, readme, proxyReaders: readers };
}
