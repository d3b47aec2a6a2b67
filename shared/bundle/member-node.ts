/**
 * One authority node's folder in a member bundle (layout: shared/bundle/member.ts): the check that the
 * member's keys are the ones enrolled for this node at the bundle's revision (the signer and p2p key
 * the consortium lists), and the files that follow from the revision and the node's p2p key (chain
 * spec, peer lists, OpenEthereum and Nethermind configs, the calls filter, the raw node key), which
 * the builder writes and `verify` rebuilds (shared/bundle/member-files.ts). The signer's keystore and
 * password are the member's own, copied by the builder and checked by `verify` (`keystoreProblem`).
 * Also the checks over all of a member's nodes at once (ports on one host).
 */
import { bytesToHex } from '@noble/hashes/utils.js';
import { ConcordError, joinPath } from '../errors.js';
import { addressOf, publicKeyOf } from '../crypto/secp256k1.js';
import { toHex } from '../hash/hex.js';
import { isIpv4 } from '../validation/fields.js';
import type { CeremonySpec, Deployment } from '../spec/schema.js';
import { formatEnode } from '../p2p/enode.js';
import type { BundleRevision } from './bundle-revision.js';
import { nodePorts, type NodePorts } from './deployment.js';
import { CONTAINER_PATHS } from './docker-compose.js';
import { keyFile, type MemberNodeSlot } from './member-keys.js';
import { buildNethermindConfig, RPC_FILTER_FILE, serializeRpcFilter } from './nethermind-config.js';
import { buildOpenEthereumConfig } from './openethereum-config.js';
import { PUBLIC_FILES, serializeReservedPeers, serializeStaticNodes } from './public.js';
import { peerEnodes } from './read-access.js';

/** An authority node's signer: its keystore as the member's folder holds it, the password, the key. */
export interface SignerKeyMaterial {
  keystoreJson: string;
  password: string;
  secretKey: Uint8Array;
}

/** What one node folder's files are built from. */
export interface NodeFolderInput {
  spec: CeremonySpec;
  deployment: Deployment;
  revision: BundleRevision;
  /** The chain's name (the signer keystore's folder) and the chain spec file's text. */
  chainName: string;
  chainSpecText: string;
  slot: MemberNodeSlot;
  /**
   * The node's p2p key, already checked to be the enrolled one (`checkNodeKeys`); null where it is not
   * known (`verify`, when config.toml holds no key of this node): then config.toml and node.key are not made.
   */
  nodeKey: Uint8Array | null;
  add: (path: string, content: string | Uint8Array) => void;
}

/** A node as the compose file, the firewall and the README need it. */
export interface BuiltNode {
  folder: string;
  signer: string;
  enode: string;
  endpoint: string;
  validatorIndex: number;
  ports: NodePorts;
}

/** The fields OpenEthereum's key file reader accepts (`crates/accounts/ethstore/src/json/key_file.rs`: any other is an error). */
const OPENETHEREUM_KEYSTORE_FIELDS = new Set(['id', 'version', 'crypto', 'Crypto', 'address', 'name', 'meta']);

/**
 * What is wrong with a signer keystore's JSON for the node of `signer`, in words; null if nothing is.
 * Only the fields OpenEthereum reads, and an `address` that is `signer` as 40 hex digits without 0x:
 * the form OpenEthereum's own key files have (`key_file.rs` tests, fb71509c) and ethers'
 * `encryptKeystoreJson` writes (lowercase). The file's name holds the address too (Nethermind finds it
 * by name), so a keystore of another key under this name is refused here.
 */
export function keystoreProblem(json: string, signer: string): string | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return 'a keystore v3 JSON file';
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return 'a keystore v3 JSON object';
  const unknown = Object.keys(parsed).filter((key) => !OPENETHEREUM_KEYSTORE_FIELDS.has(key));
  if (unknown.length > 0) return `only the fields OpenEthereum reads (id, version, crypto, address, name, meta); not ${unknown.map((key) => JSON.stringify(key)).join(', ')}`;
  const address = (parsed as { address?: unknown }).address;
  if (typeof address !== 'string' || !/^[0-9a-fA-F]{40}$/.test(address) || address.toLowerCase() !== signer.slice(2).toLowerCase()) {
    return `a keystore whose address is ${signer} (40 hex digits, no 0x), the signer enrolled for this node`;
  }
  return null;
}

/** The paths, in a node folder, of the signer's keystore (`keystore/<chain name>/<address>.json`) and password. */
export function signerFilePaths(folder: string, chainName: string, signer: string): { keystore: string; password: string } {
  return { keystore: `${folder}/keystore/${chainName}/${signer.slice(2).toLowerCase()}.json`, password: `${folder}/signer.password` };
}

