/**
 * A member's bundle (shared/bundle/member.ts), built in memory from a finalized ceremony and the
 * member's keys: the layout, what is secret, that keys land where each client reads them, and every
 * refusal for keys that are not the ones the member enrolled.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { parse as parseToml } from 'smol-toml';
import { parse as parseYaml } from 'yaml';
import { Wallet } from 'ethers';
import { parseSpec } from '../../../shared/spec/parse.js';
import type { CeremonySpec } from '../../../shared/spec/schema.js';
import { buildMemberBundle, isSecretBundleFile, type MemberBundle, type MemberKeyMaterial } from '../../../shared/bundle/member.js';
import { buildManifest, fileBytes, type AnyBundleFile } from '../../../shared/bundle/manifest.js';
import { parseEnvFile } from '../../../shared/bundle/env-file.js';
import { PORT_LABELS } from '../../../shared/bundle/docker-compose.js';
import { BUNDLE_LAYOUT, finalizedCeremony, keyMaterialOf, sealedCeremony, type FinalizedCeremony } from './fixture.js';
import { nethermindFilterAllows, READ_METHODS, SIGNING_METHODS } from './conf-parsers.js';
import { makeCeremony, makeKey, type TestMember } from '../../helpers/ceremony.js';
import { expectThrows } from '../../helpers/errors.js';

describe('buildMemberBundle', () => {
  let fixture: FinalizedCeremony;
  let spec: CeremonySpec;
  let acme: TestMember;
  let acmeKeys: MemberKeyMaterial;
  let files: AnyBundleFile[];
  const get = (path: string): AnyBundleFile => {
    const file = files.find((f) => f.path === path);
    if (file === undefined) throw new Error(`no ${path}`);
    return file;
  };
  const textOf = (path: string): string => new TextDecoder().decode(fileBytes(get(path)));
  const build = (overrides: Partial<Parameters<typeof buildMemberBundle>[0]> = {}) =>
    buildMemberBundle({ artifact: fixture.artifact, artifactText: fixture.artifactText, spec, member: acme.identity.address, keys: acmeKeys, includeOracleKeys: false, ...overrides });

  beforeAll(async () => {
    fixture = await finalizedCeremony();
    spec = parseSpec(fixture.artifact.spec);
    acme = fixture.ceremony.members[0] as TestMember;
    acmeKeys = await keyMaterialOf(acme);
    files = build().files;
  });

  it('lays out the artifact, the public bundle, one folder per node, compose files, oracle envs and a README', () => {
    const chain = (fixture.artifact.chainSpec as { name: string }).name;
    const node = (i: number) => {
      const signer = acme.authorities[i]?.signer.address.slice(2).toLowerCase();
      return [
        `node-${i}/chain-spec.json`, `node-${i}/reserved-peers`, `node-${i}/static-nodes.json`, `node-${i}/config.toml`, `node-${i}/nethermind.json`,
        `node-${i}/jsonrpc.filter`, `node-${i}/node.key`, `node-${i}/signer.password`, `node-${i}/keystore/${chain}/${signer}.json`,
      ];
    };
    expect(files.map((f) => f.path).sort()).toEqual(
      [
        'artifact.json', 'README.md', 'docker-compose.yml', 'docker-compose.nethermind.yml', 'oracle/bridge-0.env',
        'public/chain-spec.json', 'public/reserved-peers', 'public/static-nodes.json', 'public/bridge/deploy.env', 'public/README.md',
        ...node(0), ...node(1),
      ].sort(),
    );
    expect(textOf('artifact.json')).toBe(fixture.artifactText);
  });

  it('marks exactly the keystores, passwords, node keys and config.toml secret', () => {
    const secret = files.filter((f) => f.secret).map((f) => f.path.replace(/keystore\/.*$/, 'keystore/…'));
    expect(secret.sort()).toEqual(['node-0/config.toml', 'node-0/keystore/…', 'node-0/node.key', 'node-0/signer.password', 'node-1/config.toml', 'node-1/keystore/…', 'node-1/node.key', 'node-1/signer.password']);
    for (const file of files) expect(file.secret, file.path).toBe(isSecretBundleFile(file.path, fileBytes(file)));
  });

  it('puts each signer keystore and password where both clients read them, and they open to the signer', async () => {
    for (const [i, node] of acme.authorities.entries()) {
      const keystore = files.find((f) => f.path.startsWith(`node-${i}/keystore/`));
      const wallet = await Wallet.fromEncryptedJson(new TextDecoder().decode(fileBytes(keystore as AnyBundleFile)), textOf(`node-${i}/signer.password`));
      expect(wallet.address).toBe(node.signer.address);
      const config = parseToml(textOf(`node-${i}/config.toml`)) as { mining: { engine_signer: string }; network: { node_key: string } };
      expect(config.mining.engine_signer).toBe(node.signer.address);
      const nethermind = JSON.parse(textOf(`node-${i}/nethermind.json`)) as { KeyStore: { KeyStoreDirectory: string; BlockAuthorAccount: string } };
      expect(nethermind.KeyStore.BlockAuthorAccount).toBe(node.signer.address);
      expect(`node-${i}${nethermind.KeyStore.KeyStoreDirectory.replace('/concord', '')}/${node.signer.address.slice(2).toLowerCase()}.json`).toBe(keystore?.path);
    }
  });

  it('writes the node key raw (32 bytes) for Nethermind and as hex in config.toml for OpenEthereum', () => {
    for (const [i, node] of acme.authorities.entries()) {
      const raw = fileBytes(get(`node-${i}/node.key`));
      expect(raw).toEqual(Uint8Array.from(node.node.secretKey));
      const config = parseToml(textOf(`node-${i}/config.toml`)) as { network: { node_key: string } };
      expect(config.network.node_key).toBe(Buffer.from(node.node.secretKey).toString('hex'));
    }
  });

  it('gives each node the other N-1 enodes and the public chain spec', () => {
    for (const [i, node] of acme.authorities.entries()) {
      const own = fixture.artifact.enodes[fixture.artifact.validators.indexOf(node.signer.address)] as string;
      const others = fixture.artifact.enodes.filter((enode) => enode !== own);
      expect(textOf(`node-${i}/reserved-peers`).trimEnd().split('\n')).toEqual(others);
      expect(JSON.parse(textOf(`node-${i}/static-nodes.json`))).toEqual(others);
      expect((JSON.parse(textOf(`node-${i}/nethermind.json`)) as { Network: { StaticPeers: string } }).Network.StaticPeers.split(',')).toEqual(others);
      expect(textOf(`node-${i}/chain-spec.json`)).toBe(textOf('public/chain-spec.json'));
    }
  });

  it('starts both nodes in each compose file, on ports that do not clash on any one host and match the configs', () => {
    // The helper's endpoints put Acme's two nodes on two hosts (10.0.0.1, 10.0.0.2), both at p2p port 30303.
    const hostOf = (signer: string): string => {
      const enode = fixture.artifact.enodes[fixture.artifact.validators.indexOf(signer)] as string;
      return enode.slice(enode.indexOf('@') + 1, enode.lastIndexOf(':'));
    };
    for (const name of ['docker-compose.yml', 'docker-compose.nethermind.yml']) {
      const compose = parseYaml(textOf(name)) as { services: Record<string, { labels: Record<string, string> }> };
      expect(Object.keys(compose.services)).toEqual(['node-0', 'node-1']);
      const byHost = new Map<string, string[]>();
      for (const service of Object.values(compose.services)) {
        const host = hostOf(service.labels['org.concord.signer'] as string);
        byHost.set(host, [...(byHost.get(host) ?? []), ...Object.values(PORT_LABELS).map((label) => service.labels[label] as string)]);
      }
      expect(byHost.size).toBe(2);
      for (const ports of byHost.values()) expect(new Set(ports).size).toBe(ports.length);
      const rpcAndWs = Object.values(compose.services).flatMap((service) => [service.labels[PORT_LABELS.rpc], service.labels[PORT_LABELS.ws]]);
      expect(new Set(rpcAndWs).size).toBe(rpcAndWs.length);
      for (const [folder, service] of Object.entries(compose.services)) {
        const oe = parseToml(textOf(`${folder}/config.toml`)) as { network: { port: number }; rpc: { port: number }; websockets: { port: number } };
        expect([oe.network.port, oe.rpc.port, oe.websockets.port].map(String)).toEqual(Object.values(PORT_LABELS).map((label) => service.labels[label]));
      }
    }
    expect(textOf('README.md')).toContain('on each host start only the node whose endpoint it is');
  });

  it('leaves the oracle key out unless asked, and then marks the env secret', () => {
    expect(parseEnvFile(textOf('oracle/bridge-0.env'), 'env').has('ORACLE_VALIDATOR_ADDRESS_PRIVATE_KEY')).toBe(false);
    const withKeys = build({ includeOracleKeys: true }).files.find((f) => f.path === 'oracle/bridge-0.env') as AnyBundleFile;
    expect(withKeys.secret).toBe(true);
    expect(parseEnvFile(new TextDecoder().decode(fileBytes(withKeys)), 'env').get('ORACLE_VALIDATOR_ADDRESS_PRIVATE_KEY')).toBe(Buffer.from(acme.bridgeValidators[0]?.secretKey as Uint8Array).toString('hex'));
  });

  it('is the same bytes for the same input, with a manifest of every file', () => {
    const again = build();
    expect(again.manifest).toEqual(buildManifest(files));
    expect(again.manifest.files.map((entry) => entry.path)).toEqual(files.map((f) => f.path).sort());
  });

  it('refuses keys that are not the ones the member enrolled', () => {
    const other = fixture.ceremony.members[1] as TestMember;
    const [first, second] = acmeKeys.authority;
    expectThrows(() => build({ keys: { ...acmeKeys, node: [makeKey().secretKey, acmeKeys.node[1] as Uint8Array] } }), 'KEYSTORE_INVALID', 'keys/node-0.json');
    expectThrows(() => build({ keys: { ...acmeKeys, authority: [second!, first!] } }), 'KEYSTORE_INVALID', 'keys/authority-0.json');
    expectThrows(() => build({ keys: { ...acmeKeys, bridge: [other.bridgeValidators[0]?.secretKey as Uint8Array] } }), 'KEYSTORE_INVALID', 'keys/bridge-0.json');
    expectThrows(() => build({ keys: { ...acmeKeys, bridge: [] } }), 'KEYSTORE_INVALID', 'keys');
    expectThrows(() => build({ member: makeKey().address }), 'NOT_A_MEMBER', 'member');
  });

  it('names the enrolled key it expected (pinned text)', () => {
    const swapped = { ...acmeKeys, node: [acmeKeys.node[1] as Uint8Array, acmeKeys.node[0] as Uint8Array] };
    expect(() => build({ keys: swapped })).toThrowErrorMatchingInlineSnapshot(`[ConcordError: KEYSTORE_INVALID at keys/node-0.json: expected the node key Acme enrolled for authority node 0]`);
  });

  it('refuses a keystore with a field OpenEthereum would reject', () => {
    const first = acmeKeys.authority[0]!;
    const withExtra = JSON.stringify({ ...JSON.parse(first.keystoreJson), 'x-ethers': { client: 'x' } });
    expectThrows(() => build({ keys: { ...acmeKeys, authority: [{ ...first, keystoreJson: withExtra }, acmeKeys.authority[1]!] } }), 'KEYSTORE_INVALID', 'keys/authority-0.json');
  });

  it('refuses a keystore whose address is not the signer it is filed under', () => {
    const [first, second] = acmeKeys.authority;
    const otherAddress = JSON.stringify({ ...JSON.parse(first!.keystoreJson), address: (JSON.parse(second!.keystoreJson) as { address: string }).address });
    const error = expectThrows(() => build({ keys: { ...acmeKeys, authority: [{ ...first!, keystoreJson: otherAddress }, second!] } }), 'KEYSTORE_INVALID', 'keys/authority-0.json');
    expect(error.expected).toBe(`a keystore whose address is ${acme.authorities[0]?.signer.address} (40 hex digits, no 0x), the signer enrolled for this node`);
  });

  it('refuses RPC ports that clash with an agreed p2p port', () => {
    const clashing: CeremonySpec = { ...spec, deployment: { images: { openethereum: 'openethereum/openethereum:v3.3.5', nethermind: 'nethermind/nethermind:1.32.4', oracle: 'poanetwork/tokenbridge-oracle:2.6.0' }, rpcBindAddress: '127.0.0.1', rpcPortBase: 30302, wsPortBase: 8645 } };
    expectThrows(() => build({ spec: clashing }), 'ENDPOINT_INVALID', 'node-1.rpc');
  });
});

/**
 * An open chain (no `permissions`) whose node RPC listens on every interface: Nethermind keeps the block
 * author unlocked, so only the calls filter stands between a caller and the validator key.
 */
