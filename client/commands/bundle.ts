/**
 * `concord bundle --artifact <file> [--revision <revision files 1..n>] --keys <member folder> --out <bundle folder>`:
 * the member's deployment bundle (DESIGN.md §6, shared/bundle/member.ts), made on the member's own
 * machine: for the genesis artifact, or, with revision files, for revision n of the consortium
 * (DESIGN.md §7; the files `concord revision fetch` saves), built from that revision's consortium.
 *
 * Order, so that a refusal leaves nothing behind: refuse an existing --out; verify the artifact, and
 * the revisions as one chain from it (shared/governance/verify-revisions.ts); find which member the key
 * folder belongs to (the member that enrolled its `keys/authority-0.json`, or `keys/bridge-0.json` for
 * a member that never had a node, at any revision); decrypt the keystores that revision uses
 * (shared/bundle/member-keys.ts: a rotated node's new signer, an added node's keys, never a retired
 * key) with their password files (a missing or wrong password stops here); build the bundle in memory;
 * write it into a fresh temporary sibling folder (mode 0700, secrets 0600); rename that to --out. On
 * any failure the temporary folder is removed. It prints which of the member's keys the chain retired
 * and which folders of earlier bundles ran them; the last line printed is the folder.
 *
 * A spec with a `permissions` section: the client draws a fresh password and salt for each outside
 * reader this member serves (client/keys/reader-credentials.ts) and the builder writes one credential
 * file per reader (0600) and the proxy's htpasswd of their hashes, set to 0644 whatever the umask
 * (nginx's workers read it as another user).
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { getAddress } from 'ethers';
import { ConcordError } from '../../shared/errors.js';
import { parseVerifiedArtifact } from '../../shared/artifact/verify.js';
import type { GenesisArtifact } from '../../shared/artifact/schema.js';
import type { VerifyFailure } from '../../shared/artifact/verify.js';
import { parseSpec } from '../../shared/spec/parse.js';
import { decryptKeystore } from '../../shared/keys/keystore.js';
import type { ConsortiumState } from '../../shared/governance/consortium.js';
import { verifyRevisionChain } from '../../shared/governance/verify-revisions.js';
import { buildRevisionMemberBundle, isWorldReadableBundleFile, type RevisionFile, type SignerKeyMaterial } from '../../shared/bundle/member.js';
import { bundleChainOf } from '../../shared/bundle/bundle-revision.js';
import { describeRetired, enrolledKeysOf, memberKeyPlan, retiredPathsOf, type KeyRole, type RetiredKey, type RetiredPath } from '../../shared/bundle/member-keys.js';
import { readersServedBy } from '../../shared/bundle/read-access.js';
import { MANIFEST_FILE, serializeManifest } from '../../shared/bundle/manifest.js';
import type { Address } from '../../shared/crypto/secp256k1.js';
import { keyPaths } from '../keys/ceremony-keys.js';
import { readerRandomness } from '../keys/reader-credentials.js';
import { pathExists, readPasswordFile, readText, writeNewFile } from '../io/files.js';
import type { Output } from '../cli/output.js';

export interface BundleOptions {
  artifact: string;
  /** Revision files 1..n, in order: the bundle is for revision n. None: the genesis bundle. */
  revisions?: readonly string[];
  keys: string;
  out: string;
  includeOracleKeys: boolean;
}

/** What `concord bundle` made. */
export interface BundleResult {
  out: string;
  /** The revision the bundle is for (0: genesis). */
  revision: number;
  /** The member's keys the chain retired, and the folders and files of earlier bundles that ran them. */
  retired: RetiredKey[];
  retiredPaths: RetiredPath[];
}

/** A verified genesis artifact and revisions 1..n verified as a chain from it, each with its exact text. */
interface VerifiedChain {
  artifact: GenesisArtifact;
  text: string;
  revisions: RevisionFile[];
}

