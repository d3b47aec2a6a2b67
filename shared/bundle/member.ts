/**
 * A member's deployment bundle (DESIGN.md §6), built only by that member's client, from the verified
 * artifact and its own keys (decrypted by the caller; this file stays pure). Layout:
 *
 *   artifact.json                   the artifact, byte for byte
 *   README.md                       this member's nodes, ports and files; how to start
 *   docker-compose.yml              all the member's nodes with spec.chain.clients[0]
 *   docker-compose.<client>.yml     the same nodes with each other client (run one per node, never two)
 *   public/…                        the public bundle (shared/bundle/public.ts), byte-identical
 *   node-<i>/                       authority node i of the member (its own order, keys/authority-<i>)
 *     chain-spec.json               = public/chain-spec.json
 *     reserved-peers                the other N-1 enodes, one per line (OpenEthereum)
 *     static-nodes.json             the same as a JSON array (Nethermind Init.StaticNodesPath)
 *     config.toml            0600   OpenEthereum config; holds the node key
 *     nethermind.json               Nethermind config
 *     node.key               0600   the p2p node key, 32 raw bytes (Nethermind KeyStore.EnodeKeyFile)
 *     signer.password        0600   the signer keystore's password (both clients' password file)
 *     keystore/<chain name>/<address>.json  0600  the signer keystore, as the member's folder holds it:
 *                                   OpenEthereum reads `<keys_path>/<chain name>/`, Nethermind the same
 *                                   folder as KeyStore.KeyStoreDirectory (file name holds the address)
 *   oracle/bridge-<i>.env           bridge validator i's oracle env (0600 if it holds the key)
 *   manifest.json                   written by the client: every file above with its sha-256
 *
 * A spec with a `permissions` section (read access, shared/bundle/read-access.ts) adds, and changes
 * nothing else but the peer lists (the other N-1 authority enodes, then `read.peers`) and the READMEs:
 *   node-<i>/jsonrpc.filter         the JSON-RPC calls Nethermind allows (`JsonRpc.CallsFilterFilePath`)
 *   firewall/p2p.nft                nftables: each p2p port admits only the other authority nodes and
 *                                   the listed peers (shared/bundle/p2p-firewall.ts)
 *   reader-proxy/nginx.conf.template, reader-proxy/htpasswd
 *                                   the authenticating proxy for the readers this member serves, in
 *                                   every compose file (shared/bundle/reader-proxy.ts); only if it serves one
 *   readers/<user>.json      0600   one credential per reader this member serves (its password)
 *
 * Peer lists hold the other N-1 enodes, not all N: DESIGN.md §6 ("every other authority's enode"), and
 * a node never needs to dial itself. The public bundle keeps the full list of N.
 */
import { ConcordError, joinPath } from '../errors.js';
import { addressOf, publicKeyOf, type Address } from '../crypto/secp256k1.js';
import { toHex } from '../hash/hex.js';
import type { GenesisArtifact } from '../artifact/schema.js';
import type { Contribution } from '../ceremony/contribution.js';
import type { CeremonySpec } from '../spec/schema.js';
import { formatEnode } from '../p2p/enode.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { buildManifest, type AnyBundleFile, type BundleManifest } from './manifest.js';
import { buildPublicBundle, PUBLIC_FILES, serializeReservedPeers, serializeStaticNodes, type PublicBundle } from './public.js';
import { deploymentOf, nodePorts, type NodePorts } from './deployment.js';
import { buildOpenEthereumConfig } from './openethereum-config.js';
import { buildNethermindConfig } from './nethermind-config.js';
import { buildComposeFile, CONTAINER_PATHS, type ComposeNode } from './docker-compose.js';
import { buildOracleEnv, ORACLE_KEY_VARIABLE, oracleEnvPath } from './oracle-env.js';
import { buildMemberReadme, composeFileName } from './operator-readme.js';
import { peerEnodes, readersServedBy, RPC_FILTER_FILE, serializeRpcFilter } from './read-access.js';
import { buildP2pFirewall, firewallTableName, P2P_FIREWALL_FILE, portAdmissions, type FirewallNode } from './p2p-firewall.js';
import { buildReaderProxyFiles, defaultProxyListen, READER_PROXY_CONTAINER_PATHS, READER_PROXY_FILES, READER_PROXY_IMAGE, READER_PROXY_LISTEN_VARIABLE } from './reader-proxy.js';
import { readerCredentialPath, READERS_FOLDER, type ReaderRandomness } from './reader-credential.js';
import type { ComposeReaderProxy } from './docker-compose.js';
import type { MemberReadAccess } from './read-access-readme.js';

