/**
 * A member's deployment bundle (DESIGN.md §6), built only by that member's client, from the verified
 * artifact, the revisions verified after it (DESIGN.md §7; none for the genesis bundle) and its own keys
 * (decrypted by the caller; this file stays pure). One builder for both: the genesis artifact is
 * revision 0 (shared/bundle/bundle-revision.ts), the bundle is for the last revision given, built from
 * that revision's consortium, chain spec, enodes and bridge set. Layout:
 *
 *   artifact.json                   the genesis artifact, byte for byte
 *   revisions/revision-<n>.json     revisions 1..n, byte for byte (a bundle for revision n ≥ 1 only)
 *   README.md                       this member's nodes, ports and files; how to start
 *   docker-compose.yml              all the member's nodes with spec.chain.clients[0]
 *   docker-compose.<client>.yml     the same nodes with each other client (run one per node, never two)
 *   public/…                        the public bundle (shared/bundle/public.ts), byte-identical
 *   node-<i>/                       the member's authority node whose p2p key is keys/node-<i> (its node
 *                                   order at genesis; a name kept across revisions: member-keys.ts)
 *     chain-spec.json               = public/chain-spec.json
 *     reserved-peers                the other N-1 enodes, one per line (OpenEthereum)
 *     static-nodes.json             the same as a JSON array (Nethermind Init.StaticNodesPath)
 *     config.toml            0600   OpenEthereum config; holds the node key
 *     nethermind.json               Nethermind config
 *     jsonrpc.filter                the JSON-RPC calls Nethermind allows (`JsonRpc.CallsFilterFilePath`):
 *                                   none that signs with the unlocked validator key (nethermind-config.ts)
 *     node.key               0600   the p2p node key, 32 raw bytes (Nethermind KeyStore.EnodeKeyFile)
 *     signer.password        0600   the signer keystore's password (both clients' password file)
 *     keystore/<chain name>/<address>.json  0600  the signer keystore, as the member's folder holds it:
 *                                   OpenEthereum reads `<keys_path>/<chain name>/`, Nethermind the same
 *                                   folder as KeyStore.KeyStoreDirectory (file name holds the address)
 *   oracle/bridge-<i>.env           the oracle env of the bridge validator keys/bridge-<i> (0600 if it holds the key)
 *   manifest.json                   written by the client: every file above with its sha-256
 *
 * A spec with a `permissions` section (read access, shared/bundle/read-access.ts; the policy in force at
 * the revision) adds, and changes nothing else but the peer lists (the other N-1 authority enodes, then
 * `read.peers`) and the READMEs:
 *   firewall/p2p.nft                nftables: each p2p port admits only the other authority nodes and
 *                                   the listed peers (shared/bundle/p2p-firewall.ts)
 *   reader-proxy/nginx.conf.template, reader-proxy/htpasswd
 *                                   the authenticating proxy for the readers this member serves, in
 *                                   every compose file (shared/bundle/reader-proxy.ts); only if it serves one
 *   readers/<user>.json      0600   one credential per reader this member serves (its password)
 *
 * Peer lists hold the other N-1 enodes, not all N: DESIGN.md §6 ("every other authority's enode"), and
 * a node never needs to dial itself. The public bundle keeps the full list of N.
 *
 * Every file but the copies, the public bundle, the signer keystores and passwords and the readers'
 * htpasswd and credentials follows from the revision and the keys the bundle holds in the clear: it is
 * made by shared/bundle/member-files.ts, which `verify --bundle` runs again to compare byte for byte.
 *
 * A bundle for revision n ≥ 1 also names, in its README, the member's keys the chain retired (a removed
 * node's signer and p2p key, a rotated-out signer, a removed bridge validator) and the folders of earlier
 * bundles that ran them; the builder returns the same list for the CLI to print.
 */
import { ConcordError, joinPath } from '../errors.js';
import { canonicalize } from '../canonical/jcs.js';
import { addressOf, type Address } from '../crypto/secp256k1.js';
import type { GenesisArtifact } from '../artifact/schema.js';
import type { CeremonySpec } from '../spec/schema.js';
import type { RevisionArtifact } from '../governance/revision.js';
import { bridgeDeploymentOf } from '../governance/consortium.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { buildManifest, type AnyBundleFile, type BundleManifest } from './manifest.js';
import { PUBLIC_FILES } from './public.js';
import { ARTIFACT_FILE, bundleChainOf, publicBundleOf, revisionFilePath } from './bundle-revision.js';
import { ORACLE_KEY_VARIABLE } from './oracle-env.js';
import { buildReaderCredentialFiles, READER_PROXY_FILES } from './reader-proxy.js';
import { READERS_FOLDER, type ReaderRandomness } from './reader-credential.js';
import { keyFile, memberKeyPlan, type RetiredKey } from './member-keys.js';
import { checkNodeKeys, signerFilePaths, type SignerKeyMaterial } from './member-node.js';
import { addMemberFiles, chainNameOf } from './member-files.js';

export type { SignerKeyMaterial } from './member-node.js';
/** Re-exported: the public bundle is part of every member bundle (client/ceremony/participate.ts rebuilds it too). */
export { publicBundleOf } from './bundle-revision.js';

/** The member's decrypted genesis keys, by role, in the member's own index order. */
export interface MemberKeyMaterial {
  authority: readonly SignerKeyMaterial[];
  /** p2p node keys. */
  node: readonly Uint8Array[];
  /** Bridge validator keys. */
  bridge: readonly Uint8Array[];
}

/** The member's decrypted keys by role and index in its folder (`keys/<role>-<index>.json`): those the revision uses. */
export interface MemberKeyring {
  authority: ReadonlyMap<number, SignerKeyMaterial>;
  node: ReadonlyMap<number, Uint8Array>;
  bridge: ReadonlyMap<number, Uint8Array>;
}

