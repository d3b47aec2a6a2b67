/**
 * Read access in member bundles (issue 9, item 4; shared/bundle/read-access.ts, p2p-firewall.ts,
 * reader-proxy.ts, verify-read-access.ts), on a finalized ceremony whose spec has a `permissions`
 * section: two listed peers (one IPv4, one DNS name), readers served by Acme (two of whose names slug
 * alike) and by Crane, none by Bolt or Delta. Every member's bundle is built with fresh reader
 * randomness from the client's CSPRNG, as `concord bundle` does.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { parse as parseToml } from 'smol-toml';
import { parse as parseYaml } from 'yaml';
import { parseSpec } from '../../../shared/spec/parse.js';
import { canonicalize } from '../../../shared/canonical/jcs.js';
import type { CeremonySpec } from '../../../shared/spec/schema.js';
import { buildMemberBundle, isSecretBundleFile, isWorldReadableBundleFile, type MemberBundle, type MemberKeyMaterial } from '../../../shared/bundle/member.js';
import { buildManifest, fileBytes, MANIFEST_FILE, serializeManifest, type AnyBundleFile } from '../../../shared/bundle/manifest.js';
import { parseHtpasswd, sshaMatches } from '../../../shared/bundle/htpasswd.js';
import { parseReaderCredential } from '../../../shared/bundle/reader-credential.js';
import { READER_PROXY_CONTAINER_PATHS, READER_PROXY_FILES, READER_PROXY_IMAGE, readerProxyConfig } from '../../../shared/bundle/reader-proxy.js';
import { enodeHost, READ_RPC_APIS, readersServedBy } from '../../../shared/bundle/read-access.js';
import { RPC_FILTER_LINES } from '../../../shared/bundle/nethermind-config.js';
import { isIpv4 } from '../../../shared/validation/fields.js';
import { P2P_FIREWALL_FILE } from '../../../shared/bundle/p2p-firewall.js';
import { READER_PROXY_SERVICE } from '../../../shared/bundle/docker-compose.js';
import { verifyMemberBundle, type FolderFile } from '../../../shared/bundle/verify-bundle.js';
import { readerRandomness } from '../../../client/keys/reader-credentials.js';
import { BUNDLE_LAYOUT, finalizedCeremony, keyMaterialOf, sealedCeremony, type FinalizedCeremony } from './fixture.js';
import { directives, nftCheck, parseNftFile, parseNginxConf, withoutBlanks } from './conf-parsers.js';
import { makePermissionedCeremony } from '../permissioning/fixture.js';
import { makeKey, type TestMember } from '../../helpers/ceremony.js';
import { expectThrows } from '../../helpers/errors.js';

const enc = (text: string): Uint8Array => new TextEncoder().encode(text);
const dec = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

const PEERS = [
  { name: 'Archive', enode: `enode://${makeKey().publicKey.slice(2)}@10.9.0.1:30303`, operator: 'Acme' },
  { name: 'Regulator node', enode: `enode://${makeKey().publicKey.slice(2)}@node.regulator.example:30303` },
];
const READERS = [
  { name: 'Audit Partners', servedBy: 'Acme' },
  { name: 'Tax Office', servedBy: 'Acme' },
  { name: 'Tax-Office', servedBy: 'Acme' },
  { name: 'Bank of X', servedBy: 'Crane' },
];
/** Who serves whom, with the proxy user each reader gets. */
const SERVED: Record<string, { name: string; user: string }[]> = {
  Acme: [
    { name: 'Audit Partners', user: 'audit-partners' },
    { name: 'Tax Office', user: 'tax-office-1' },
    { name: 'Tax-Office', user: 'tax-office-2' },
  ],
  Bolt: [],
  Crane: [{ name: 'Bank of X', user: 'bank-of-x' }],
  Delta: [],
};