/** An authority node's signer: its keystore as the member's folder holds it, the password, the key. */
export interface SignerKeyMaterial {
  keystoreJson: string;
  password: string;
  secretKey: Uint8Array;
}

/** The member's decrypted keys, by role, in the member's own index order. */
export interface MemberKeyMaterial {
  authority: readonly SignerKeyMaterial[];
  /** p2p node keys. */
  node: readonly Uint8Array[];
  /** Bridge validator keys. */
  bridge: readonly Uint8Array[];
}

export interface MemberBundleInput {
  /** A verified artifact (shared/artifact/verify.ts) and its exact text. */
  artifact: GenesisArtifact;
  artifactText: string;
  /** `artifact.spec`, parsed. */
  spec: CeremonySpec;
  /** The member's identity address. */
  member: Address;
  keys: MemberKeyMaterial;
  /** Write each bridge validator's key into its oracle env file (then 0600); default: left out. */
  includeOracleKeys: boolean;
  /**
   * For a spec with `permissions`: the randomness of each reader this member serves (password bytes and
   * `{SSHA}` salt, from the client's CSPRNG), by reader name; exactly those readers. Unused otherwise.
   */
  readerRandomness?: ReadonlyMap<string, ReaderRandomness>;
}

export interface MemberBundle {
  files: AnyBundleFile[];
  manifest: BundleManifest;
}

/** The artifact's path in a member bundle. */
export const ARTIFACT_FILE = 'artifact.json';
/** Where a member bundle holds the public bundle. */
export const PUBLIC_FOLDER = 'public';

/** The fields OpenEthereum's key file reader accepts (`crates/accounts/ethstore/src/json/key_file.rs`: any other is an error). */
const OPENETHEREUM_KEYSTORE_FIELDS = new Set(['id', 'version', 'crypto', 'Crypto', 'address', 'name', 'meta']);

/**
 * Whether a member-bundle file is a secret (mode 0600): keystores, passwords, node keys, the
 * OpenEthereum config (it holds the node key), readers' credential files, and an oracle env that holds
 * its validator's key. The builder and `verify` both decide with this one rule.
 */
export function isSecretBundleFile(path: string, content: Uint8Array): boolean {
  if (/^node-\d+\/(config\.toml|node\.key|signer\.password)$/.test(path)) return true;
  if (/^node-\d+\/keystore\//.test(path)) return true;
  if (path.startsWith(`${READERS_FOLDER}/`)) return true;
  if (/^oracle\/bridge-\d+\.env$/.test(path)) {
    return new TextDecoder().decode(content).split('\n').some((line) => line.startsWith(`${ORACLE_KEY_VARIABLE}=`));
  }
  return false;
}

/**
 * Whether a member-bundle file must be readable by every user: the reader proxy's htpasswd (hashes
 * only), which nginx's workers read as the image's `nginx` user. The client sets 0644 whatever the
 * umask, and `verify` checks it.
 */
export function isWorldReadableBundleFile(path: string): boolean {
  return path === READER_PROXY_FILES.htpasswd;
}

/** The contribution `member` revealed, from the artifact's transcript. */
export function revealedContribution(artifact: GenesisArtifact, member: Address): Contribution {
  for (const entry of artifact.transcript) {
    if (entry.kind === 'Reveal' && entry.member === member) return entry.payload.contribution;
  }
  throw new ConcordError('ARTIFACT_INVALID', 'artifact.transcript', `a Reveal by ${member}`);
}

/** The public bundle of an artifact: what every member's client rebuilds and `verify` compares. */
export function publicBundleOf(artifact: GenesisArtifact, spec: CeremonySpec): PublicBundle {
  return buildPublicBundle({
    chainSpec: artifact.chainSpec,
    enodes: artifact.enodes,
    agreed: { spec, validators: artifact.validators, bridge: artifact.bridge },
  });
}

/** A name compose accepts as a project name. */
function projectSlug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** The compose project (and firewall table) name of member `memberIndex`: `concord-<ceremony id>-<member slug>`. */
export function memberProject(spec: CeremonySpec, memberIndex: number): string {
  return `concord-${spec.ceremonyId}-${projectSlug(spec.members[memberIndex]?.name ?? '') || `member-${memberIndex}`}`;
}

/** The endpoint's host if it is an IPv4 address (advertised as the node's external address). */
function ipv4Host(endpoint: string): string | null {
  const host = endpoint.slice(0, endpoint.lastIndexOf(':'));
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host) ? host : null;
}