/** The genesis bundle's input. */
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

/** A revision artifact and its exact text. */
export interface RevisionFile {
  artifact: RevisionArtifact;
  text: string;
}

/** The input of a bundle for the last of `revisions` (for the genesis artifact if there is none). */
export interface RevisionMemberBundleInput extends Omit<MemberBundleInput, 'keys'> {
  /** Revisions 1..n, in order, of a chain verified from `artifact` (shared/governance/verify-revisions.ts). */
  revisions: readonly RevisionFile[];
  keys: MemberKeyring;
}

export interface MemberBundle {
  files: AnyBundleFile[];
  manifest: BundleManifest;
  /** The revision it is for (0: genesis). */
  revision: number;
  /** The member's keys that the chain retired, up to that revision. */
  retired: RetiredKey[];
}

/** Where a member bundle holds the public bundle. */
export const PUBLIC_FOLDER = 'public';

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

/** Builds the member's genesis bundle (revision 0): every file with its secret flag, and the manifest of them all. */
export function buildMemberBundle(input: MemberBundleInput): MemberBundle {
  const specMember = input.spec.members.find((member) => member.identity === input.member);
  if (specMember === undefined) throw new ConcordError('NOT_A_MEMBER', 'member', 'the identity of a member of this ceremony');
  const { authority, node, bridge } = input.keys;
  if (authority.length !== specMember.authorityNodes || node.length !== specMember.authorityNodes) {
    throw new ConcordError('KEYSTORE_INVALID', 'keys', `${specMember.authorityNodes} signer and node key(s), as ${specMember.name} enrolled`);
  }
  if (bridge.length !== specMember.bridgeValidators) throw new ConcordError('KEYSTORE_INVALID', 'keys', `${specMember.bridgeValidators} bridge validator key(s), as ${specMember.name} enrolled`);
  // At genesis the member's i-th key of each role is at index i (member-keys.ts).
  const byIndex = <T>(list: readonly T[]): Map<number, T> => new Map(list.map((key, i) => [i, key]));
  return buildRevisionMemberBundle({ ...input, revisions: [], keys: { authority: byIndex(authority), node: byIndex(node), bridge: byIndex(bridge) } });
}

/**
 * Builds the member's bundle for the last of `input.revisions` (the genesis bundle if there is none):
 * every file with its secret flag, the manifest of them all, and the member's retired keys.
 */
export function buildRevisionMemberBundle(input: RevisionMemberBundleInput): MemberBundle {
  const { keys } = input;
  const { latest: revision, history } = bundleChainOf(input.artifact, input.spec, input.revisions.map((file) => file.artifact));
  const spec = revision.spec;
  const plan = memberKeyPlan(history, input.member);
  const memberName = plan.member.name;
  const chainName = chainNameOf(revision);

  const files: AnyBundleFile[] = [];
  const add = (path: string, content: string | Uint8Array): void => {
    const bytes = typeof content === 'string' ? utf8ToBytes(content) : content;
    const secret = isSecretBundleFile(path, bytes);
    files.push(typeof content === 'string' ? { path, content, secret } : { path, content, secret });
  };

  add(ARTIFACT_FILE, input.artifactText);
  for (const file of input.revisions) add(revisionFilePath(file.artifact.revision), file.text);
  const publicBundle = publicBundleOf(revision, spec, bridgeDeploymentOf(revision.consortium));
  for (const file of publicBundle.files) add(`${PUBLIC_FOLDER}/${file.path}`, file.content);
  const chainSpecText = publicBundle.files.find((file) => file.path === PUBLIC_FILES.chainSpec)?.content ?? '';

  // The member's own secrets, after checking each key is the one it enrolled.
  const nodeKeys = new Map<number, Uint8Array>();
  for (const slot of plan.nodes) {
    const checked = checkNodeKeys(memberName, slot, keys.authority.get(slot.signerIndex), keys.node.get(slot.index));
    nodeKeys.set(slot.index, checked.nodeKey);
    const paths = signerFilePaths(slot.folder, chainName, slot.node.signer);
    add(paths.password, checked.signer.password);
    add(paths.keystore, checked.signer.keystoreJson);
  }
  const oracleKeys = new Map<number, Uint8Array | null>();
  for (const { index, address } of plan.bridge) {
    const secretKey = keys.bridge.get(index);
    if (secretKey === undefined || addressOf(secretKey) !== address) throw new ConcordError('KEYSTORE_INVALID', keyFile('bridge', index), `the bridge validator ${address} that ${memberName} enrolled`);
    oracleKeys.set(index, input.includeOracleKeys ? secretKey : null);
  }

  const { proxyReaders } = addMemberFiles({ revision, plan, chainName, chainSpecText, nodeKeys, oracleKeys, add });
  if (proxyReaders.length > 0) {
    const credentials = buildReaderCredentialFiles({ memberName, chainName: spec.chain.name, chainId: spec.chain.chainId, readers: proxyReaders, randomness: input.readerRandomness ?? new Map() });
    for (const file of credentials) add(file.path, file.content);
  }
  // The public files must be the ones approved: a revision file re-serialized in another key order would give other bytes.
  if (canonicalize(publicBundle.manifest) !== canonicalize(revision.publicManifest)) {
    throw new ConcordError(revision.revision === 0 ? 'ARTIFACT_INVALID' : 'REVISION_INVALID', joinPath(revision.source, 'publicManifest'), 'the manifest of the public bundle rebuilt from it (is the file as the coordinator served it?)');
  }
  return { files, manifest: buildManifest(files), revision: revision.revision, retired: plan.retired };
}
