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
import type { Participation } from '../../client/ceremony/participate.js';
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
import { createHash } from 'node:crypto';
import { makePermissionedCeremony } from '../unit/permissioning/fixture.js';
import { directives, parseNftFile, parseNginxConf } from '../unit/bundle/conf-parsers.js';
import { parseHtpasswd, sshaMatches } from '../../shared/bundle/htpasswd.js';
import { parseReaderCredential } from '../../shared/bundle/reader-credential.js';
import { READER_PROXY_FILES } from '../../shared/bundle/reader-proxy.js';
import { P2P_FIREWALL_FILE } from '../../shared/bundle/p2p-firewall.js';
import { joinAs } from '../helpers/participants.js';

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
        return joinAs({ wsUrl: coordinator.wsUrl, ceremony, member, folder: memberFolder(member.name), endpoints });
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

/**
 * Read access (issue 9, item 4) from a real permissioned ceremony: the same five authority nodes, a spec
 * with a `permissions` section (an IPv4 and a DNS-named listed peer; readers served by Acme and Crane),
 * endpoints on distinct hosts (Delta's a DNS name), and `concord bundle` run by each member with its
 * client's CSPRNG. Checks the node configs' peers and RPC, the proxy, the credentials, the firewall,
 * file modes on disk, and that verify --bundle accepts every bundle.
 */