/** The endpoint's host if it is an IPv4 address (advertised as the node's external address). */
function ipv4Host(endpoint: string): string | null {
  const host = endpoint.slice(0, endpoint.lastIndexOf(':'));
  return isIpv4(host) ? host : null;
}

/**
 * Checks that the member's keys for a node are the ones it enrolled (the signer key and its keystore,
 * the p2p key) and returns them; the builder's check, before any file is made.
 */
export function checkNodeKeys(memberName: string, slot: MemberNodeSlot, signer: SignerKeyMaterial | undefined, nodeKey: Uint8Array | undefined): { signer: SignerKeyMaterial; nodeKey: Uint8Array } {
  const enrolled = slot.node;
  const signerPath = keyFile('authority', slot.signerIndex);
  if (signer === undefined) throw new ConcordError('KEYSTORE_INVALID', signerPath, `the keystore of signer ${enrolled.signer} (${memberName}'s authority node ${slot.index})`);
  if (addressOf(signer.secretKey) !== enrolled.signer) throw new ConcordError('KEYSTORE_INVALID', signerPath, `the signer ${enrolled.signer} that ${memberName} enrolled as authority node ${slot.index}`);
  const problem = keystoreProblem(signer.keystoreJson, enrolled.signer);
  if (problem !== null) throw new ConcordError('KEYSTORE_INVALID', signerPath, problem);
  if (nodeKey === undefined || toHex(publicKeyOf(nodeKey)) !== enrolled.nodePublicKey) {
    throw new ConcordError('KEYSTORE_INVALID', keyFile('node', slot.index), `the node key ${memberName} enrolled for authority node ${slot.index}`);
  }
  return { signer, nodeKey };
}

/**
 * Adds the node folder's files that follow from the revision and the node's p2p key: chain spec, peer
 * lists, both clients' configs, the JSON-RPC calls filter and the raw node key; not the signer's
 * keystore and password (`signerFilePaths`). Returns the node.
 */
export function addNodeFiles(input: NodeFolderInput): BuiltNode {
  const { spec, deployment, revision, slot, add } = input;
  const enrolled = slot.node;
  const validatorIndex = revision.validators.indexOf(enrolled.signer);
  const enode = revision.enodes[validatorIndex];
  if (validatorIndex < 0 || enode === undefined || enode !== formatEnode(enrolled.nodePublicKey, enrolled.endpoint)) {
    throw new ConcordError('ARTIFACT_INVALID', joinPath(revision.source, 'enodes', validatorIndex), `the enode of ${enrolled.signer} (its node key at ${enrolled.endpoint})`);
  }
  const peers = peerEnodes(revision.enodes, validatorIndex, spec.permissions);
  const folder = slot.folder;
  const ports = nodePorts(deployment, slot.index, enrolled.endpoint);
  const externalIp = ipv4Host(enrolled.endpoint);
  const inNode = (name: string): string => `${CONTAINER_PATHS.node}/${name}`;
  const keystoreDir = `keystore/${input.chainName}`;
  add(`${folder}/${PUBLIC_FILES.chainSpec}`, input.chainSpecText);
  add(`${folder}/${PUBLIC_FILES.reservedPeers}`, serializeReservedPeers(peers));
  add(`${folder}/${PUBLIC_FILES.staticNodes}`, serializeStaticNodes(peers));
  if (input.nodeKey !== null) {
    add(
      `${folder}/config.toml`,
      buildOpenEthereumConfig({
        chainSpecPath: inNode(PUBLIC_FILES.chainSpec),
        basePath: CONTAINER_PATHS.data,
        keysPath: inNode('keystore'),
        passwordFile: inNode('signer.password'),
        reservedPeersPath: inNode(PUBLIC_FILES.reservedPeers),
        signer: enrolled.signer,
        nodeKeyHex: bytesToHex(input.nodeKey),
        p2pPort: ports.p2p,
        externalIp,
        rpcAddress: deployment.rpcBindAddress,
        rpcPort: ports.rpc,
        wsPort: ports.ws,
      }),
    );
  }
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
      callsFilterFile: inNode(RPC_FILTER_FILE),
    }),
  );
  add(`${folder}/${RPC_FILTER_FILE}`, serializeRpcFilter());
  if (input.nodeKey !== null) add(`${folder}/node.key`, Uint8Array.from(input.nodeKey));
  return { folder, signer: enrolled.signer, enode, endpoint: enrolled.endpoint, validatorIndex, ports };
}

/**
 * The member's nodes share one host when their endpoints name one host; then no two may listen on one
 * port. A p2p port (the agreed endpoint's) that equals another node's RPC or WebSocket port is refused:
 * the reveal fixed it, so the deployment's port bases must move.
 */
export function checkPortClashes(nodes: readonly { folder: string; endpoint: string; ports: NodePorts }[]): void {
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
