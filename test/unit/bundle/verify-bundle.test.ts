/**
 * `verifyMemberBundle` (shared/bundle/verify-bundle.ts) on a member bundle as the CLI writes it (files,
 * modes, manifest.json), and on copies tampered one way each: every failure names its check and file.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { parseSpec } from '../../../shared/spec/parse.js';
import type { CeremonySpec } from '../../../shared/spec/schema.js';
import { buildMemberBundle } from '../../../shared/bundle/member.js';
import { buildManifest, fileBytes, MANIFEST_FILE, serializeManifest } from '../../../shared/bundle/manifest.js';
import { verifyMemberBundle, type FolderFile } from '../../../shared/bundle/verify-bundle.js';
import { finalizedCeremony, keyMaterialOf, type FinalizedCeremony } from './fixture.js';
import { makeKey, type TestMember } from '../../helpers/ceremony.js';

const enc = (text: string): Uint8Array => new TextEncoder().encode(text);
const dec = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

describe('verifyMemberBundle', () => {
  let fixture: FinalizedCeremony;
  let spec: CeremonySpec;
  let folder: FolderFile[];

  /** The folder with `edit` applied; with `remanifest`, manifest.json is rewritten to match (so only the deeper checks can fail). */
  const tampered = (edit: (files: FolderFile[]) => FolderFile[], remanifest = false): FolderFile[] => {
    const files = edit(folder.map((file) => ({ ...file })));
    if (!remanifest) return files;
    const rest = files.filter((file) => file.path !== MANIFEST_FILE);
    const manifest = buildManifest(rest.map((file) => ({ path: file.path, content: file.content, secret: false })));
    return [...rest, { path: MANIFEST_FILE, content: enc(serializeManifest(manifest)), mode: 0o644 }];
  };
  const replace = (path: string, content: Uint8Array) => (files: FolderFile[]) => files.map((file) => (file.path === path ? { ...file, content } : file));

  beforeAll(async () => {
    fixture = await finalizedCeremony();
    spec = parseSpec(fixture.artifact.spec);
    const acme = fixture.ceremony.members[0] as TestMember;
    const built = buildMemberBundle({ artifact: fixture.artifact, artifactText: fixture.artifactText, spec, member: acme.identity.address, keys: await keyMaterialOf(acme), includeOracleKeys: true });
    folder = [
      ...built.files.map((file) => ({ path: file.path, content: fileBytes(file), mode: file.secret ? 0o600 : 0o644 })),
      { path: MANIFEST_FILE, content: enc(serializeManifest(built.manifest)), mode: 0o644 },
    ];
  });

  it('accepts the bundle as written', () => {
    expect(verifyMemberBundle(fixture.artifact, spec, folder)).toEqual([]);
  });

  const otherNodeKey = (files: FolderFile[]): FolderFile[] => {
    const config = dec(files.find((file) => file.path === 'node-0/config.toml')?.content ?? new Uint8Array());
    return replace('node-0/config.toml', enc(config.replace(/node_key = "[0-9a-f]{64}"/, `node_key = "${Buffer.from(makeKey().secretKey).toString('hex')}"`)))(files);
  };

  const CASES: [string, () => FolderFile[], string, string][] = [
    ['a file changed after the manifest', () => tampered(replace('README.md', enc('# changed\n'))), 'manifest', 'README.md'],
    ['a file the manifest does not list', () => tampered((files) => [...files, { path: 'extra.txt', content: enc('x'), mode: 0o644 }]), 'manifest', 'extra.txt'],
    ['a listed file missing', () => tampered((files) => files.filter((file) => file.path !== 'docker-compose.yml')), 'manifest', 'docker-compose.yml'],
    ['no manifest', () => tampered((files) => files.filter((file) => file.path !== MANIFEST_FILE)), 'manifest', MANIFEST_FILE],
    ['a manifest that is not JSON', () => tampered(replace(MANIFEST_FILE, enc('{'))), 'manifest', MANIFEST_FILE],
    ['a secret readable by others', () => tampered((files) => files.map((file) => (file.path === 'node-1/signer.password' ? { ...file, mode: 0o644 } : file))), 'secret mode', 'node-1/signer.password'],
    ['an oracle env with its key at 0644', () => tampered((files) => files.map((file) => (file.path === 'oracle/bridge-0.env' ? { ...file, mode: 0o640 } : file))), 'secret mode', 'oracle/bridge-0.env'],
    ['another artifact copy', () => tampered(replace('artifact.json', enc('{}')), true), 'artifact copy', 'artifact.json'],
    ['a public file changed (manifest updated)', () => tampered(replace('public/bridge/deploy.env', enc('BRIDGE_MODE=ERC_TO_ERC\n')), true), 'public files', 'public/bridge/deploy.env'],
    ['an extra file under public/', () => tampered((files) => [...files, { path: 'public/notes.txt', content: enc('x'), mode: 0o644 }], true), 'public files', 'public/notes.txt'],
    ['a node chain spec that is not the agreed one', () => tampered(replace('node-0/chain-spec.json', enc('{}\n')), true), 'node files', 'node-0/chain-spec.json'],
    ['a peer list of all N (with itself)', () => tampered((files) => replace('node-1/reserved-peers', files.find((file) => file.path === 'public/reserved-peers')?.content ?? new Uint8Array())(files), true), 'node files', 'node-1/reserved-peers'],
    ['a node key that is not the enode\'s', () => tampered(otherNodeKey, true), 'node files', 'node-0/config.toml'],
    ['a raw node key that differs from config.toml', () => tampered(replace('node-1/node.key', makeKey().secretKey), true), 'node files', 'node-1/node.key'],
  ];
  for (const [name, make, check, path] of CASES) {
    it(`reports ${name} (${check} at ${path})`, () => {
      const failures = verifyMemberBundle(fixture.artifact, spec, make());
      expect(failures.map((failure) => ({ check: failure.check, path: failure.path }))).toContainEqual({ check, path });
    });
  }

  it('never puts a secret in a failure', () => {
    const failures = verifyMemberBundle(fixture.artifact, spec, tampered(otherNodeKey, true));
    const secrets = folder.filter((file) => /node\.key$|signer\.password$/.test(file.path)).map((file) => (file.path.endsWith('.key') ? Buffer.from(file.content).toString('hex') : dec(file.content)));
    for (const secret of secrets) expect(JSON.stringify(failures)).not.toContain(secret);
  });
});
