/**
 * Checking a member bundle folder against a verified artifact and the revisions verified after it (none
 * for a genesis bundle; the bundle is for the last), offline, without any password: the folder's files
 * (read by the caller) against `manifest.json` (every file listed, sha-256 and size equal, nothing
 * extra), secrets at mode 0600 (shared/bundle/member.ts `isSecretBundleFile`), the copies of the
 * artifact and of revisions 1..n (no other), the public files against the revision (rebuilt, and
 * against its approved `publicManifest`), then the member's own files: every one that follows from the
 * revision (node folders, compose files, oracle envs, README, read-access files) rebuilt by the
 * builder's own code (shared/bundle/member-files.ts) from the revision and the keys the folder holds
 * in the clear, each only if it is the enrolled one, and compared byte for byte; each signer keystore
 * filed under its signer's address with that `address`; no file the builder does not write. For a
 * permissioned spec, also the read-access checks (shared/bundle/verify-read-access.ts). manifest.json
 * is the member's own record, so none of this trusts it. Reports every failed check, naming the file;
 * never a secret.
 */
import { parse as parseToml } from 'smol-toml';
import { hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { ConcordError } from '../errors.js';
import { canonicalize } from '../canonical/jcs.js';
import { addressOf, publicKeyOf } from '../crypto/secp256k1.js';
import { toHex } from '../hash/hex.js';
import type { GenesisArtifact } from '../artifact/schema.js';
import type { VerifyFailure } from '../artifact/verify.js';
import type { CeremonySpec } from '../spec/schema.js';
import { revisionArtifactSchema, type RevisionArtifact } from '../governance/revision.js';
import { bridgeDeploymentOf, type ConsortiumState } from '../governance/consortium.js';
import { bundleManifestSchema, manifestEntry, MANIFEST_FILE, type BundleManifest } from './manifest.js';
import { isSecretBundleFile, PUBLIC_FOLDER } from './member.js';
import { addMemberFiles, chainNameOf } from './member-files.js';
import { keystoreProblem, signerFilePaths } from './member-node.js';
import { ARTIFACT_FILE, bundleChainOf, publicBundleOf, REVISIONS_FOLDER, revisionFilePath, type BundleRevision } from './bundle-revision.js';
import { memberKeyPlan, type MemberKeyPlan } from './member-keys.js';
import { parseEnvFile } from './env-file.js';
import { ORACLE_KEY_VARIABLE, oracleEnvPath } from './oracle-env.js';
import { PUBLIC_FILES } from './public.js';
import type { ServedReader } from './read-access.js';
import { readerCredentialPath } from './reader-credential.js';
import { READER_PROXY_FILES } from './reader-proxy.js';
import { verifyReadAccess } from './verify-read-access.js';

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

/** How failures name the revision a bundle is for. */
function sourceOf(revision: BundleRevision): string {
  return revision.revision === 0 ? 'the artifact' : `revision ${revision.revision}`;
}

/** The check a failure at `path` belongs to: a node folder's files, or the member's others. */
function checkOf(path: string): string {
  return /^node-\d+\//.test(path) ? 'node files' : 'member files';
}

/**
 * The member files of `plan`'s bundle: every file that follows from the revision (shared/bundle/
 * member-files.ts) rebuilt from it and the keys the folder holds in the clear, and compared byte for
 * byte; each signer keystore filed under its signer's address; and no file the builder does not write.
 * The keys in the clear are taken only where they are the enrolled ones: a node's p2p key from its
 * node.key or config.toml (its public key is the node's in the enode), an oracle env's validator key
 * (its address is the validator's).
 */
function verifyMemberFiles(revision: BundleRevision, plan: MemberKeyPlan, chainSpecText: string, folder: readonly FolderFile[]): VerifyFailure[] {
  const failures: VerifyFailure[] = [];
  const reported = new Set<string>();
  const fail = (path: string, expected: string): void => {
    reported.add(path);
    failures.push({ check: checkOf(path), path, expected });
  };
  const byPath = new Map(folder.map((file) => [file.path, file]));
  const source = sourceOf(revision);

  const nodeKeys = new Map<number, Uint8Array | null>();
  for (const slot of plan.nodes) {
    // The node key from node.key (raw) or config.toml (hex), whichever is the enode's: the other file is then rebuilt from it.
    const raw = byPath.get(`${slot.folder}/node.key`)?.content;
    const config = byPath.get(`${slot.folder}/config.toml`);
    let keyHex: unknown;
    try {
      keyHex = config === undefined ? undefined : (parseToml(text(config.content)) as { network?: { node_key?: unknown } }).network?.node_key;
    } catch {
      keyHex = undefined;
    }
    const candidates = [raw?.length === 32 ? raw : null, typeof keyHex === 'string' && /^[0-9a-f]{64}$/.test(keyHex) ? hexToBytes(keyHex) : null];
    const key = candidates.find((candidate) => candidate !== null && toHex(publicKeyOf(candidate)) === slot.node.nodePublicKey) ?? null;
    if (key === null) {
      const expected = `the p2p key of ${slot.folder}'s enode (validator ${revision.validators.indexOf(slot.node.signer)})`;
      fail(`${slot.folder}/node.key`, `${expected}, 32 raw bytes`);
      fail(`${slot.folder}/config.toml`, `the OpenEthereum config of ${slot.folder}, whose node_key is ${expected}`);
    }
    nodeKeys.set(slot.index, key);
  }
  const oracleKeys = new Map<number, Uint8Array | null>();
  for (const { index, address } of plan.bridge) {
    const path = oracleEnvPath(index);
    const env = byPath.get(path);
    let keyHex: string | undefined;
    try {
      keyHex = env === undefined ? undefined : parseEnvFile(text(env.content), path).get(ORACLE_KEY_VARIABLE);
    } catch (error) {
      if (!(error instanceof ConcordError)) throw error;
      fail(error.path, error.expected);
    }
    if (keyHex === undefined) continue;
    const key = /^[0-9a-f]{64}$/.test(keyHex) ? hexToBytes(keyHex) : null;
    if (key === null || addressOf(key) !== address) fail(path, `${ORACLE_KEY_VARIABLE} = the key of bridge validator ${address} (64 lowercase hex digits, no 0x), or no such line`);
    else oracleKeys.set(index, key);
  }

  const expected = new Map<string, Uint8Array>();
  let proxyReaders: ServedReader[];
  let chainName: string;
  try {
    chainName = chainNameOf(revision);
    const add = (path: string, content: string | Uint8Array): void => {
      expected.set(path, typeof content === 'string' ? utf8ToBytes(content) : content);
    };
    proxyReaders = addMemberFiles({ revision, plan, chainName, chainSpecText, nodeKeys, oracleKeys, add }).proxyReaders;
  } catch (error) {
    // The artifact was verified, so the builder would have refused it too: report why, as a failure.
    if (!(error instanceof ConcordError)) throw error;
    failures.push({ check: 'member files', path: error.path, expected: error.expected });
    return failures;
  }
  for (const [path, bytes] of expected) {
    if (reported.has(path)) continue;
    const found = byPath.get(path);
    if (found === undefined || !sameBytes(found.content, bytes)) fail(path, `the file the bundle builder writes for ${plan.member.name} at ${source}, byte for byte`);
  }

  const known = new Set(expected.keys());
  for (const slot of plan.nodes) {
    for (const name of ['config.toml', 'node.key']) known.add(`${slot.folder}/${name}`);
    const paths = signerFilePaths(slot.folder, chainName, slot.node.signer);
    known.add(paths.keystore);
    known.add(paths.password);
    const keystore = byPath.get(paths.keystore);
    const problem = keystore === undefined ? `the keystore of signer ${slot.node.signer}` : keystoreProblem(text(keystore.content), slot.node.signer);
    if (problem !== null) fail(paths.keystore, problem);
    if ((byPath.get(paths.password)?.content.length ?? 0) === 0) fail(paths.password, `the password of ${slot.node.signer}'s keystore`);
  }
  if (proxyReaders.length > 0) {
    known.add(READER_PROXY_FILES.htpasswd);
    for (const reader of proxyReaders) known.add(readerCredentialPath(reader.user));
  }
  for (const file of folder) {
    // The manifest, the copies and the public bundle are checked above; the readers' files by verifyReadAccess.
    if (file.path === MANIFEST_FILE || file.path === ARTIFACT_FILE || /^(public|revisions)\//.test(file.path) || known.has(file.path)) continue;
    fail(file.path, `no file the bundle builder writes for ${plan.member.name} at ${source}`);
  }
  return failures;
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
  const rebuilt = publicBundleOf(revision, spec, bridgeDeploymentOf(revision.consortium));
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

  // 5. Every file that follows from the revision, rebuilt; the keystores; nothing else.
  const plan = bundleMemberOf(revision, history, folder);
  if (plan === null) {
    fail('member files', 'node-<i>/config.toml', `the engine_signer of a node, or the ORACLE_VALIDATOR_ADDRESS of an oracle env, of a member of ${sourceOf(revision)} (whose bundle is it?)`);
  } else {
    const chainSpec = rebuilt.files.find((file) => file.path === PUBLIC_FILES.chainSpec)?.content ?? '';
    failures.push(...verifyMemberFiles(revision, plan, chainSpec, folder));
  }

  // 6. Read access (a spec with a permissions section).
  failures.push(...verifyReadAccess(spec, revision, plan, folder));
  return failures;
}
