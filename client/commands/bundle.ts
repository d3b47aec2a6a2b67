/**
 * `concord bundle --artifact <file> --keys <member folder> --out <bundle folder>`: the member's
 * deployment bundle (DESIGN.md §6, shared/bundle/member.ts), made on the member's own machine.
 *
 * Order, so that a refusal leaves nothing behind: refuse an existing --out; verify the artifact; find
 * which member the key folder belongs to (its authority-0 keystore's address among the reveals);
 * decrypt every keystore with its password file (a missing or wrong password stops here); build the
 * bundle in memory; write it into a fresh temporary sibling folder (mode 0700, secrets 0600); rename
 * that to --out. On any failure the temporary folder is removed. The last line printed is the folder.
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
import { parseSpec } from '../../shared/spec/parse.js';
import { decryptKeystore } from '../../shared/keys/keystore.js';
import { buildMemberBundle, isWorldReadableBundleFile, type MemberKeyMaterial, type SignerKeyMaterial } from '../../shared/bundle/member.js';
import { readersServedBy } from '../../shared/bundle/read-access.js';
import { MANIFEST_FILE, serializeManifest } from '../../shared/bundle/manifest.js';
import type { Address } from '../../shared/crypto/secp256k1.js';
import { keyPaths } from '../keys/ceremony-keys.js';
import { readerRandomness } from '../keys/reader-credentials.js';
import { pathExists, readPasswordFile, readText, writeNewFile } from '../io/files.js';

export interface BundleOptions {
  artifact: string;
  keys: string;
  out: string;
  includeOracleKeys: boolean;
}

/** Reads and verifies an artifact file; returns it with its exact text. */
export async function readVerifiedArtifact(path: string): Promise<{ artifact: GenesisArtifact; text: string }> {
  const text = await readText(path, 'a Concord genesis artifact');
  return { artifact: await parseVerifiedArtifact(text, path), text };
}

/** The member whose key folder this is: the one that enrolled the signer of `keys/authority-0.json`. */
async function memberOfKeyFolder(artifact: GenesisArtifact, folder: string): Promise<Address> {
  const path = keyPaths(folder, 'authority', 0).keystore;
  let address: string;
  try {
    const parsed = JSON.parse(await readText(path, 'a keystore v3 JSON file')) as { address?: unknown };
    if (typeof parsed.address !== 'string') throw new Error('no address');
    address = getAddress(parsed.address.startsWith('0x') ? parsed.address : `0x${parsed.address}`);
  } catch (error) {
    if (error instanceof ConcordError) throw error;
    throw new ConcordError('KEYSTORE_INVALID', path, 'a keystore v3 JSON file with its address');
  }
  for (const entry of artifact.transcript) {
    if (entry.kind === 'Reveal' && entry.payload.contribution.authorities[0]?.signer === address) return entry.member;
  }
  throw new ConcordError('KEYSTORE_INVALID', path, 'the keystore of a signer this artifact enrolled (is --keys the ceremony folder of a member?)');
}

/** Decrypts one enrolled key with its password file. */
async function openKey(folder: string, role: 'authority' | 'node' | 'bridge', index: number): Promise<SignerKeyMaterial> {
  const paths = keyPaths(folder, role, index);
  const keystoreJson = await readText(paths.keystore, 'a keystore v3 JSON file');
  const password = await readPasswordFile(paths.password);
  const { secretKey } = await decryptKeystore(keystoreJson, password, paths.keystore);
  return { keystoreJson, password, secretKey };
}

/** Builds and writes the bundle; returns the folder it made. */
export async function bundle(options: BundleOptions): Promise<string> {
  const out = resolve(options.out);
  const refuseExisting = async (): Promise<void> => {
    if (await pathExists(out)) throw new ConcordError('FILE_EXISTS', out, 'a bundle folder that does not exist yet (Concord never overwrites keys)');
  };
  await refuseExisting();
  const artifactPath = resolve(options.artifact);
  const { artifact, text } = await readVerifiedArtifact(artifactPath);
  const spec = parseSpec(artifact.spec, 'artifact.spec');
  const folder = resolve(options.keys);
  const member = await memberOfKeyFolder(artifact, folder);
  const specMember = spec.members.find((m) => m.identity === member);
  if (specMember === undefined) throw new ConcordError('NOT_A_MEMBER', 'artifact.spec.members', `a member with identity ${member}`);

  const keys: { authority: SignerKeyMaterial[]; node: Uint8Array[]; bridge: Uint8Array[] } = { authority: [], node: [], bridge: [] };
  for (let i = 0; i < specMember.authorityNodes; i++) {
    keys.authority.push(await openKey(folder, 'authority', i));
    keys.node.push((await openKey(folder, 'node', i)).secretKey);
  }
  for (let i = 0; i < specMember.bridgeValidators; i++) keys.bridge.push((await openKey(folder, 'bridge', i)).secretKey);
  const material: MemberKeyMaterial = keys;

  const readers = readerRandomness(readersServedBy(spec, specMember.name).map((reader) => reader.name));
  const built = buildMemberBundle({ artifact, artifactText: text, spec, member, keys: material, includeOracleKeys: options.includeOracleKeys, readerRandomness: readers });

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
  return out;
}