describe('read access in member bundles', () => {
  let fixture: FinalizedCeremony;
  let spec: CeremonySpec;
  const keys = new Map<string, MemberKeyMaterial>();
  const bundles = new Map<string, MemberBundle>();
  const members = (): TestMember[] => fixture.ceremony.members;
  const file = (member: string, path: string): AnyBundleFile => {
    const found = bundles.get(member)?.files.find((f) => f.path === path);
    if (found === undefined) throw new Error(`${member} has no ${path}`);
    return found;
  };
  const textOf = (member: string, path: string): string => dec(fileBytes(file(member, path)));
  const paths = (member: string): string[] => (bundles.get(member)?.files ?? []).map((f) => f.path);
  const build = (member: TestMember, overrides: Partial<Parameters<typeof buildMemberBundle>[0]> = {}): MemberBundle =>
    buildMemberBundle({
      artifact: fixture.artifact,
      artifactText: fixture.artifactText,
      spec,
      member: member.identity.address,
      keys: keys.get(member.name) as MemberKeyMaterial,
      includeOracleKeys: false,
      readerRandomness: readerRandomness(readersServedBy(spec, member.name).map((reader) => reader.name)),
      ...overrides,
    });
  /** The member's bundle as a folder on disk: secrets 0600, the htpasswd 0644, manifest.json. */
  const folderOf = (member: string): FolderFile[] => {
    const built = bundles.get(member) as MemberBundle;
    return [
      ...built.files.map((f) => ({ path: f.path, content: fileBytes(f), mode: f.secret ? 0o600 : 0o644 })),
      { path: MANIFEST_FILE, content: enc(serializeManifest(built.manifest)), mode: 0o644 },
    ];
  };
  /** Each of the member's nodes: its folder and its index among the validators. */
  const nodesOf = (member: TestMember): { folder: string; index: number }[] =>
    member.authorities.map((node, i) => ({ folder: `node-${i}`, index: fixture.artifact.validators.indexOf(node.signer.address) }));

  beforeAll(async () => {
    const { ceremony } = await makePermissionedCeremony({
      layout: BUNDLE_LAYOUT,
      permissions: (outsiders) => ({
        read: { peers: PEERS, readers: READERS },
        transact: ['consortium', outsiders.caller.address],
        create: [outsiders.deployer.address],
        unlisted: 'basic',
        deployers: [{ address: outsiders.deployer.address, deploys: 'bridge' }],
      }),
    });
    fixture = await sealedCeremony(ceremony);
    spec = parseSpec(fixture.artifact.spec);
    for (const member of members()) {
      keys.set(member.name, await keyMaterialOf(member));
      bundles.set(member.name, build(member));
    }
  });

  it('gives each node the other authority enodes, then the listed peers, and no one else', () => {
    for (const member of members()) {
      for (const node of nodesOf(member)) {
        const expected = [...fixture.artifact.enodes.filter((_, j) => j !== node.index), ...PEERS.map((peer) => peer.enode)];
        expect(textOf(member.name, `${node.folder}/reserved-peers`).trimEnd().split('\n'), `${member.name} ${node.folder}`).toEqual(expected);
        expect(JSON.parse(textOf(member.name, `${node.folder}/static-nodes.json`))).toEqual(expected);
        const nethermind = JSON.parse(textOf(member.name, `${node.folder}/nethermind.json`)) as { Network: { StaticPeers: string } };
        expect(nethermind.Network.StaticPeers.split(',')).toEqual(expected);
      }
    }
  });

  it('sets OpenEthereum to reserved_only without discovery, and Nethermind to OnlyStaticPeers without discovery', () => {
    for (const member of members()) {
      for (const node of nodesOf(member)) {
        const oe = parseToml(textOf(member.name, `${node.folder}/config.toml`)) as { network: Record<string, unknown> };
        expect(oe.network).toMatchObject({ reserved_only: true, discovery: false, reserved_peers: '/concord/reserved-peers' });
        const nm = JSON.parse(textOf(member.name, `${node.folder}/nethermind.json`)) as { Init: Record<string, unknown>; Network: Record<string, unknown> };
        expect(nm.Init).toMatchObject({ DiscoveryEnabled: false, StaticNodesPath: '/concord/static-nodes.json' });
        expect(nm.Network.OnlyStaticPeers).toBe(true);
      }
    }
  });

  it('binds RPC and WebSocket to 127.0.0.1 with exactly eth, net and web3, in both clients', () => {
    for (const member of members()) {
      for (const node of nodesOf(member)) {
        const oe = parseToml(textOf(member.name, `${node.folder}/config.toml`)) as Record<string, { interface: string; apis: string[] }>;
        for (const section of ['rpc', 'websockets']) {
          expect(oe[section]?.interface).toBe('127.0.0.1');
          expect([...(oe[section]?.apis ?? [])].sort()).toEqual(['eth', 'net', 'web3']);
        }
        const nm = JSON.parse(textOf(member.name, `${node.folder}/nethermind.json`)) as { JsonRpc: Record<string, unknown> };
        expect(nm.JsonRpc).toMatchObject({ Enabled: true, Host: '127.0.0.1', EnabledModules: ['Eth', 'Net', 'Web3'], CallsFilterFilePath: '/concord/jsonrpc.filter' });
        expect(textOf(member.name, `${node.folder}/jsonrpc.filter`)).toBe(`${RPC_FILTER_LINES.join('\n')}\n`);
      }
    }
    expect([...READ_RPC_APIS].sort()).toEqual(['eth', 'net', 'web3']);
  });

  it('writes a proxy config that parses, fronts node-0 on 127.0.0.1 and reads the htpasswd the compose files mount', () => {
    for (const member of ['Acme', 'Crane']) {
      const tree = parseNginxConf(textOf(member, READER_PROXY_FILES.template));
      const rpcPort = (parseToml(textOf(member, 'node-0/config.toml')) as { rpc: { port: number } }).rpc.port;
      expect(tree).toEqual(withoutBlanks(readerProxyConfig({ upstreamFolder: 'node-0', upstreamRpcPort: rpcPort })));
      expect(directives(tree, 'user')[0]?.args).toEqual(['nginx']);
      const server = directives(directives(tree, 'http')[0]?.block ?? [], 'server')[0]?.block ?? [];
      expect(directives(server, 'listen')[0]?.args).toEqual([{ env: 'CONCORD_READER_PROXY_LISTEN' }]);
      expect(directives(server, 'auth_basic_user_file')[0]?.args).toEqual([READER_PROXY_CONTAINER_PATHS.htpasswd]);
      const root = directives(server, 'location').find((location) => location.args.join(' ') === '= /')?.block ?? [];
      expect(directives(root, 'proxy_pass')[0]?.args).toEqual([`http://127.0.0.1:${rpcPort}`]);
      expect(directives(root, 'proxy_set_header').map((d) => d.args)).toEqual([['Host', `127.0.0.1:${rpcPort}`], ['Authorization', '']]);
      expect(directives(root, 'limit_except')[0]).toMatchObject({ args: ['POST'], block: [{ name: 'deny', args: ['all'] }] });
      for (const compose of ['docker-compose.yml', 'docker-compose.nethermind.yml']) {
        const service = (parseYaml(textOf(member, compose)) as { services: Record<string, { image: string; network_mode: string; volumes: string[]; environment: Record<string, string> }> }).services[READER_PROXY_SERVICE];
        expect(service?.image).toBe(READER_PROXY_IMAGE);
        expect(service?.network_mode).toBe('host');
        expect(service?.volumes).toEqual([`./${READER_PROXY_FILES.template}:${READER_PROXY_CONTAINER_PATHS.template}:ro`, `./${READER_PROXY_FILES.htpasswd}:${READER_PROXY_CONTAINER_PATHS.htpasswd}:ro`]);
        expect(service?.environment).toEqual({ NGINX_ENVSUBST_OUTPUT_DIR: '/etc/nginx', CONCORD_READER_PROXY_LISTEN: '${CONCORD_READER_PROXY_LISTEN:-127.0.0.1:8580}' });
      }
    }
  });

  it('hashes each served reader\'s password into the htpasswd, one user per reader, and no other password opens it', () => {
    for (const [member, served] of Object.entries(SERVED)) {
      if (served.length === 0) continue;
      const entries = parseHtpasswd(textOf(member, READER_PROXY_FILES.htpasswd), 'htpasswd');
      expect(entries.map((entry) => entry.user)).toEqual(served.map((reader) => reader.user));
      const credentials = served.map((reader) => parseReaderCredential(textOf(member, `readers/${reader.user}.json`), reader.user));
      for (const [i, credential] of credentials.entries()) {
        expect(credential).toMatchObject({ reader: served[i]?.name, servedBy: member, user: served[i]?.user, chainId: spec.chain.chainId });
        expect(credential.password).toMatch(/^[A-Za-z0-9_-]{32}$/);
        for (const [j, entry] of entries.entries()) expect(sshaMatches(credential.password, entry.hash), `${credential.user} against ${entry.user}`).toBe(i === j);
        expect(textOf(member, READER_PROXY_FILES.htpasswd)).not.toContain(credential.password);
      }
    }
  });

  it('puts each reader only in the bundle of the member that serves it', () => {
    for (const member of members()) {
      const served = SERVED[member.name] ?? [];
      expect(paths(member.name).filter((path) => path.startsWith('readers/')).sort()).toEqual(served.map((reader) => `readers/${reader.user}.json`).sort());
      expect(paths(member.name).includes(READER_PROXY_FILES.htpasswd)).toBe(served.length > 0);
      expect(paths(member.name).includes(READER_PROXY_FILES.template)).toBe(served.length > 0);
    }
    const passwords = Object.entries(SERVED).flatMap(([member, served]) => served.map((reader) => ({ member, password: parseReaderCredential(textOf(member, `readers/${reader.user}.json`), reader.user).password })));
    expect(passwords).toHaveLength(4);
    for (const { member, password } of passwords) {
      for (const other of members().filter((m) => m.name !== member)) {
        for (const f of bundles.get(other.name)?.files ?? []) expect(Buffer.from(fileBytes(f)).toString('latin1').includes(password), `${member}'s reader in ${other.name}/${f.path}`).toBe(false);
      }
    }
  });

  it('admits on each p2p port exactly the other authority nodes\' and the listed peers\' IPv4 hosts, and names DNS hosts only in comments', () => {
    for (const member of members()) {
      const parsed = parseNftFile(textOf(member.name, P2P_FIREWALL_FILE));
      expect(parsed.tables).toHaveLength(1);
      const table = parsed.tables[0];
      expect(table).toMatchObject({ family: 'inet', replaced: true });
      const ports = [...new Set(member.authorities.map((node) => Number(node.endpoint.split(':')[1])))];
      expect(table?.sets.map((set) => set.name)).toEqual(ports.map((port) => `peers_${port}`));
      for (const port of ports) {
        const own = nodesOf(member).filter((node) => Number(member.authorities[Number(node.folder.slice(5))]?.endpoint.split(':')[1]) === port);
        const hosts = new Set<string>();
        for (const node of own) fixture.artifact.enodes.forEach((enode, j) => j !== node.index && hosts.add(enodeHost(enode)));
        for (const peer of PEERS) hosts.add(enodeHost(peer.enode));
        const set = table?.sets.find((s) => s.name === `peers_${port}`);
        expect([...(set?.elements ?? [])].sort()).toEqual([...hosts].filter(isIpv4).sort());
        expect(set?.elements).not.toContain('node.regulator.example');
        expect(set?.comments.some((comment) => comment.startsWith('node.regulator.example: peer Regulator node (a DNS name'))).toBe(true);
        expect(table?.chains[0]?.rules).toEqual([
          `tcp dport ${port} ip saddr @peers_${port} accept`, `tcp dport ${port} drop`,
          `udp dport ${port} ip saddr @peers_${port} accept`, `udp dport ${port} drop`,
        ]);
      }
    }
    // Two members' tables never replace each other on one host.
    const names = members().map((member) => parseNftFile(textOf(member.name, P2P_FIREWALL_FILE)).tables[0]?.name);
    expect(new Set(names).size).toBe(members().length);
  });

  it('marks the credential files secret (0600) and no other new file, and the htpasswd world-readable', () => {
    for (const member of members()) {
      for (const f of bundles.get(member.name)?.files ?? []) {
        expect(f.secret, `${member.name}/${f.path}`).toBe(isSecretBundleFile(f.path, fileBytes(f)));
        if (f.path.startsWith('readers/')) expect(f.secret).toBe(true);
        if (/^(firewall|reader-proxy)\/|jsonrpc\.filter$/.test(f.path)) expect(f.secret, f.path).toBe(false);
        expect(isWorldReadableBundleFile(f.path)).toBe(f.path === READER_PROXY_FILES.htpasswd);
      }
    }
  });

  it('puts no reader password in the public bundle or in any file that is not secret', () => {
    const passwords = Object.entries(SERVED).flatMap(([member, served]) => served.map((reader) => parseReaderCredential(textOf(member, `readers/${reader.user}.json`), reader.user).password));
    for (const member of members()) {
      for (const f of bundles.get(member.name)?.files ?? []) {
        if (f.secret) continue;
        const text = Buffer.from(fileBytes(f)).toString('latin1');
        for (const password of passwords) expect(text.includes(password), `${member.name}/${f.path}`).toBe(false);
      }
    }
    expect(fixture.artifactText).not.toContain(passwords[0]);
  });

  it('says in the READMEs what each client cannot enforce and how reader credentials are handed out', () => {
    const publicReadme = textOf('Acme', 'public/README.md');
    expect(publicReadme).toContain('## Read access');
    expect(publicReadme).toContain('**Nethermind accepts inbound peers it does not know.**');
    expect(publicReadme).toContain('| Bank of X | Crane |');
    const acme = textOf('Acme', 'README.md');
    expect(acme).toContain('### Readers you serve');
    expect(acme).toContain('| Tax-Office | tax-office-2 | `readers/tax-office-2.json` |');
    expect(acme).toContain('**Handing out credentials.**');
    expect(acme).toContain('sudo nft add element inet');
    expect(textOf('Bolt', 'README.md')).toContain('The spec names no outside reader served by Bolt: this bundle has no reader proxy.');
    for (const member of members()) expect(textOf(member.name, 'public/README.md')).toBe(publicReadme);
  });

  it('is the same bytes for the same randomness', () => {
    const acme = members()[0] as TestMember;
    const randomness = readerRandomness(SERVED.Acme?.map((reader) => reader.name) ?? []);
    const first = build(acme, { readerRandomness: randomness });
    const second = build(acme, { readerRandomness: randomness });
    expect(second.manifest).toEqual(first.manifest);
    expect(second.manifest).toEqual(buildManifest(first.files));
  });

  it('passes verify for every member, and nft -c where it can check', () => {
    for (const member of members()) {
      expect(verifyMemberBundle(fixture.artifact, spec, folderOf(member.name)), member.name).toEqual([]);
      const status = nftCheck(textOf(member.name, P2P_FIREWALL_FILE));
      if (status !== null) expect(status, `nft -c ${member.name}`).toBe(0);
    }
  });

  describe('verify reports each broken read-access file', () => {
    const replace = (path: string, content: string) => (files: FolderFile[]) => files.map((f) => (f.path === path ? { ...f, content: enc(content) } : f));
    const remanifest = (files: FolderFile[]): FolderFile[] => {
      const rest = files.filter((f) => f.path !== MANIFEST_FILE);
      return [...rest, { path: MANIFEST_FILE, content: enc(serializeManifest(buildManifest(rest.map((f) => ({ path: f.path, content: f.content, secret: false }))))), mode: 0o644 }];
    };
    const acme = (edit: (files: FolderFile[]) => FolderFile[]): FolderFile[] => remanifest(edit(folderOf('Acme')));
    const edited = (path: string, change: (text: string) => string) => (files: FolderFile[]) => replace(path, change(dec(files.find((f) => f.path === path)?.content ?? new Uint8Array())))(files);
    const CASES: [string, () => FolderFile[], string, string][] = [
      ['a credential readable by others', () => folderOf('Acme').map((f) => (f.path === 'readers/audit-partners.json' ? { ...f, mode: 0o644 } : f)), 'secret mode', 'readers/audit-partners.json'],
      ['an htpasswd nginx cannot read', () => folderOf('Acme').map((f) => (f.path === READER_PROXY_FILES.htpasswd ? { ...f, mode: 0o600 } : f)), 'read access', READER_PROXY_FILES.htpasswd],
      ['a credential whose password does not open its hash', () => acme(edited('readers/tax-office-1.json', (t) => t.replace(/"password": "[^"]+"/, `"password": "${'A'.repeat(32)}"`))), 'read access', 'readers/tax-office-1.json'],
      ['a credential of a reader another member serves', () => acme((files) => [...files, { path: 'readers/bank-of-x.json', content: fileBytes(file('Crane', 'readers/bank-of-x.json')), mode: 0o600 }]), 'read access', 'readers/bank-of-x.json'],
      ['an htpasswd with a user removed', () => acme(edited(READER_PROXY_FILES.htpasswd, (t) => t.split('\n').filter((line) => !line.startsWith('tax-office-2:')).join('\n'))), 'read access', READER_PROXY_FILES.htpasswd],
      ['a firewall that admits one more host', () => acme(edited(P2P_FIREWALL_FILE, (t) => t.replace('elements = { ', 'elements = { 1.2.3.4, '))), 'read access', P2P_FIREWALL_FILE],
      ['an OpenEthereum node that takes any peer', () => acme(edited('node-1/config.toml', (t) => t.replace('reserved_only = true', 'reserved_only = false'))), 'read access', 'node-1/config.toml'],
      ['an OpenEthereum RPC on all interfaces', () => acme(edited('node-0/config.toml', (t) => t.replace('interface = "127.0.0.1"', 'interface = "all"'))), 'read access', 'node-0/config.toml'],
      ['a Nethermind node with the personal module', () => acme(edited('node-0/nethermind.json', (t) => t.replace('"Web3"', '"Web3", "Personal"'))), 'read access', 'node-0/nethermind.json'],
      ['a Nethermind node that dials anyone', () => acme(edited('node-0/nethermind.json', (t) => t.replace('"OnlyStaticPeers": true', '"OnlyStaticPeers": false'))), 'read access', 'node-0/nethermind.json'],
      ['a calls filter that lets eth_sign through', () => acme(replace('node-1/jsonrpc.filter', '^eth_.*$\n')), 'read access', 'node-1/jsonrpc.filter'],
      ['a proxy config that fronts another port', () => acme(edited(READER_PROXY_FILES.template, (t) => t.replaceAll(':8545', ':8546'))), 'read access', READER_PROXY_FILES.template],
      ['a peer list without the listed peers', () => acme(edited('node-0/reserved-peers', (t) => t.split('\n').filter((line) => !line.includes('10.9.0.1')).join('\n'))), 'node files', 'node-0/reserved-peers'],
    ];
    for (const [name, make, check, path] of CASES) {
      it(`reports ${name} (${check} at ${path})`, () => {
        const failures = verifyMemberBundle(fixture.artifact, spec, make());
        expect(failures.map((failure) => ({ check: failure.check, path: failure.path }))).toContainEqual({ check, path });
        const passwords = (SERVED.Acme ?? []).map((reader) => parseReaderCredential(textOf('Acme', `readers/${reader.user}.json`), reader.user).password);
        for (const password of passwords) expect(JSON.stringify(failures)).not.toContain(password);
      });
    }
  });

  it('refuses, in the spec itself, a permissioned spec whose node RPC is not on 127.0.0.1 (pinned text)', () => {
    const exposed = { ...JSON.parse(canonicalize(spec)), deployment: { rpcBindAddress: '10.0.0.9' } };
    expect(() => parseSpec(exposed)).toThrowErrorMatchingInlineSnapshot(`[ConcordError: SPEC_INVALID at spec.deployment.rpcBindAddress: expected 127.0.0.1 when the spec has permissions (outside readers go through the reader proxy)]`);
  });

  it('refuses reader randomness that does not cover exactly the readers the member serves', () => {
    const acme = members()[0] as TestMember;
    const crane = members()[2] as TestMember;
    expectThrows(() => build(acme, { readerRandomness: readerRandomness(['Audit Partners', 'Tax Office']) }), 'INTERNAL', 'readerRandomness');
    expectThrows(() => build(crane, { readerRandomness: readerRandomness(['Bank of X', 'Audit Partners']) }), 'INTERNAL', 'readerRandomness');
    expectThrows(() => build(crane, { readerRandomness: new Map() }), 'INTERNAL', 'readerRandomness');
  });

  it('leaves a bundle of a spec without permissions without firewall, proxy, credentials or Read access section (the calls filter is in every bundle)', async () => {
    const open = await finalizedCeremony();
    const openSpec = parseSpec(open.artifact.spec);
    const member = open.ceremony.members[0] as TestMember;
    const built = buildMemberBundle({ artifact: open.artifact, artifactText: open.artifactText, spec: openSpec, member: member.identity.address, keys: await keyMaterialOf(member), includeOracleKeys: false });
    expect(built.files.filter((f) => /^(firewall|reader-proxy|readers)\//.test(f.path))).toEqual([]);
    expect(built.files.filter((f) => f.path.endsWith('/jsonrpc.filter')).map((f) => f.path)).toEqual(['node-0/jsonrpc.filter', 'node-1/jsonrpc.filter']);
    expect(dec(fileBytes(built.files.find((f) => f.path === 'README.md') as AnyBundleFile))).not.toContain('Read access');
    expect(dec(fileBytes(built.files.find((f) => f.path === 'public/README.md') as AnyBundleFile))).not.toContain('Read access');
  });
});
