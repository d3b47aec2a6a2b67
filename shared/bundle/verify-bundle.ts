/**
 * Checking a member bundle folder against a verified artifact and the revisions verified after it (none
 * for a genesis bundle; the bundle is for the last), offline, without any password: the folder's files
 * (read by the caller) against `manifest.json` (every file listed, sha-256 and size equal, nothing
 * extra), secrets at mode 0600 (shared/bundle/member.ts `isSecretBundleFile`), the copies of the
 * artifact and of revisions 1..n (no other), the public files against the revision (rebuilt, and
 * against its approved `publicManifest`), and each node folder: chain spec = the public one, peer lists
 * = the other N-1 enodes (then the spec's `read.peers`, if it has a `permissions` section), its node key
 * and signer those of the validator the revision lists at that enode, and its name the one that node
 * has in its member's bundle (shared/bundle/member-keys.ts); for a permissioned spec, the read-access
 * files (shared/bundle/verify-read-access.ts). Reports every failed check, naming the file; never a secret.
 */
import { parse as parseToml } from 'smol-toml';
import { bytesToHex, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { canonicalize } from '../canonical/jcs.js';
import { publicKeyOf } from '../crypto/secp256k1.js';
import { toHex } from '../hash/hex.js';
import type { GenesisArtifact } from '../artifact/schema.js';
import type { VerifyFailure } from '../artifact/verify.js';
import type { CeremonySpec } from '../spec/schema.js';
import { revisionArtifactSchema, type RevisionArtifact } from '../governance/revision.js';
import { bundleManifestSchema, manifestEntry, MANIFEST_FILE, type BundleManifest } from './manifest.js';
import { isSecretBundleFile, PUBLIC_FOLDER } from './member.js';
import { ARTIFACT_FILE, bundleChainOf, publicBundleOf, REVISIONS_FOLDER, revisionFilePath } from './bundle-revision.js';
import { memberKeyPlan, type MemberKeyPlan } from './member-keys.js';
import { parseEnvFile } from './env-file.js';
import { PUBLIC_FILES, serializeReservedPeers, serializeStaticNodes } from './public.js';
import { peerEnodes } from './read-access.js';
import { verifyReadAccess } from './verify-read-access.js';
import type { BundleRevision } from './bundle-revision.js';
import type { ConsortiumState } from '../governance/consortium.js';

/** One file of a bundle folder as read from disk: its path (forward slashes), bytes and mode bits. */
export interface FolderFile {
  path: string;
  content: Uint8Array;
  /** `stat.mode & 0o777`. */
  mode: number;
}

function text(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

/** The engine signer of a node folder's OpenEthereum config, if it parses. */
function engineSigner(config: Uint8Array | undefined): unknown {
  if (config === undefined) return undefined;
  try {
    return (parseToml(text(config)) as { mining?: { engine_signer?: unknown } }).mining?.engine_signer;
  } catch {
    return undefined;
  }
}

/**
 * Whose bundle the folder is: the member of the revision that runs the signer of a node folder, or (a
 * member without nodes) the bridge validator of an oracle env; with its key plan. Null if none is.
 */
function bundleMemberOf(revision: BundleRevision, history: readonly ConsortiumState[], folder: readonly FolderFile[]): MemberKeyPlan | null {
  for (const file of folder) {
    let address: unknown;
    if (/^node-\d+\/config\.toml$/.test(file.path)) address = engineSigner(file.content);
    else if (/^oracle\/bridge-\d+\.env$/.test(file.path)) {
      try {
        address = parseEnvFile(text(file.content), file.path).get('ORACLE_VALIDATOR_ADDRESS');
      } catch {
        address = undefined;
      }
    }
    const member = revision.consortium.members.find((candidate) => candidate.nodes.some((node) => node.signer === address) || candidate.bridgeValidators.includes(address as string));
    if (member !== undefined) return memberKeyPlan(history, member.identity);
  }
  return null;
}

/** Verifies a genesis member bundle folder; returns every failed check (none: the bundle is sound). */
export function verifyMemberBundle(artifact: GenesisArtifact, spec: CeremonySpec, folder: readonly FolderFile[]): VerifyFailure[] {
  return verifyRevisionMemberBundle(artifact, [], spec, folder);
}

/**
 * Verifies a member bundle folder for the last of `revisions` (revisions 1..n of a chain verified from
 * `artifact`; none: the genesis bundle); returns every failed check (none: the bundle is sound).
 */
export function verifyRevisionMemberBundle(artifact: GenesisArtifact, revisions: readonly RevisionArtifact[], genesisSpec: CeremonySpec, folder: readonly FolderFile[]): VerifyFailure[] {
  const { latest: revision, history } = bundleChainOf(artifact, genesisSpec, revisions);
  const spec = revision.spec;
  const failures: VerifyFailure[] = [];
  const fail = (check: string, path: string, expected: string): void => {
    failures.push({ check, path, expected });
  };
  const byPath = new Map(folder.map((file) => [file.path, file]));

  // 1. The manifest: parse it, then every file listed and equal, nothing extra.
  const manifestFile = byPath.get(MANIFEST_FILE);
  let manifest: BundleManifest | null = null;
  if (manifestFile === undefined) {
    fail('manifest', MANIFEST_FILE, 'a manifest listing every file of the bundle');
  } else {
    try {
      const parsed = bundleManifestSchema.safeParse(JSON.parse(text(manifestFile.content)));
      if (parsed.success) manifest = parsed.data;
      else fail('manifest', MANIFEST_FILE, 'a concord/bundle-manifest@1 JSON file');
    } catch {
      fail('manifest', MANIFEST_FILE, 'JSON text');
    }
  }
  if (manifest !== null) {
    const listed = new Set<string>();
    for (const entry of manifest.files) {
      if (listed.has(entry.path)) fail('manifest', entry.path, 'each file listed once');
      listed.add(entry.path);
      const file = byPath.get(entry.path);
      if (file === undefined) {
        fail('manifest', entry.path, 'the file the manifest lists');
        continue;
      }
      const actual = manifestEntry(entry.path, file.content);
      if (actual.sha256 !== entry.sha256 || actual.bytes !== entry.bytes) fail('manifest', entry.path, `sha-256 ${entry.sha256} (${entry.bytes} bytes) as the manifest lists`);
    }
    for (const file of folder) {
      if (file.path !== MANIFEST_FILE && !listed.has(file.path)) fail('manifest', file.path, 'no file the manifest does not list');
    }
  }

  // 2. Secrets are 0600.
  for (const file of folder) {
    if (isSecretBundleFile(file.path, file.content) && file.mode !== 0o600) fail('secret mode', file.path, `mode 0600 (it is ${file.mode.toString(8).padStart(4, '0')})`);
  }

  // 3. The copies of the artifact and of revisions 1..n, and no other revision.
  const sameJson = (file: FolderFile | undefined, value: unknown): boolean => {
    try {
      return file !== undefined && canonicalize(JSON.parse(text(file.content))) === canonicalize(value);
    } catch {
      return false;
    }
  };
  const artifactFile = byPath.get(ARTIFACT_FILE);
  if (artifactFile === undefined) fail('artifact copy', ARTIFACT_FILE, 'the artifact the bundle was built from');
  else if (!sameJson(artifactFile, artifact)) fail('artifact copy', ARTIFACT_FILE, 'the same artifact as the one given to verify');
  const revisionPaths = new Set(revisions.map((given) => revisionFilePath(given.revision)));
  for (const given of revisions) {
    const path = revisionFilePath(given.revision);
    const found = byPath.get(path);
    let copy: unknown = null;
    try {
      // Parsed as verify parsed the given one (addresses checksummed), then compared.
      copy = found === undefined ? null : revisionArtifactSchema.safeParse(JSON.parse(text(found.content))).data;
    } catch {
      copy = null;
    }
    if (copy === null || copy === undefined || canonicalize(copy) !== canonicalize(given)) fail('revision copy', path, `revision ${given.revision} as given to verify`);
  }
  for (const file of folder) {
    if (file.path.startsWith(`${REVISIONS_FOLDER}/`) && !revisionPaths.has(file.path)) fail('revision copy', file.path, `only the revisions given to verify (a bundle for revision ${revision.revision})`);
  }

  // 4. The public files: rebuilt from the revision, and those approved by hash.
  const rebuilt = publicBundleOf(revision, spec);
  const publicPaths = new Set(rebuilt.files.map((file) => `${PUBLIC_FOLDER}/${file.path}`));
  for (const file of rebuilt.files) {
    const path = `${PUBLIC_FOLDER}/${file.path}`;
    const found = byPath.get(path);
    if (found === undefined || !sameBytes(found.content, utf8ToBytes(file.content))) fail('public files', path, `the ${file.path} rebuilt from the artifact`);
  }
  for (const entry of revision.publicManifest.files) {
    const path = `${PUBLIC_FOLDER}/${entry.path}`;
    const found = byPath.get(path);
    if (found === undefined) continue; // reported above
    const actual = manifestEntry(entry.path, found.content);
    if (actual.sha256 !== entry.sha256) fail('public files', path, `sha-256 ${entry.sha256}, as ${revision.source}.publicManifest lists (what ${revision.revision === 0 ? 'every member approved' : 'the coordinator signed'})`);
  }
  for (const file of folder) {
    if (file.path.startsWith(`${PUBLIC_FOLDER}/`) && !publicPaths.has(file.path)) fail('public files', file.path, 'only the files of the public bundle under public/');
  }

  // 5. Each node folder.
  const plan = bundleMemberOf(revision, history, folder);
  const chainSpec = rebuilt.files.find((file) => file.path === PUBLIC_FILES.chainSpec)?.content ?? '';
  const nodeFolders = [...new Set(folder.map((file) => /^(node-\d+)\//.exec(file.path)?.[1]).filter((name): name is string => name !== undefined))];
  for (const node of nodeFolders) {
    const read = (name: string): Uint8Array | null => byPath.get(`${node}/${name}`)?.content ?? null;
    const specBytes = read(PUBLIC_FILES.chainSpec);
    if (specBytes === null || text(specBytes) !== chainSpec) fail('node files', `${node}/${PUBLIC_FILES.chainSpec}`, 'the agreed chain spec (= public/chain-spec.json)');
    const configBytes = read('config.toml');
    if (configBytes === null) {
      fail('node files', `${node}/config.toml`, 'the OpenEthereum config of this node');
      continue;
    }
    let signer: unknown;
    let nodeKeyHex: unknown;
    try {
      const config = parseToml(text(configBytes)) as { mining?: { engine_signer?: unknown }; network?: { node_key?: unknown } };
      signer = config.mining?.engine_signer;
      nodeKeyHex = config.network?.node_key;
    } catch {
      fail('node files', `${node}/config.toml`, 'TOML text');
      continue;
    }
    const index = typeof signer === 'string' ? revision.validators.indexOf(signer) : -1;
    if (index < 0) {
      fail('node files', `${node}/config.toml`, `an engine_signer in the validator set of ${revision.revision === 0 ? 'the artifact' : `revision ${revision.revision}`}`);
      continue;
    }
    const slot = plan?.nodes.find((candidate) => candidate.node.signer === signer);
    if (plan !== null && slot === undefined) fail('node files', `${node}/config.toml`, `the signer of one of ${plan.member.name}'s nodes (the member whose bundle this is)`);
    else if (slot !== undefined && slot.folder !== node) fail('node files', `${node}/config.toml`, `a folder named after its node's p2p key index (this signer's node is ${slot.folder})`);
    const enode = revision.enodes[index] ?? '';
    const keyHex = typeof nodeKeyHex === 'string' && /^[0-9a-f]{64}$/.test(nodeKeyHex) ? nodeKeyHex : null;
    if (keyHex === null || toHex(publicKeyOf(hexToBytes(keyHex))).slice(2) !== enode.slice('enode://'.length, enode.indexOf('@'))) {
      fail('node files', `${node}/config.toml`, `the node key of validator ${index}'s enode`);
    }
    const rawKey = read('node.key');
    if (rawKey === null || keyHex === null || bytesToHex(rawKey) !== keyHex) fail('node files', `${node}/node.key`, 'the same 32-byte node key as config.toml');
    const peers = peerEnodes(revision.enodes, index, spec.permissions);
    const what = spec.permissions === undefined ? `the other ${peers.length} authority enodes` : `the other ${revision.enodes.length - 1} authority enodes, then the spec's read.peers`;
    const reserved = read(PUBLIC_FILES.reservedPeers);
    if (reserved === null || text(reserved) !== serializeReservedPeers(peers)) fail('node files', `${node}/${PUBLIC_FILES.reservedPeers}`, what);
    const staticNodes = read(PUBLIC_FILES.staticNodes);
    if (staticNodes === null || text(staticNodes) !== serializeStaticNodes(peers)) fail('node files', `${node}/${PUBLIC_FILES.staticNodes}`, what);
  }

  // 6. Read access (a spec with a permissions section).
  failures.push(...verifyReadAccess(spec, revision, plan, folder));
  return failures;
}
