/**
 * The read-access checks of `verify --bundle` for a spec with a `permissions` section (issue 9, item 4;
 * shared/bundle/read-access.ts): called by `verifyRevisionMemberBundle` for the member whose bundle it
 * is (the one whose signers the node folders hold), with its nodes at the bundle's revision. Checks,
 * each failure named `read access` with its file:
 * - every node's OpenEthereum config: `reserved_only = true`, `discovery = false`, RPC and WebSocket on
 *   127.0.0.1 with exactly web3, eth, net; its Nethermind config: `OnlyStaticPeers`, discovery off,
 *   the static peers, RPC on 127.0.0.1 with exactly Eth, Net, Web3, and its calls filter file;
 * - `firewall/p2p.nft` is the one rebuilt from the revision's enodes, the spec and the member's node ports;
 * - the reader proxy: its config template rebuilt, the htpasswd world-readable and listing exactly the
 *   readers the spec has this member serve, each reader's credential file present and its password
 *   opening that reader's `{SSHA}` hash, and no credential file of any other reader.
 * Never reports a password: only which file and which check.
 */
import { parse as parseToml } from 'smol-toml';
import type { VerifyFailure } from '../artifact/verify.js';
import type { CeremonySpec } from '../spec/schema.js';
import { ConcordError } from '../errors.js';
import { CONTAINER_PATHS } from './docker-compose.js';
import { deploymentOf, nodePorts } from './deployment.js';
import { parseHtpasswd, sshaMatches, type HtpasswdEntry } from './htpasswd.js';
import { memberProject } from './member-files.js';
import { buildP2pFirewall, P2P_FIREWALL_FILE, type FirewallNode } from './p2p-firewall.js';
import { LOOPBACK, peerEnodes, READ_RPC_APIS, readersServedBy } from './read-access.js';
import { RPC_FILTER_FILE, serializeRpcFilter } from './nethermind-config.js';
import { parseReaderCredential, readerCredentialPath, READERS_FOLDER } from './reader-credential.js';
import { buildReaderProxyConfig, READER_PROXY_FILES } from './reader-proxy.js';
import type { FolderFile } from './verify-bundle.js';
import type { BundleRevision } from './bundle-revision.js';
import type { MemberKeyPlan } from './member-keys.js';

function text(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes);
}

function sameSet(actual: unknown, expected: readonly string[]): boolean {
  return Array.isArray(actual) && actual.length === expected.length && expected.every((item) => actual.includes(item));
}