function checkKeystoreFields(json: string, path: string): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new ConcordError('KEYSTORE_INVALID', path, 'a keystore v3 JSON file');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new ConcordError('KEYSTORE_INVALID', path, 'a keystore v3 JSON object');
  const unknown = Object.keys(parsed).filter((key) => !OPENETHEREUM_KEYSTORE_FIELDS.has(key));
  if (unknown.length > 0) {
    throw new ConcordError('KEYSTORE_INVALID', path, `only the fields OpenEthereum reads (id, version, crypto, address, name, meta); not ${unknown.map((key) => JSON.stringify(key)).join(', ')}`);
  }
}

/**
 * The member's nodes share one host when their endpoints name one host; then no two may listen on one
 * port. A p2p port (the agreed endpoint's) that equals another node's RPC or WebSocket port is refused:
 * the reveal fixed it, so the deployment's port bases must move.
 */
function checkPortClashes(nodes: readonly { folder: string; endpoint: string; ports: NodePorts }[]): void {
  const hosts = new Set(nodes.map((node) => node.endpoint.slice(0, node.endpoint.lastIndexOf(':')).toLowerCase()));
  const used = new Map<number, string>();
  for (const node of nodes) {
    const mine: [string, number][] = [['p2p', node.ports.p2p], ['rpc', node.ports.rpc], ['ws', node.ports.ws]];
    for (const [kind, port] of mine) {
      const holder = used.get(port);
      // Two p2p ports can only be equal on different hosts (the reducer refuses one host:port twice).
      if (holder !== undefined && !(kind === 'p2p' && holder.endsWith(' p2p') && hosts.size > 1)) {
        throw new ConcordError('ENDPOINT_INVALID', `${node.folder}.${kind}`, `a port not already used by ${holder} (set deployment.rpcPortBase / wsPortBase apart from the p2p ports)`);
      }
      used.set(port, `${node.folder} ${kind}`);
    }
  }
}

