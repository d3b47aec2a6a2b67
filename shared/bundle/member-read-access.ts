/**
 * The read-access files of a member bundle, for a spec with a `permissions` section (issue 9, item 4;
 * shared/bundle/read-access.ts): the p2p firewall of the member's nodes at the bundle's revision, and
 * the authenticating reader proxy with one credential per reader, if the member serves any.
 */
import type { CeremonySpec } from '../spec/schema.js';
import type { ComposeNode, ComposeReaderProxy } from './docker-compose.js';
import { buildP2pFirewall, firewallTableName, P2P_FIREWALL_FILE, portAdmissions, type FirewallNode } from './p2p-firewall.js';
import { readersServedBy } from './read-access.js';
import type { MemberReadAccess } from './read-access-readme.js';
import { readerCredentialPath, type ReaderRandomness } from './reader-credential.js';
import { buildReaderProxyFiles, defaultProxyListen, READER_PROXY_CONTAINER_PATHS, READER_PROXY_FILES, READER_PROXY_IMAGE, READER_PROXY_LISTEN_VARIABLE } from './reader-proxy.js';

/** What `addReadAccess` needs from the bundle being built. */
export interface ReadAccessContext {
  spec: CeremonySpec;
  /** The revision's enodes, in validator order. */
  enodes: readonly string[];
  readerRandomness: ReadonlyMap<string, ReaderRandomness> | undefined;
  memberName: string;
  project: string;
  nodes: readonly FirewallNode[];
  composeNodes: readonly ComposeNode[];
  add: (path: string, content: string) => void;
}

/**
 * Adds the read-access files of a permissioned spec (firewall, and the reader proxy with one credential
 * per reader if the member serves any); returns the compose service and the README section.
 */
export function addReadAccess(context: ReadAccessContext): { composeProxy?: ComposeReaderProxy; readme: MemberReadAccess } {
  const { spec, memberName, project, nodes, add } = context;
  const readPeers = spec.permissions?.read.peers ?? [];
  const firewall = { project, enodes: context.enodes, readPeers, nodes };
  add(P2P_FIREWALL_FILE, buildP2pFirewall(firewall));
  const base = { memberName, firewallTable: firewallTableName(project), admissions: portAdmissions(firewall) };
  const readers = readersServedBy(spec, memberName);
  const upstream = context.composeNodes[0];
  if (readers.length === 0 || upstream === undefined) return { readme: { ...base, readers: [], proxy: null } };

  for (const file of buildReaderProxyFiles({
    memberName,
    chainName: spec.chain.name,
    chainId: spec.chain.chainId,
    upstreamFolder: upstream.folder,
    upstreamRpcPort: upstream.ports.rpc,
    readers,
    randomness: context.readerRandomness ?? new Map(),
  })) {
    add(file.path, file.content);
  }
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
  return { composeProxy, readme };
}