describe('deployment bundles of a permissioned 5-node ceremony', () => {
  const PEERS = [
    { name: 'Archive', enode: `enode://${makeKey().publicKey.slice(2)}@10.78.0.1:30303`, operator: 'Acme' },
    { name: 'Regulator node', enode: `enode://${makeKey().publicKey.slice(2)}@regulator.consortium.example:30303` },
  ];
  const READERS = [
    { name: 'Audit Partners', servedBy: 'Acme' },
    { name: 'Statistics Office', servedBy: 'Acme' },
    { name: 'Bank of X', servedBy: 'Crane' },
  ];
  const USERS: Record<string, string[]> = { Acme: ['audit-partners', 'statistics-office'], Bolt: [], Crane: ['bank-of-x'], Delta: [] };
  const ENDPOINTS: Record<string, string[]> = {
    Acme: ['10.77.0.1:30303', '10.77.0.2:30303'],
    Bolt: ['10.77.1.1:30303'],
    Crane: ['10.77.2.1:30304'],
    Delta: ['delta-node.consortium.example:30303'],
  };
  let ceremony: TestCeremony;
  let folder: string;
  let artifact: GenesisArtifact;
  let artifactPath: string;
  const bundles = new Map<string, string>();
  const contents = new Map<string, Found>();
  const text = (name: string, path: string): string => {
    const file = contents.get(name)?.find((f) => f.path === path);
    if (file === undefined) throw new Error(`${name} has no ${path}`);
    return new TextDecoder().decode(file.content);
  };
  const nodeFolders = (name: string): string[] => [...new Set((contents.get(name) ?? []).map((f) => /^(node-\d+)\//.exec(f.path)?.[1]).filter((x): x is string => x !== undefined))];
  const ownIndex = (name: string, node: string): number => artifact.validators.indexOf((parseToml(text(name, `${node}/config.toml`)) as { mining: { engine_signer: string } }).mining.engine_signer);
  const passwordOf = (name: string, user: string): string => parseReaderCredential(text(name, `readers/${user}.json`), user).password;

  beforeAll(async () => {
    ({ ceremony } = await makePermissionedCeremony({
      layout: LAYOUT,
      permissions: (outsiders) => ({
        read: { peers: PEERS, readers: READERS },
        transact: ['consortium', outsiders.caller.address],
        create: [outsiders.deployer.address],
        unlisted: 'none',
        deployers: [{ address: outsiders.deployer.address, deploys: 'bridge' }],
      }),
    }));
    folder = await tempFolder('bundle-permissioned');
    const coordinator = await startCoordinator({ spec: ceremony.spec, dbPath: join(folder, 'coordinator.sqlite'), host: '127.0.0.1', port: 0, coordinatorKey: ceremony.coordinator.secretKey, log: () => undefined });
    const results = await Promise.all(
      ceremony.members.map((member) =>
        joinAs({ wsUrl: coordinator.wsUrl, ceremony, member, folder: join(folder, member.name), endpoints: ENDPOINTS[member.name] ?? [] }),
      ),
    );
    await coordinator.close();
    artifact = results[0]?.artifact as GenesisArtifact;
    artifactPath = results[0]?.artifactPath as string;
    for (const member of ceremony.members) {
      const out = join(folder, 'bundles', member.name);
      await bundle({ artifact: artifactPath, keys: join(folder, member.name), out, includeOracleKeys: false });
      bundles.set(member.name, out);
      contents.set(member.name, await readFolderFiles(out));
    }
  });

  it('admits as peers exactly the other authority nodes and the listed peers, reserved_only in OpenEthereum and only-static in Nethermind', () => {
    let nodes = 0;
    for (const member of ceremony.members) {
      for (const node of nodeFolders(member.name)) {
        nodes++;
        const own = ownIndex(member.name, node);
        const expected = [...artifact.enodes.filter((_, j) => j !== own), ...PEERS.map((peer) => peer.enode)];
        expect(text(member.name, `${node}/reserved-peers`).trimEnd().split('\n')).toEqual(expected);
        expect(JSON.parse(text(member.name, `${node}/static-nodes.json`))).toEqual(expected);
        const oe = parseToml(text(member.name, `${node}/config.toml`)) as { network: Record<string, unknown> };
        expect(oe.network).toMatchObject({ reserved_only: true, discovery: false });
        const nm = JSON.parse(text(member.name, `${node}/nethermind.json`)) as { Init: Record<string, unknown>; Network: Record<string, unknown> };
        expect(nm.Network).toMatchObject({ OnlyStaticPeers: true, StaticPeers: expected.join(',') });
        expect(nm.Init.DiscoveryEnabled).toBe(false);
      }
    }
    expect(nodes).toBe(N);
  });

  it('serves RPC on 127.0.0.1 with exactly eth, net and web3 in every node config', () => {
    for (const member of ceremony.members) {
      for (const node of nodeFolders(member.name)) {
        const oe = parseToml(text(member.name, `${node}/config.toml`)) as Record<string, { interface: string; apis: string[] }>;
        for (const section of ['rpc', 'websockets']) expect({ interface: oe[section]?.interface, apis: [...(oe[section]?.apis ?? [])].sort() }).toEqual({ interface: '127.0.0.1', apis: ['eth', 'net', 'web3'] });
        const nm = JSON.parse(text(member.name, `${node}/nethermind.json`)) as { JsonRpc: { Host: string; EnabledModules: string[]; CallsFilterFilePath: string } };
        expect(nm.JsonRpc).toMatchObject({ Host: '127.0.0.1', EnabledModules: ['Eth', 'Net', 'Web3'], CallsFilterFilePath: '/concord/jsonrpc.filter' });
      }
    }
  });

  it('gives Acme and Crane a proxy whose config parses and fronts node-0, and whose htpasswd opens with each reader\'s password', () => {
    for (const member of ceremony.members) {
      const users = USERS[member.name] ?? [];
      const files = (contents.get(member.name) ?? []).map((f) => f.path);
      expect(files.filter((path) => path.startsWith('readers/')).sort(), member.name).toEqual(users.map((user) => `readers/${user}.json`).sort());
      if (users.length === 0) {
        expect(files).not.toContain(READER_PROXY_FILES.htpasswd);
        continue;
      }
      const rpcPort = (parseToml(text(member.name, 'node-0/config.toml')) as { rpc: { port: number } }).rpc.port;
      const http = directives(parseNginxConf(text(member.name, READER_PROXY_FILES.template)), 'http')[0]?.block ?? [];
      const server = directives(http, 'server')[0]?.block ?? [];
      expect(directives(server, 'auth_basic_user_file')[0]?.args).toEqual(['/etc/nginx/concord/htpasswd']);
      const root = directives(server, 'location').find((location) => location.args.join(' ') === '= /')?.block ?? [];
      expect(directives(root, 'proxy_pass')[0]?.args).toEqual([`http://127.0.0.1:${rpcPort}`]);
      const entries = parseHtpasswd(text(member.name, READER_PROXY_FILES.htpasswd), 'htpasswd');
      expect(entries.map((entry) => entry.user)).toEqual(users);
      for (const entry of entries) {
        const password = passwordOf(member.name, entry.user);
        expect(sshaMatches(password, entry.hash)).toBe(true);
        // As nginx's ngx_crypt_ssha recomputes it, with node:crypto.
        const decoded = Buffer.from(entry.hash.slice('{SSHA}'.length), 'base64');
        const digest = createHash('sha1').update(Buffer.concat([Buffer.from(password), decoded.subarray(20)])).digest();
        expect(digest.equals(decoded.subarray(0, 20))).toBe(true);
      }
      const compose = parseYaml(text(member.name, 'docker-compose.yml')) as { services: Record<string, unknown> };
      expect(Object.keys(compose.services)).toEqual([...nodeFolders(member.name), 'reader-proxy']);
    }
  });

  it('puts each reader\'s password only in the bundle of the member that serves it, never in a public or non-secret file or the coordinator database', async () => {
    const passwords = Object.entries(USERS).flatMap(([name, users]) => users.map((user) => ({ name, user, password: passwordOf(name, user) })));
    expect(passwords).toHaveLength(3);
    const database = await Promise.all((await readdir(folder)).filter((name) => name.startsWith('coordinator.sqlite')).map(async (name) => (await readFile(join(folder, name))).toString('latin1')));
    for (const { name, user, password } of passwords) {
      for (const member of ceremony.members) {
        for (const f of contents.get(member.name) ?? []) {
          const holds = Buffer.from(f.content).toString('latin1').includes(password);
          expect(holds, `${name}'s reader password in ${member.name}/${f.path}`).toBe(member.name === name && f.path === `readers/${user}.json`);
        }
      }
      for (const haystack of database) expect(haystack.includes(password)).toBe(false);
    }
  });

  it('lists in each firewall exactly the other authority hosts and the listed peers\' IPv4 hosts, the DNS names only as comments', () => {
    for (const member of ceremony.members) {
      const table = parseNftFile(text(member.name, P2P_FIREWALL_FILE)).tables[0];
      const ports = [...new Set((ENDPOINTS[member.name] ?? []).map((endpoint) => Number(endpoint.split(':')[1])))];
      expect(table?.sets.map((set) => set.name)).toEqual(ports.map((port) => `peers_${port}`));
      for (const port of ports) {
        const hosts = new Set<string>();
        for (const node of nodeFolders(member.name)) {
          if (Number(artifact.enodes[ownIndex(member.name, node)]?.split(':').at(-1)) !== port) continue;
          artifact.enodes.forEach((enode, j) => j !== ownIndex(member.name, node) && hosts.add(enode.slice(enode.indexOf('@') + 1, enode.lastIndexOf(':'))));
        }
        for (const peer of PEERS) hosts.add(peer.enode.slice(peer.enode.indexOf('@') + 1, peer.enode.lastIndexOf(':')));
        const set = table?.sets.find((s) => s.name === `peers_${port}`);
        const ipv4 = [...hosts].filter((host) => /^\d+\.\d+\.\d+\.\d+$/.test(host));
        expect([...(set?.elements ?? [])].sort(), `${member.name} port ${port}`).toEqual(ipv4.sort());
        for (const host of [...hosts].filter((h) => !ipv4.includes(h))) expect(set?.comments.some((comment) => comment.startsWith(`${host}: `))).toBe(true);
        expect(table?.chains[0]?.rules).toEqual([`tcp dport ${port} ip saddr @peers_${port} accept`, `tcp dport ${port} drop`, `udp dport ${port} ip saddr @peers_${port} accept`, `udp dport ${port} drop`]);
      }
    }
    // Delta's node is named by DNS: nobody's firewall admits it by address, everyone's names it.
    expect(text('Acme', P2P_FIREWALL_FILE)).toContain('# delta-node.consortium.example: authority node');
  });

  it('writes the credentials 0600 and the htpasswd 0644 on disk, and verify --bundle accepts every bundle', async () => {
    const spec = parseSpec(artifact.spec);
    for (const member of ceremony.members) {
      for (const f of contents.get(member.name) ?? []) {
        if (f.path.startsWith('readers/')) expect(f.mode.toString(8), `${member.name}/${f.path}`).toBe('600');
        if (f.path === READER_PROXY_FILES.htpasswd) expect(f.mode.toString(8)).toBe('644');
        if (isSecretBundleFile(f.path, f.content)) expect(f.mode.toString(8)).toBe('600');
      }
      expect(verifyMemberBundle(artifact, spec, contents.get(member.name) ?? [])).toEqual([]);
      expect(await verify(artifactPath, { bundle: bundles.get(member.name) }, makeOutput(false))).toBe(0);
    }
  });

  it('shows the read policy in the public README and the handing-out of credentials in Acme\'s', () => {
    expect(text('Bolt', 'public/README.md')).toContain('| Statistics Office | Acme |');
    expect(text('Acme', 'README.md')).toContain('| Statistics Office | statistics-office | `readers/statistics-office.json` |');
    expect(text('Acme', 'README.md')).toContain('Nethermind accepts inbound peers it does not know.');
  });
});