/** What `addReadAccess` needs from the bundle being built. */
interface ReadAccessContext {
  input: MemberBundleInput;
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
function addReadAccess(context: ReadAccessContext): { composeProxy?: ComposeReaderProxy; readme: MemberReadAccess } {
  const { input, memberName, project, nodes, add } = context;
  const readPeers = input.spec.permissions?.read.peers ?? [];
  const firewall = { project, enodes: input.artifact.enodes, readPeers, nodes };
  add(P2P_FIREWALL_FILE, buildP2pFirewall(firewall));
  const base = { memberName, firewallTable: firewallTableName(project), admissions: portAdmissions(firewall) };
  const readers = readersServedBy(input.spec, memberName);
  const upstream = context.composeNodes[0];
  if (readers.length === 0 || upstream === undefined) return { readme: { ...base, readers: [], proxy: null } };

  for (const file of buildReaderProxyFiles({
    memberName,
    chainName: input.spec.chain.name,
    chainId: input.spec.chain.chainId,
    upstreamFolder: upstream.folder,
    upstreamRpcPort: upstream.ports.rpc,
    readers,
    randomness: input.readerRandomness ?? new Map(),
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

/** Builds the member's bundle: every file with its secret flag, and the manifest of them all. */
export function buildMemberBundle(input: MemberBundleInput): MemberBundle {
  const { artifact, spec, keys } = input;
  const memberIndex = spec.members.findIndex((member) => member.identity === input.member);
  const specMember = spec.members[memberIndex];
  if (specMember === undefined) throw new ConcordError('NOT_A_MEMBER', 'member', 'the identity of a member of this ceremony');
  const contribution = revealedContribution(artifact, input.member);
  if (keys.authority.length !== contribution.authorities.length || keys.node.length !== contribution.authorities.length) {
    throw new ConcordError('KEYSTORE_INVALID', 'keys', `${contribution.authorities.length} signer and node key(s), as ${specMember.name} enrolled`);
  }
  if (keys.bridge.length !== contribution.bridgeValidators.length) {
    throw new ConcordError('KEYSTORE_INVALID', 'keys', `${contribution.bridgeValidators.length} bridge validator key(s), as ${specMember.name} enrolled`);
  }
  const deployment = deploymentOf(spec);
  const chainName = (artifact.chainSpec as { name?: unknown }).name;
  if (typeof chainName !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9 _-]{0,63}$/.test(chainName)) {
    throw new ConcordError('ARTIFACT_INVALID', 'artifact.chainSpec.name', 'a chain name of letters, digits, space, _ or -');
  }

  const files: AnyBundleFile[] = [];
  const add = (path: string, content: string | Uint8Array): void => {
    const bytes = typeof content === 'string' ? utf8ToBytes(content) : content;
    const secret = isSecretBundleFile(path, bytes);
    files.push(typeof content === 'string' ? { path, content, secret } : { path, content, secret });
  };

  add(ARTIFACT_FILE, input.artifactText);
  const publicBundle = publicBundleOf(artifact, spec);
  for (const file of publicBundle.files) add(`${PUBLIC_FOLDER}/${file.path}`, file.content);
  const chainSpecText = publicBundle.files.find((file) => file.path === PUBLIC_FILES.chainSpec)?.content ?? '';

  const composeNodes: ComposeNode[] = [];
  const firewallNodes: FirewallNode[] = [];
  const readmeNodes = contribution.authorities.map((enrolled, i) => {
    const signer = keys.authority[i] as SignerKeyMaterial;
    const nodeKey = keys.node[i] as Uint8Array;
    const keystorePath = `keys/authority-${i}.json`;
    if (addressOf(signer.secretKey) !== enrolled.signer) throw new ConcordError('KEYSTORE_INVALID', keystorePath, `the signer ${enrolled.signer} that ${specMember.name} enrolled as authority node ${i}`);
    checkKeystoreFields(signer.keystoreJson, keystorePath);
    if (toHex(publicKeyOf(nodeKey)) !== enrolled.nodePublicKey) throw new ConcordError('KEYSTORE_INVALID', `keys/node-${i}.json`, `the node key ${specMember.name} enrolled for authority node ${i}`);
    const validatorIndex = artifact.validators.indexOf(enrolled.signer);
    const enode = artifact.enodes[validatorIndex];
    if (validatorIndex < 0 || enode === undefined || enode !== formatEnode(enrolled.nodePublicKey, enrolled.endpoint)) {
      throw new ConcordError('ARTIFACT_INVALID', joinPath('artifact', 'enodes', validatorIndex), `the enode of ${enrolled.signer} (its node key at ${enrolled.endpoint})`);
    }
    const peers = peerEnodes(artifact.enodes, validatorIndex, spec.permissions);
    const folder = `node-${i}`;
    const ports = nodePorts(deployment, i, enrolled.endpoint);
    const externalIp = ipv4Host(enrolled.endpoint);
    const inNode = (name: string): string => `${CONTAINER_PATHS.node}/${name}`;
    const keystoreDir = `keystore/${chainName}`;
    add(`${folder}/${PUBLIC_FILES.chainSpec}`, chainSpecText);
    add(`${folder}/${PUBLIC_FILES.reservedPeers}`, serializeReservedPeers(peers));
    add(`${folder}/${PUBLIC_FILES.staticNodes}`, serializeStaticNodes(peers));
    add(
      `${folder}/config.toml`,
      buildOpenEthereumConfig({
        chainSpecPath: inNode(PUBLIC_FILES.chainSpec),
        basePath: CONTAINER_PATHS.data,
        keysPath: inNode('keystore'),
        passwordFile: inNode('signer.password'),
        reservedPeersPath: inNode(PUBLIC_FILES.reservedPeers),
        signer: enrolled.signer,
        nodeKeyHex: bytesToHex(nodeKey),
        p2pPort: ports.p2p,
        externalIp,
        rpcAddress: deployment.rpcBindAddress,
        rpcPort: ports.rpc,
        wsPort: ports.ws,
      }),
    );
    add(
      `${folder}/nethermind.json`,
      buildNethermindConfig({
        chainSpecPath: inNode(PUBLIC_FILES.chainSpec),
        dataPath: CONTAINER_PATHS.data,
        staticNodesPath: inNode(PUBLIC_FILES.staticNodes),
        keyStoreDirectory: inNode(keystoreDir),
        passwordFile: inNode('signer.password'),
        enodeKeyFile: inNode('node.key'),
        signer: enrolled.signer,
        staticPeers: peers,
        p2pPort: ports.p2p,
        externalIp,
        rpcAddress: deployment.rpcBindAddress,
        rpcPort: ports.rpc,
        wsPort: ports.ws,
        ...(spec.permissions === undefined ? {} : { callsFilterFile: inNode(RPC_FILTER_FILE) }),
      }),
    );
    if (spec.permissions !== undefined) add(`${folder}/${RPC_FILTER_FILE}`, serializeRpcFilter());
    add(`${folder}/node.key`, Uint8Array.from(nodeKey));
    add(`${folder}/signer.password`, signer.password);
    add(`${folder}/${keystoreDir}/${enrolled.signer.slice(2).toLowerCase()}.json`, signer.keystoreJson);
    composeNodes.push({ folder, signer: enrolled.signer, ports });
    firewallNodes.push({ folder, validatorIndex, p2pPort: ports.p2p });
    return { folder, signer: enrolled.signer, enode, endpoint: enrolled.endpoint, ports };
  });

  checkPortClashes(readmeNodes);
  const project = memberProject(spec, memberIndex);
  const readAccess = spec.permissions === undefined ? null : addReadAccess({ input, memberName: specMember.name, project, nodes: firewallNodes, composeNodes, add });
  for (const client of spec.chain.clients) {
    const image = client === 'openethereum' ? deployment.images.openethereum : deployment.images.nethermind;
    const readerProxy = readAccess?.composeProxy;
    add(composeFileName(spec.chain.clients, client), buildComposeFile({ project: `${project}-${client}`, client, image, nodes: composeNodes, ...(readerProxy === undefined ? {} : { readerProxy }) }));
  }

  const oracleFiles = contribution.bridgeValidators.map((enrolled, i) => {
    const secretKey = keys.bridge[i] as Uint8Array;
    if (addressOf(secretKey) !== enrolled.address) throw new ConcordError('KEYSTORE_INVALID', `keys/bridge-${i}.json`, `the bridge validator ${enrolled.address} that ${specMember.name} enrolled`);
    const agreed = artifact.bridge;
    const agreedIndex = agreed === null ? -1 : agreed.validators.indexOf(enrolled.address);
    if (agreed === null || agreedIndex < 0) throw new ConcordError('ARTIFACT_INVALID', 'artifact.bridge.validators', `a list that holds ${enrolled.address}`);
    const path = oracleEnvPath(i);
    add(path, buildOracleEnv({ spec, index: i, agreedIndex, agreedCount: agreed.validators.length, address: enrolled.address, secretKey: input.includeOracleKeys ? secretKey : null }));
    return { path, address: enrolled.address, keyIncluded: input.includeOracleKeys };
  });

  add('README.md', buildMemberReadme({ spec, memberName: specMember.name, nodes: readmeNodes, oracleFiles, ...(readAccess === null ? {} : { readAccess: readAccess.readme }) }));
  return { files, manifest: buildManifest(files) };
}
