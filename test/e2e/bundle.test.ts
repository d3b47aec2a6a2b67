/**
 * Deployment bundles from a real ceremony: the coordinator (express + ws + SQLite) and four member
 * sessions over 127.0.0.1 enroll five authority nodes (Acme runs two) and three bridge validators; each
 * member then runs `concord bundle` on its own folder. Checks the properties of issue 4 on the files as
 * written: keystores open with their password files to validators, one node folder per validator, peer
 * lists of the other N-1 enodes matching each node's key, compose files and env files that parse, ports
 * that do not clash, manifests that match, secrets at 0600 and nowhere else; and every bad input refused
 * with nothing left behind.
 */
import { chmod, cp, readFile, readdir, rm, stat, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { Wallet, SigningKey } from 'ethers';
import { parse as parseToml } from 'smol-toml';
import { parse as parseYaml } from 'yaml';
import { startCoordinator } from '../../server/coordinator.js';
import { participate, type Participation } from '../../client/ceremony/participate.js';
import { LIGHT_SCRYPT } from '../../client/keys/kdf.js';
import { bundle } from '../../client/commands/bundle.js';
import { verify } from '../../client/commands/verify.js';
import { makeOutput } from '../../client/cli/output.js';
import { readFolderFiles } from '../../client/io/files.js';
import { parseEnvFile } from '../../shared/bundle/env-file.js';
import { PORT_LABELS } from '../../shared/bundle/docker-compose.js';
import { isSecretBundleFile } from '../../shared/bundle/member.js';
import { verifyMemberBundle } from '../../shared/bundle/verify-bundle.js';
import { parseSpec } from '../../shared/spec/parse.js';
import type { GenesisArtifact } from '../../shared/artifact/schema.js';
import { makeCeremony, makeKey, type TestCeremony } from '../helpers/ceremony.js';
import { encryptKeystore } from '../../shared/keys/keystore.js';
import { tempFolder } from '../helpers/temp.js';
import { rejection } from '../helpers/errors.js';
import { startScript } from '../helpers/processes.js';

const LAYOUT = [
  { name: 'Acme', authorityNodes: 2, bridgeValidators: 1 },
  { name: 'Bolt', authorityNodes: 1, bridgeValidators: 1 },
  { name: 'Crane', authorityNodes: 1, bridgeValidators: 1 },
  { name: 'Delta', authorityNodes: 1, bridgeValidators: 0 },
];
const N = 5;

type Found = Awaited<ReturnType<typeof readFolderFiles>>;

describe('deployment bundles of a 5-node ceremony', () => {
  let ceremony: TestCeremony;
  let folder: string;
  let results: Participation[];
  let artifact: GenesisArtifact;
  let artifactPath: string;
  const bundles = new Map<string, string>();
  const contents = new Map<string, Found>();
  const memberFolder = (name: string): string => join(folder, name);
  const text = (name: string, path: string): string => {
    const file = contents.get(name)?.find((f) => f.path === path);
    if (file === undefined) throw new Error(`${name} has no ${path}`);
    return new TextDecoder().decode(file.content);
  };
  const nodeFolders = (name: string): string[] => [...new Set((contents.get(name) ?? []).map((f) => /^(node-\d+)\//.exec(f.path)?.[1]).filter((x): x is string => x !== undefined))];

  beforeAll(async () => {
    ceremony = makeCeremony({ layout: LAYOUT, ceremonyId: 'e2e-bundle', requiredSignatures: 2 });
    folder = await tempFolder('bundle');
    const coordinator = await startCoordinator({
      spec: ceremony.spec,
      dbPath: join(folder, 'coordinator.sqlite'),
      host: '127.0.0.1',
      port: 0,
      coordinatorKey: ceremony.coordinator.secretKey,
      log: () => undefined,
    });
    let port = 31000;
    results = await Promise.all(
      ceremony.members.map((member) => {
        const endpoints = Array.from({ length: member.spec.authorityNodes }, () => `127.0.0.1:${port++}`);
        return participate({
          wsUrl: coordinator.wsUrl,
          ceremonyId: ceremony.spec.ceremonyId,
          identity: { address: member.identity.address, secretKey: member.identity.secretKey },
          folder: memberFolder(member.name),
          endpoints,
          expectedSpecHash: ceremony.specHash,
          confirm: async () => true,
          scrypt: LIGHT_SCRYPT,
          report: () => undefined,
        });
      }),
    );
    await coordinator.close();
    artifact = results[0]?.artifact as GenesisArtifact;
    artifactPath = results[0]?.artifactPath as string;
    for (const member of ceremony.members) {
      const out = join(folder, 'bundles', member.name);
      expect(await bundle({ artifact: artifactPath, keys: memberFolder(member.name), out, includeOracleKeys: member.name === 'Crane' })).toBe(out);
      bundles.set(member.name, out);
      contents.set(member.name, await readFolderFiles(out));
    }
  });

  it('gives every validator exactly one node folder across all bundles', () => {
    const signers = ceremony.members.flatMap((member) => nodeFolders(member.name).map((node) => (parseToml(text(member.name, `${node}/config.toml`)) as { mining: { engine_signer: string } }).mining.engine_signer));
    expect(signers).toHaveLength(N);
    expect([...signers].sort()).toEqual([...artifact.validators].sort());
    expect(nodeFolders('Acme')).toEqual(['node-0', 'node-1']);
  });

  it('puts in every node folder a keystore that its password file opens, to a validator', async () => {
    const opened: string[] = [];
    for (const member of ceremony.members) {
      for (const node of nodeFolders(member.name)) {
        const keystores = (contents.get(member.name) ?? []).filter((f) => f.path.startsWith(`${node}/keystore/`));
        expect(keystores).toHaveLength(1);
        const wallet = await Wallet.fromEncryptedJson(new TextDecoder().decode(keystores[0]?.content), text(member.name, `${node}/signer.password`));
        expect(artifact.validators).toContain(wallet.address);
        expect(keystores[0]?.path).toBe(`${node}/keystore/${(artifact.chainSpec as { name: string }).name}/${wallet.address.slice(2).toLowerCase()}.json`);
        opened.push(wallet.address);
      }
    }
    expect(new Set(opened).size).toBe(N);
  });

  it('gives every node the other N-1 enodes, and its node key is the one in its own enode', () => {
    for (const member of ceremony.members) {
      for (const node of nodeFolders(member.name)) {
        const config = parseToml(text(member.name, `${node}/config.toml`)) as { mining: { engine_signer: string }; network: { node_key: string } };
        const own = artifact.enodes[artifact.validators.indexOf(config.mining.engine_signer)] as string;
        const publicKey = SigningKey.computePublicKey(`0x${config.network.node_key}`, false).slice(4);
        expect(own.startsWith(`enode://${publicKey}@127.0.0.1:`)).toBe(true);
        const raw = contents.get(member.name)?.find((f) => f.path === `${node}/node.key`)?.content as Uint8Array;
        expect(raw).toHaveLength(32);
        expect(Buffer.from(raw).toString('hex')).toBe(config.network.node_key);
        const others = artifact.enodes.filter((enode) => enode !== own);
        expect(others).toHaveLength(N - 1);
        expect(text(member.name, `${node}/reserved-peers`).trimEnd().split('\n')).toEqual(others);
        expect(JSON.parse(text(member.name, `${node}/static-nodes.json`))).toEqual(others);
        const nethermind = JSON.parse(text(member.name, `${node}/nethermind.json`)) as { Network: { StaticPeers: string } };
        expect(nethermind.Network.StaticPeers.split(',')).toEqual(others);
      }
    }
  });

  it('writes compose files that parse, start every node of the member, and share no host port', () => {
    for (const member of ceremony.members) {
      for (const file of ['docker-compose.yml', 'docker-compose.nethermind.yml']) {
        const compose = parseYaml(text(member.name, file)) as { services: Record<string, { image: string; labels: Record<string, string> }> };
        expect(Object.keys(compose.services)).toEqual(nodeFolders(member.name));
        const ports = Object.values(compose.services).flatMap((service) => Object.values(PORT_LABELS).map((label) => service.labels[label]));
        expect(ports.every((port) => Number(port) > 0)).toBe(true);
        expect(new Set(ports).size, `${member.name} ${file}`).toBe(ports.length);
      }
    }
  });

  it('writes env files that parse and list the agreed bridge validators in the agreed order', () => {
    const agreed = artifact.bridge;
    expect(agreed?.validators).toHaveLength(3);
    for (const member of ceremony.members) {
      const deploy = parseEnvFile(text(member.name, 'public/bridge/deploy.env'), 'deploy.env');
      expect(deploy.get('VALIDATORS')?.split(' ')).toEqual(agreed?.validators);
      expect(deploy.get('REQUIRED_NUMBER_OF_VALIDATORS')).toBe('2');
      const oracles = (contents.get(member.name) ?? []).filter((f) => f.path.startsWith('oracle/'));
      expect(oracles).toHaveLength(member.spec.bridgeValidators);
      for (const oracle of oracles) {
        const env = parseEnvFile(new TextDecoder().decode(oracle.content), oracle.path);
        expect(agreed?.validators).toContain(env.get('ORACLE_VALIDATOR_ADDRESS'));
        expect(env.has('ORACLE_VALIDATOR_ADDRESS_PRIVATE_KEY')).toBe(member.name === 'Crane');
        expect(oracle.mode).toBe(member.name === 'Crane' ? 0o600 : 0o644);
      }
    }
  });

  it('writes manifests that match the files, and verify accepts every bundle', async () => {
    const spec = parseSpec(artifact.spec);
    for (const member of ceremony.members) {
      expect(verifyMemberBundle(artifact, spec, contents.get(member.name) ?? [])).toEqual([]);
      expect(await verify(artifactPath, { bundle: bundles.get(member.name) }, makeOutput(false))).toBe(0);
    }
  });

  it('gives every member the same public bundle, the files the artifact approved', () => {
    const publicFiles = (name: string) => (contents.get(name) ?? []).filter((f) => f.path.startsWith('public/')).map((f) => [f.path, Buffer.from(f.content).toString('hex')]);
    for (const member of ceremony.members) expect(publicFiles(member.name)).toEqual(publicFiles('Acme'));
    for (const entry of artifact.publicManifest.files) expect(publicFiles('Acme').map(([path]) => path)).toContain(`public/${entry.path}`);
  });

  it('keeps every secret at mode 0600, and the folders private', async () => {
    for (const member of ceremony.members) {
      for (const file of contents.get(member.name) ?? []) {
        if (isSecretBundleFile(file.path, file.content)) expect(file.mode.toString(8), `${member.name}/${file.path}`).toBe('600');
      }
      expect(((await stat(bundles.get(member.name) as string)).mode & 0o777).toString(8)).toBe('700');
    }
  });

  it('puts no private key and no password in the public bundle, the coordinator database or any non-secret bundle file', async () => {
    const secrets: string[] = [];
    for (const member of ceremony.members) {
      const keys = join(memberFolder(member.name), 'keys');
      for (const name of await readdir(keys)) {
        const content = await readFile(join(keys, name), 'utf8');
        if (name.endsWith('.password')) secrets.push(content);
        else secrets.push((await Wallet.fromEncryptedJson(content, await readFile(join(keys, name.replace(/\.json$/, '.password')), 'utf8'))).privateKey.slice(2));
      }
    }
    expect(secrets).toHaveLength(2 * (2 * N + 3));
    const database = (await readdir(folder)).filter((name) => name.startsWith('coordinator.sqlite'));
    expect(database.length).toBeGreaterThan(0);
    const haystacks = [
      ...(await Promise.all(database.map(async (name) => (await readFile(join(folder, name))).toString('latin1')))),
      ...ceremony.members.flatMap((member) =>
        (contents.get(member.name) ?? []).filter((f) => !isSecretBundleFile(f.path, f.content)).map((f) => Buffer.from(f.content).toString('latin1')),
      ),
    ];
    for (const secret of secrets) {
      for (const haystack of haystacks) expect(haystack.toLowerCase().includes(secret.toLowerCase())).toBe(false);
    }
  });

  describe('bad input: refused, nothing written half-way', () => {
    /** The entries of the bundles folder: a refused run leaves no temporary sibling. */
    const siblings = async (): Promise<string[]> => (await readdir(join(folder, 'bundles'))).sort();

    it('refuses an existing bundle folder and leaves it as it was', async () => {
      const out = join(folder, 'bundles', 'existing');
      await mkdir(out);
      await writeFile(join(out, 'keep.txt'), 'mine');
      const before = await siblings();
      const error = await rejection(bundle({ artifact: artifactPath, keys: memberFolder('Bolt'), out, includeOracleKeys: false }));
      expect({ code: error.code, path: error.path }).toEqual({ code: 'FILE_EXISTS', path: out });
      expect(await readdir(out)).toEqual(['keep.txt']);
      expect(await readFile(join(out, 'keep.txt'), 'utf8')).toBe('mine');
      expect(await siblings()).toEqual(before);
    });

    it('refuses the existing bundle of a member (never overwrites keys)', async () => {
      const out = bundles.get('Acme') as string;
      const error = await rejection(bundle({ artifact: artifactPath, keys: memberFolder('Acme'), out, includeOracleKeys: false }));
      expect(error.code).toBe('FILE_EXISTS');
      expect(await readFolderFiles(out)).toEqual(contents.get('Acme'));
    });

    const withKeysCopy = async (edit: (keys: string) => Promise<void>): Promise<string> => {
      const copy = join(folder, `keys-copy-${Math.random().toString(36).slice(2)}`);
      await cp(memberFolder('Acme'), copy, { recursive: true });
      await edit(join(copy, 'keys'));
      return copy;
    };

    it('refuses a wrong keystore password, naming the keystore, and writes nothing', async () => {
      const keys = await withKeysCopy(async (dir) => writeFile(join(dir, 'node-1.password'), 'not-the-password'));
      const before = await siblings();
      const out = join(folder, 'bundles', 'wrong-password');
      const error = await rejection(bundle({ artifact: artifactPath, keys, out, includeOracleKeys: false }));
      expect({ code: error.code, path: error.path }).toEqual({ code: 'PASSWORD_WRONG', path: join(keys, 'keys', 'node-1.json') });
      expect(error.message).not.toContain('not-the-password');
      expect(await siblings()).toEqual(before);
    });

    it('refuses a missing password file, naming it, and writes nothing', async () => {
      const keys = await withKeysCopy(async (dir) => rm(join(dir, 'bridge-0.password')));
      const before = await siblings();
      const error = await rejection(bundle({ artifact: artifactPath, keys, out: join(folder, 'bundles', 'missing-password'), includeOracleKeys: false }));
      expect({ code: error.code, path: error.path }).toEqual({ code: 'FILE_INVALID', path: join(keys, 'keys', 'bridge-0.password') });
      expect(await siblings()).toEqual(before);
    });

    it('refuses a key folder that mixes two members\' keys, or holds a signer nobody enrolled', async () => {
      // Bolt's signer (with its password) among Acme's other keys: the folder reads as Bolt's, whose node key it lacks.
      const keys = await withKeysCopy(async (dir) => {
        for (const name of ['authority-0.json', 'authority-0.password']) await cp(join(memberFolder('Bolt'), 'keys', name), join(dir, name));
      });
      const mixed = await rejection(bundle({ artifact: artifactPath, keys, out: join(folder, 'bundles', 'mixed-keys'), includeOracleKeys: false }));
      expect({ code: mixed.code, path: mixed.path }).toEqual({ code: 'KEYSTORE_INVALID', path: 'keys/node-0.json' });
      const stranger = join(folder, 'stranger');
      await mkdir(join(stranger, 'keys'), { recursive: true });
      await writeFile(join(stranger, 'keys', 'authority-0.json'), await encryptKeystore(makeKey().secretKey, 'pw', { salt: randomBytes(32), iv: randomBytes(16), uuid: randomBytes(16) }, LIGHT_SCRYPT));
      const refused = await rejection(bundle({ artifact: artifactPath, keys: stranger, out: join(folder, 'bundles', 'stranger'), includeOracleKeys: false }));
      expect({ code: refused.code, path: refused.path }).toEqual({ code: 'KEYSTORE_INVALID', path: join(stranger, 'keys', 'authority-0.json') });
      expect(await readdir(join(folder, 'bundles'))).not.toContain('mixed-keys');
    });

    const tamperedArtifact = async (name: string, edit: (a: Record<string, any>) => void): Promise<string> => {
      const copy = JSON.parse(await readFile(artifactPath, 'utf8')) as Record<string, any>;
      edit(copy);
      const path = join(folder, `${name}.json`);
      await writeFile(path, JSON.stringify(copy));
      return path;
    };
    const reveals = (a: Record<string, any>): Record<string, any>[] => (a.transcript as Record<string, any>[]).filter((entry) => entry.kind === 'Reveal');

    it('refuses an artifact whose reveal carries an endpoint that is not host:port, before reading any key', async () => {
      const path = await tamperedArtifact('bad-endpoint', (a) => {
        reveals(a)[0]!.payload.contribution.authorities[0].endpoint = 'not-an-endpoint';
      });
      const before = await siblings();
      const error = await rejection(bundle({ artifact: path, keys: join(folder, 'nowhere'), out: join(folder, 'bundles', 'bad-endpoint'), includeOracleKeys: false }));
      expect({ code: error.code, path: error.path }).toEqual({ code: 'ARTIFACT_INVALID', path });
      expect(await siblings()).toEqual(before);
    });

    it('refuses an artifact in which two nodes share one host:port', async () => {
      const path = await tamperedArtifact('same-endpoint', (a) => {
        const [first, second] = reveals(a);
        second!.payload.contribution.authorities[0].endpoint = first!.payload.contribution.authorities[0].endpoint;
      });
      const error = await rejection(bundle({ artifact: path, keys: memberFolder('Bolt'), out: join(folder, 'bundles', 'same-endpoint'), includeOracleKeys: false }));
      expect({ code: error.code, path: error.path }).toEqual({ code: 'ARTIFACT_INVALID', path });
    });
  });

  it('runs as the concord CLI: bundle prints the folder last, verify --bundle passes, then fails on a loosened secret', async () => {
    const out = join(folder, 'bundles', 'cli-delta');
    const made = startScript('client/bin.ts', ['bundle', '--artifact', artifactPath, '--keys', memberFolder('Delta'), '--out', out]);
    expect(await made.exited).toBe(0);
    expect(made.lines.at(-1)).toBe(out);
    const checked = startScript('client/bin.ts', ['verify', artifactPath, '--bundle', out]);
    expect(await checked.exited).toBe(0);
    await chmod(join(out, 'node-0', 'signer.password'), 0o644);
    const loosened = startScript('client/bin.ts', ['verify', artifactPath, '--bundle', out]);
    expect(await loosened.exited).toBe(1);
    expect(loosened.lines.join('\n')).toContain('secret mode: at node-0/signer.password, expected mode 0600');
    const again = startScript('client/bin.ts', ['bundle', '--artifact', artifactPath, '--keys', memberFolder('Delta'), '--out', out]);
    expect(await again.exited, again.lines.join("\n")).toBe(2);
    expect(again.lines.join('\n')).toContain(`FILE_EXISTS at ${out}`);
  });
});