/** The read-access failures of the bundle folder of `plan`'s member (none: the files enforce the spec's read policy). */
export function verifyReadAccess(spec: CeremonySpec, revision: BundleRevision, plan: MemberKeyPlan | null, folder: readonly FolderFile[]): VerifyFailure[] {
  if (spec.permissions === undefined) return [];
  const failures: VerifyFailure[] = [];
  const fail = (path: string, expected: string): void => {
    failures.push({ check: 'read access', path, expected });
  };
  const byPath = new Map(folder.map((file) => [file.path, file]));
  const read = (path: string): string | null => {
    const file = byPath.get(path);
    return file === undefined ? null : text(file.content);
  };
  if (plan === null) {
    fail('node-<i>/config.toml', `the engine_signer of a node of a member of ${revision.revision === 0 ? 'the artifact' : `revision ${revision.revision}`} (whose bundle is it?)`);
    return failures;
  }
  const member = plan.member;

  const deployment = deploymentOf(spec);
  const nodes: (FirewallNode & { rpcPort: number })[] = plan.nodes.map((slot) => {
    const ports = nodePorts(deployment, slot.index, slot.node.endpoint);
    return { folder: slot.folder, validatorIndex: revision.validators.indexOf(slot.node.signer), p2pPort: ports.p2p, rpcPort: ports.rpc };
  });

  // 1. Node configs.
  for (const node of nodes) {
    const peers = peerEnodes(revision.enodes, node.validatorIndex, spec.permissions);
    const configPath = `${node.folder}/config.toml`;
    try {
      const config = parseToml(read(configPath) ?? '') as Record<string, Record<string, unknown> | undefined>;
      if (config.network?.reserved_only !== true || config.network.discovery !== false) fail(configPath, '[network] reserved_only = true and discovery = false');
      for (const section of ['rpc', 'websockets']) {
        if (config[section]?.interface !== LOOPBACK || !sameSet(config[section]?.apis, READ_RPC_APIS)) fail(configPath, `[${section}] interface = "${LOOPBACK}" and apis = exactly ${READ_RPC_APIS.join(', ')}`);
      }
    } catch {
      fail(configPath, 'the OpenEthereum config of this node (TOML)');
    }
    const nethermindPath = `${node.folder}/nethermind.json`;
    try {
      const config = JSON.parse(read(nethermindPath) ?? '') as Record<string, Record<string, unknown> | undefined>;
      if (config.Network?.OnlyStaticPeers !== true || config.Init?.DiscoveryEnabled !== false) fail(nethermindPath, 'Network.OnlyStaticPeers = true and Init.DiscoveryEnabled = false');
      if (config.Network?.StaticPeers !== peers.join(',')) fail(nethermindPath, `Network.StaticPeers = the other authority enodes and the ${spec.permissions.read.peers.length} listed peer(s)`);
      const rpc = config.JsonRpc;
      if (rpc?.Host !== LOOPBACK || !sameSet(rpc.EnabledModules, ['Eth', 'Net', 'Web3']) || rpc.CallsFilterFilePath !== `${CONTAINER_PATHS.node}/${RPC_FILTER_FILE}`) {
        fail(nethermindPath, `JsonRpc.Host = "${LOOPBACK}", EnabledModules = exactly Eth, Net, Web3, CallsFilterFilePath = its ${RPC_FILTER_FILE}`);
      }
    } catch {
      fail(nethermindPath, 'the Nethermind config of this node (JSON)');
    }
    if (read(`${node.folder}/${RPC_FILTER_FILE}`) !== serializeRpcFilter()) fail(`${node.folder}/${RPC_FILTER_FILE}`, 'the JSON-RPC calls filter (no eth_sign*, no eth_sendTransaction)');
  }

  // 2. The firewall.
  const firewall = buildP2pFirewall({ project: memberProject(spec, member.name, plan.memberIndex), enodes: revision.enodes, readPeers: spec.permissions.read.peers, nodes });
  if (read(P2P_FIREWALL_FILE) !== firewall) fail(P2P_FIREWALL_FILE, `the p2p firewall rebuilt from ${revision.revision === 0 ? 'the artifact' : `revision ${revision.revision}`}: only the other authority nodes and the listed peers`);

  // 3. The reader proxy and credentials.
  const readers = readersServedBy(spec, member.name);
  const expectedCredentials = new Set(readers.map((reader) => readerCredentialPath(reader.user)));
  for (const file of folder) {
    if (file.path.startsWith(`${READERS_FOLDER}/`) && !expectedCredentials.has(file.path)) fail(file.path, `only the credentials of readers ${member.name} serves`);
  }
  const first = nodes[0];
  if (readers.length === 0 || first === undefined) {
    for (const path of Object.values(READER_PROXY_FILES)) if (byPath.has(path)) fail(path, `no reader proxy (the spec names no reader served by ${member.name})`);
    return failures;
  }
  if (read(READER_PROXY_FILES.template) !== buildReaderProxyConfig({ upstreamFolder: first.folder, upstreamRpcPort: first.rpcPort })) {
    fail(READER_PROXY_FILES.template, `the reader proxy config rebuilt for ${first.folder}'s RPC port`);
  }
  const htpasswdFile = byPath.get(READER_PROXY_FILES.htpasswd);
  let entries: HtpasswdEntry[] = [];
  if (htpasswdFile === undefined) fail(READER_PROXY_FILES.htpasswd, 'the reader proxy\'s htpasswd');
  else {
    if ((htpasswdFile.mode & 0o004) === 0) fail(READER_PROXY_FILES.htpasswd, `a mode readable by all (0644; it is ${htpasswdFile.mode.toString(8).padStart(4, '0')}): nginx's workers read it`);
    try {
      entries = parseHtpasswd(text(htpasswdFile.content), READER_PROXY_FILES.htpasswd);
    } catch (error) {
      if (!(error instanceof ConcordError)) throw error;
      fail(error.path, error.expected);
    }
    if (!sameSet(entries.map((entry) => entry.user), readers.map((reader) => reader.user))) {
      fail(READER_PROXY_FILES.htpasswd, `exactly the users ${readers.map((reader) => reader.user).join(', ')}`);
    }
  }
  for (const reader of readers) {
    const path = readerCredentialPath(reader.user);
    const content = read(path);
    if (content === null) {
      fail(path, `the credential of reader ${reader.name}`);
      continue;
    }
    try {
      const credential = parseReaderCredential(content, path);
      if (credential.reader !== reader.name || credential.servedBy !== member.name || credential.user !== reader.user) fail(path, `the credential of reader ${reader.name}, user ${reader.user}, served by ${member.name}`);
      const entry = entries.find((candidate) => candidate.user === reader.user);
      if (entry === undefined || !sshaMatches(credential.password, entry.hash)) fail(path, `a password that opens ${reader.user}'s {SSHA} hash in ${READER_PROXY_FILES.htpasswd}`);
    } catch (error) {
      if (!(error instanceof ConcordError)) throw error;
      fail(error.path, error.expected);
    }
  }
  return failures;
}