function failureList(failures: readonly VerifyFailure[]): string {
  return failures.map((failure) => `${failure.check} at ${failure.path}`).join('; ');
}

function parseJson(text: string, path: string, code: 'ARTIFACT_INVALID' | 'REVISION_INVALID', what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new ConcordError(code, path, `JSON text holding ${what}`);
  }
}

/** Reads and verifies the artifact and the revision files (as one chain from it). */
async function readVerifiedChain(artifactPath: string, revisionPaths: readonly string[]): Promise<VerifiedChain> {
  const text = await readText(artifactPath, 'a Concord genesis artifact');
  if (revisionPaths.length === 0) return { artifact: await parseVerifiedArtifact(text, artifactPath), text, revisions: [] };
  const texts = await Promise.all(revisionPaths.map((path) => readText(path, 'a Concord revision artifact')));
  const report = await verifyRevisionChain(
    parseJson(text, artifactPath, 'ARTIFACT_INVALID', 'a Concord genesis artifact'),
    texts.map((revision, i) => parseJson(revision, revisionPaths[i] as string, 'REVISION_INVALID', 'a Concord revision artifact')),
  );
  if (report.consortium === null || report.genesis === null) throw new ConcordError('ARTIFACT_INVALID', artifactPath, `an artifact that verifies (${failureList(report.failures)})`);
  if (!report.ok) {
    const at = Number(/^revisions\[(\d+)\]/.exec(report.failures[0]?.path ?? '')?.[1] ?? 0);
    throw new ConcordError('REVISION_INVALID', revisionPaths[at] as string, `revision ${at + 1}, verifying as a chain from the artifact and the revisions before it (${failureList(report.failures)})`);
  }
  return { artifact: report.genesis, text, revisions: report.revisions.map((artifact, i) => ({ artifact, text: texts[i] as string })) };
}

/** The address a keystore v3 file says it holds (read, not decrypted). */
async function keystoreAddress(path: string): Promise<Address> {
  try {
    const parsed = JSON.parse(await readText(path, 'a keystore v3 JSON file')) as { address?: unknown };
    if (typeof parsed.address !== 'string') throw new Error('no address');
    return getAddress(parsed.address.startsWith('0x') ? parsed.address : `0x${parsed.address}`);
  } catch (error) {
    if (error instanceof ConcordError) throw error;
    throw new ConcordError('KEYSTORE_INVALID', path, 'a keystore v3 JSON file with its address');
  }
}

/**
 * The member whose key folder this is: the one that enrolled the key of `keys/authority-0.json` (its
 * first node's signer; `keys/bridge-0.json` for a member that never had a node) in any revision of
 * `history`. Only that file is read here; every key the bundle uses is checked by the builder.
 */
async function memberOfKeyFolder(history: readonly ConsortiumState[], folder: string): Promise<Address> {
  const authority = keyPaths(folder, 'authority', 0).keystore;
  const bridge = keyPaths(folder, 'bridge', 0).keystore;
  const role: KeyRole = !(await pathExists(authority)) && (await pathExists(bridge)) ? 'bridge' : 'authority';
  const path = role === 'authority' ? authority : bridge;
  const address = await keystoreAddress(path);
  const enrolled = enrolledKeysOf(history).find((key) => key.role === role && key.index === 0 && key.address === address);
  if (enrolled === undefined) {
    throw new ConcordError('KEYSTORE_INVALID', path, `the keystore of a ${role === 'authority' ? 'signer' : 'bridge validator'} this artifact enrolled (is --keys the ceremony folder of a member?)`);
  }
  return enrolled.member;
}

/** Decrypts one enrolled key with its password file. */
async function openKey(folder: string, role: KeyRole, index: number): Promise<SignerKeyMaterial> {
  const paths = keyPaths(folder, role, index);
  const keystoreJson = await readText(paths.keystore, 'a keystore v3 JSON file');
  const password = await readPasswordFile(paths.password);
  const { secretKey } = await decryptKeystore(keystoreJson, password, paths.keystore);
  return { keystoreJson, password, secretKey };
}