describe('buildMemberBundle: an open chain with RPC on a routable address', () => {
  let bundle: MemberBundle;
  let acme: TestMember;
  const textOf = (path: string): string => {
    const file = bundle.files.find((f) => f.path === path);
    if (file === undefined) throw new Error(`no ${path}`);
    return new TextDecoder().decode(fileBytes(file));
  };

  beforeAll(async () => {
    const fixture = await sealedCeremony(makeCeremony({ layout: BUNDLE_LAYOUT, ceremonyId: 'bundle-open-rpc', requiredSignatures: 2, editSpec: (json) => (json.deployment = { rpcBindAddress: '0.0.0.0' }) }));
    const spec = parseSpec(fixture.artifact.spec);
    expect(spec.permissions).toBeUndefined();
    acme = fixture.ceremony.members[0] as TestMember;
    bundle = buildMemberBundle({ artifact: fixture.artifact, artifactText: fixture.artifactText, spec, member: acme.identity.address, keys: await keyMaterialOf(acme), includeOracleKeys: false });
  });

  it("points every Nethermind node at its calls filter, and the filter file refuses every method that signs with the node's key", () => {
    for (const i of acme.authorities.keys()) {
      const nethermind = JSON.parse(textOf(`node-${i}/nethermind.json`)) as { KeyStore: { UnlockAccounts: string[] }; JsonRpc: Record<string, unknown> };
      expect(nethermind.KeyStore.UnlockAccounts).toEqual([acme.authorities[i]?.signer.address]);
      expect(nethermind.JsonRpc).toMatchObject({ Host: '0.0.0.0', EnabledModules: ['Eth', 'Net', 'Web3'], CallsFilterFilePath: '/concord/jsonrpc.filter' });
      const filter = textOf(`node-${i}/jsonrpc.filter`);
      for (const method of SIGNING_METHODS) expect(nethermindFilterAllows(filter, method), `node-${i} ${method}`).toBe(false);
      for (const method of READ_METHODS) expect(nethermindFilterAllows(filter, method), `node-${i} ${method}`).toBe(true);
    }
    expect(textOf('README.md')).toContain('Nethermind runs with no filter at all if the file is missing: keep it.');
  });

  it('never unlocks the signer in OpenEthereum, nor exposes any API but web3, eth and net', () => {
    for (const i of acme.authorities.keys()) {
      const config = parseToml(textOf(`node-${i}/config.toml`)) as { account: Record<string, unknown>; rpc: { interface: string; apis: string[] }; websockets: { interface: string; apis: string[] } };
      expect(Object.keys(config.account)).toEqual(['password']);
      for (const section of [config.rpc, config.websockets]) {
        expect(section.interface).toBe('0.0.0.0');
        expect([...section.apis].sort()).toEqual(['eth', 'net', 'web3']);
      }
    }
  });
});