/** Builds and writes the bundle; returns what it made. */
export async function makeBundle(options: BundleOptions): Promise<BundleResult> {
  const out = resolve(options.out);
  const refuseExisting = async (): Promise<void> => {
    if (await pathExists(out)) throw new ConcordError('FILE_EXISTS', out, 'a bundle folder that does not exist yet (Concord never overwrites keys)');
  };
  await refuseExisting();
  const chain = await readVerifiedChain(resolve(options.artifact), (options.revisions ?? []).map((path) => resolve(path)));
  const spec = parseSpec(chain.artifact.spec, 'artifact.spec');
  const { latest, history } = bundleChainOf(chain.artifact, spec, chain.revisions.map((file) => file.artifact));
  const folder = resolve(options.keys);
  const member = await memberOfKeyFolder(history, folder);
  const plan = memberKeyPlan(history, member);

  // Only the keys the revision uses are decrypted: retired keys may have lost their passwords.
  const keys = { authority: new Map<number, SignerKeyMaterial>(), node: new Map<number, Uint8Array>(), bridge: new Map<number, Uint8Array>() };
  for (const slot of plan.nodes) {
    keys.authority.set(slot.signerIndex, await openKey(folder, 'authority', slot.signerIndex));
    keys.node.set(slot.index, (await openKey(folder, 'node', slot.index)).secretKey);
  }
  for (const slot of plan.bridge) keys.bridge.set(slot.index, (await openKey(folder, 'bridge', slot.index)).secretKey);

  const readers = readerRandomness(readersServedBy(latest.spec, plan.member.name).map((reader) => reader.name));
  const built = buildRevisionMemberBundle({
    artifact: chain.artifact,
    artifactText: chain.text,
    revisions: chain.revisions,
    spec,
    member,
    keys,
    includeOracleKeys: options.includeOracleKeys,
    readerRandomness: readers,
  });

  await mkdir(dirname(out), { recursive: true });
  const temporary = join(dirname(out), `.${basename(out)}.partial-${randomBytes(6).toString('hex')}`);
  await mkdir(temporary, { mode: 0o700 });
  try {
    for (const file of built.files) {
      const path = join(temporary, ...file.path.split('/'));
      await writeNewFile(path, file.content, file.secret);
      if (isWorldReadableBundleFile(file.path)) await chmod(path, 0o644);
    }
    await writeNewFile(join(temporary, MANIFEST_FILE), serializeManifest(built.manifest), false);
    await refuseExisting();
    await rename(temporary, out);
  } catch (error) {
    await rm(temporary, { recursive: true, force: true });
    throw error;
  }
  return { out, revision: built.revision, retired: built.retired, retiredPaths: retiredPathsOf(built.retired) };
}

/** Builds and writes the bundle; returns the folder it made. */
export async function bundle(options: BundleOptions): Promise<string> {
  return (await makeBundle(options)).out;
}

/** `concord bundle`: makes the bundle, prints the retired keys and folders, and the folder last. */
export async function bundleCommand(options: BundleOptions, output: Output): Promise<void> {
  const made = await makeBundle(options);
  const lines =
    made.revision === 0
      ? []
      : [
          `OK bundle for revision ${made.revision}, from the artifact and ${made.revision} revision(s) verified as one chain`,
          ...made.retired.map((key) => `  retired key     ${key.keyFile} (${key.address}): ${describeRetired(key)}`),
          ...made.retiredPaths.map((retired) => `  retired folder  ${retired.path} of bundles before revision ${retired.revision}: not in this bundle; stop what runs from it`),
        ];
  output.result({ bundle: made.out, revision: made.revision, retired: made.retired, retiredPaths: made.retiredPaths }, [...lines, made.out]);
}
