/**
 * Member bundles for a revision after genesis (shared/bundle/member.ts `buildRevisionMemberBundle`,
 * bundle-revision.ts, member-keys.ts) on one governed consortium whose chain grows by real signed votes:
 * 1 Bolt adds a node, 2 Acme rotates its node-0 signer, 3 Acme's node-1 is removed, 4 the bridge set
 * changes (Crane adds one, Bolt's is removed, 3 must sign), 5 Dune is admitted, 6 Bolt is removed.
 * Each bundle is checked against the revision it is for, and with `verifyRevisionMemberBundle`.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { parse as parseToml } from 'smol-toml';
import { Wallet } from 'ethers';
import { canonicalize } from '../../../shared/canonical/jcs.js';
import { formatEnode } from '../../../shared/p2p/enode.js';
import { serializeChainSpec } from '../../../shared/chainspec/file.js';
import { buildMemberBundle, type MemberBundle, type MemberKeyring, type SignerKeyMaterial } from '../../../shared/bundle/member.js';
import { enrolledKeysOf, memberKeyPlan, retiredPathsOf } from '../../../shared/bundle/member-keys.js';
import { bundleChainOf } from '../../../shared/bundle/bundle-revision.js';
import { fileBytes, manifestEntry, MANIFEST_FILE, serializeManifest, buildManifest } from '../../../shared/bundle/manifest.js';
import { parseEnvFile } from '../../../shared/bundle/env-file.js';
import { verifyRevisionMemberBundle, type FolderFile } from '../../../shared/bundle/verify-bundle.js';
import type { RevisionArtifact } from '../../../shared/governance/revision.js';
import { makeKey, type TestKey } from '../../helpers/ceremony.js';
import { expectThrows } from '../../helpers/errors.js';
import { folderOf, revisionChain, type RevisionChain } from './revision-fixture.js';

const dec = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

function textOf(built: MemberBundle, path: string): string {
  const file = built.files.find((f) => f.path === path);
  if (file === undefined) throw new Error(`no ${path}`);
  return dec(fileBytes(file));
}

function nodeFolders(built: MemberBundle): string[] {
  return [...new Set(built.files.map((f) => /^(node-\d+)\//.exec(f.path)?.[1]).filter((name): name is string => name !== undefined))].sort();
}

function configOf(built: MemberBundle, folder: string): { mining: { engine_signer: string }; network: { node_key: string; port: number }; rpc: { port: number } } {
  return parseToml(textOf(built, `${folder}/config.toml`)) as never;
}

describe('member bundles for a revision', () => {
  let chain: RevisionChain;
  let added: { signer: TestKey; node: TestKey; endpoint: string };
  let rotated: TestKey;
  let removedEnode: string;
  let craneBridge: TestKey;
  /** bundles[name][n]: name's bundle for revision n. */
  const bundles = new Map<string, MemberBundle[]>();
  const bundle = (name: string, n: number): MemberBundle => {
    const found = bundles.get(name)?.[n];
    if (found === undefined) throw new Error(`no bundle of ${name} for revision ${n}`);
    return found;
  };
  const revision = (n: number): RevisionArtifact => chain.revisions[n - 1]?.artifact as RevisionArtifact;
  /** Builds every current member's bundle for the chain's last revision. */
  const buildAll = async (): Promise<void> => {
    const n = chain.revisions.length;
    for (const member of chain.gov.current.members) {
      const list = bundles.get(member.name) ?? [];
      list[n] = await chain.build(member.name, n);
      bundles.set(member.name, list);
    }
  };

  beforeAll(async () => {
    chain = await revisionChain();
    const { gov } = chain;
    await buildAll();

    // Each new key goes into its member's folder at the member's next index, as `concord propose` makes it.
    const boltNext = gov.current.members[1]?.nextIndex.authority as number;
    const node = gov.newNode(chain.signer('Bolt'), '10.7.0.1:30303');
    added = { signer: node.signer, node: node.node, endpoint: '10.7.0.1:30303' };
    chain.folder('Bolt').add('authority', boltNext, node.signer).add('node', boltNext, node.node);
    expect(await chain.pass('Bolt', node.change)).toBe(1);
    await buildAll();

    const acme = gov.current.members[0];
    if (acme === undefined) throw new Error('no Acme');
    rotated = makeKey();
    chain.folder('Acme').add('authority', acme.nextIndex.authority, rotated);
    const change = { kind: 'rotateAuthority' as const, oldSigner: acme.nodes[0]?.signer as string, newSigner: rotated.address, newSignerPop: gov.pop(acme.identity, 'authority', acme.nextIndex.authority, rotated) };
    expect(await chain.pass('Acme', change)).toBe(2);
    await buildAll();

    const doomed = gov.current.members[0]?.nodes[1];
    if (doomed === undefined) throw new Error('no Acme node-1');
    removedEnode = formatEnode(doomed.nodePublicKey, doomed.endpoint);
    expect(await chain.pass('Crane', { kind: 'removeAuthority', signer: doomed.signer })).toBe(3);
    await buildAll();

    const crane = gov.current.members[2];
    if (crane === undefined) throw new Error('no Crane');
    craneBridge = makeKey();
    chain.folder('Crane').add('bridge', crane.nextIndex.bridge, craneBridge);
    const bridgeChange = {
      kind: 'setBridgeValidators' as const,
      add: [{ member: crane.identity, address: craneBridge.address, pop: gov.pop(crane.identity, 'bridge', crane.nextIndex.bridge, craneBridge) }],
      remove: [gov.current.members[1]?.bridgeValidators[0] as string],
      requiredSignatures: 3,
    };
    expect(await chain.pass('Crane', bridgeChange)).toBe(4);
    await buildAll();

    const admission = gov.admission('Dune', ['10.7.1.1:30303'], 1);
    const [first] = admission.nodes;
    if (first === undefined) throw new Error('no Dune node');
    chain.folder('Dune').add('authority', 0, first.signer).add('node', 0, first.node).add('bridge', 0, admission.bridge[0] as TestKey);
    expect(await chain.pass('Crane', admission.change)).toBe(5);
    await buildAll();

    expect(await chain.pass('Crane', { kind: 'removeMember', identity: chain.identity('Bolt') })).toBe(6);
  });

  it('builds the genesis bundle as revision 0 of the same builder, byte for byte as buildMemberBundle', async () => {
    const keyring = await chain.folder('Acme').keyring();
    const list = <T>(map: ReadonlyMap<number, T>): T[] => [...map.keys()].sort((a, b) => a - b).map((index) => map.get(index) as T);
    const genesis = buildMemberBundle({
      artifact: chain.genesis,
      artifactText: chain.genesisText,
      spec: chain.spec,
      member: chain.identity('Acme'),
      keys: { authority: list(keyring.authority).slice(0, 2), node: list(keyring.node), bridge: list(keyring.bridge) },
      includeOracleKeys: false,
    });
    const again = await chain.build('Acme', 0, keyring);
    expect(again.files).toEqual(genesis.files);
    expect(again.manifest).toEqual(genesis.manifest);
    expect(again.revision).toBe(0);
    expect(again.retired).toEqual([]);
    expect(again.files.some((f) => f.path.startsWith('revisions/'))).toBe(false);
  });

  it('adds a node: a new folder with its own keystore and node key, and every member\'s peers updated', async () => {
    const bolt = bundle('Bolt', 1);
    expect(nodeFolders(bolt)).toEqual(['node-0', 'node-1']);
    const keystore = bolt.files.find((f) => f.path.startsWith('node-1/keystore/'));
    expect(keystore?.path).toBe(`node-1/keystore/TestHome/${added.signer.address.slice(2).toLowerCase()}.json`);
    expect((await Wallet.fromEncryptedJson(dec(fileBytes(keystore as never)), textOf(bolt, 'node-1/signer.password'))).address).toBe(added.signer.address);
    expect(fileBytes(bolt.files.find((f) => f.path === 'node-1/node.key') as never)).toEqual(Uint8Array.from(added.node.secretKey));
    expect(configOf(bolt, 'node-1').mining.engine_signer).toBe(added.signer.address);
    expect(configOf(bolt, 'node-1').rpc.port).toBe(configOf(bolt, 'node-0').rpc.port + 1);

    const enode = formatEnode(added.node.publicKey, added.endpoint);
    expect(revision(1).enodes).toContain(enode);
    for (const name of ['Acme', 'Bolt', 'Crane']) {
      const built = bundle(name, 1);
      for (const folder of nodeFolders(built)) {
        const own = revision(1).enodes[revision(1).validators.indexOf(configOf(built, folder).mining.engine_signer)];
        const peers = textOf(built, `${folder}/reserved-peers`).trimEnd().split('\n');
        expect(peers, `${name} ${folder}`).toEqual(revision(1).enodes.filter((e) => e !== own));
        expect(JSON.parse(textOf(built, `${folder}/static-nodes.json`))).toEqual(peers);
        if (own !== enode) expect(peers).toContain(enode);
        expect(textOf(built, `${folder}/chain-spec.json`)).toBe(serializeChainSpec(revision(1).chainSpec));
      }
      expect(textOf(built, 'revisions/revision-1.json')).toBe(chain.revisions[0]?.text);
      expect(textOf(built, 'artifact.json')).toBe(chain.genesisText);
      const publicFiles = built.files.filter((f) => f.path.startsWith('public/')).map((f) => manifestEntry(f.path.slice('public/'.length), fileBytes(f)));
      expect(publicFiles.sort((a, b) => a.path.localeCompare(b.path))).toEqual([...revision(1).publicManifest.files].sort((a, b) => a.path.localeCompare(b.path)));
      expect(built.retired).toEqual([]);
      expect(verifyRevisionMemberBundle(chain.genesis, chain.revisions.slice(0, 1).map((r) => r.artifact), chain.spec, folderOf(built)), name).toEqual([]);
    }
    const multi = JSON.parse(textOf(bolt, 'public/chain-spec.json')).engine.authorityRound.params.validators.multi as Record<string, { list: string[] }>;
    expect(Object.keys(multi)).toHaveLength(2);
    expect(Object.values(multi).at(-1)?.list).toEqual(revision(1).validators);
  });

  it('rotates a signer: the node keeps its folder, p2p key and ports, with the new signer\'s keystore', () => {
    const before = bundle('Acme', 1);
    const after = bundle('Acme', 2);
    expect(nodeFolders(after)).toEqual(['node-0', 'node-1']);
    expect(configOf(after, 'node-0').mining.engine_signer).toBe(rotated.address);
    expect(after.files.filter((f) => f.path.startsWith('node-0/keystore/')).map((f) => f.path)).toEqual([`node-0/keystore/TestHome/${rotated.address.slice(2).toLowerCase()}.json`]);
    expect(fileBytes(after.files.find((f) => f.path === 'node-0/node.key') as never)).toEqual(fileBytes(before.files.find((f) => f.path === 'node-0/node.key') as never));
    expect(configOf(after, 'node-0').network).toEqual(configOf(before, 'node-0').network);
    expect(configOf(after, 'node-0').rpc).toEqual(configOf(before, 'node-0').rpc);
    expect(after.retired).toEqual([
      { role: 'authority', index: 0, address: chain.folder('Acme').get('authority', 0).address, keyFile: 'keys/authority-0.json', revision: 2, reason: 'rotated', bundlePath: 'node-0/', replacedBy: 'keys/authority-2.json' },
    ]);
    expect(retiredPathsOf(after.retired)).toEqual([]);
    expect(textOf(after, 'README.md')).toContain('| `keys/authority-0.json` |');
    expect(textOf(after, 'README.md')).toContain('rotated out in revision 2: node-0/ signs with keys/authority-2.json instead');
  });

  it('removes a node: its folder is gone, its keys are reported retired with the folder, and no peer list has it', () => {
    const acme = bundle('Acme', 3);
    expect(nodeFolders(acme)).toEqual(['node-0']);
    expect(acme.retired.map(({ keyFile, reason, revision: n, bundlePath }) => ({ keyFile, reason, revision: n, bundlePath }))).toEqual([
      { keyFile: 'keys/authority-0.json', reason: 'rotated', revision: 2, bundlePath: 'node-0/' },
      { keyFile: 'keys/authority-1.json', reason: 'removed', revision: 3, bundlePath: 'node-1/' },
      { keyFile: 'keys/node-1.json', reason: 'removed', revision: 3, bundlePath: 'node-1/' },
    ]);
    expect(acme.retired[2]?.address).toBe(chain.folder('Acme').get('node', 1).address);
    expect(retiredPathsOf(acme.retired)).toEqual([{ path: 'node-1/', revision: 3 }]);
    expect(textOf(acme, 'README.md')).toContain('its node was removed in revision 3: stop node-1/ of earlier bundles');
    const compose = textOf(acme, 'docker-compose.yml');
    expect(compose).not.toContain('node-1');
    for (const name of ['Acme', 'Bolt', 'Crane']) {
      const built = bundle(name, 3);
      for (const folder of nodeFolders(built)) expect(textOf(built, `${folder}/reserved-peers`), `${name} ${folder}`).not.toContain(removedEnode);
      expect(verifyRevisionMemberBundle(chain.genesis, chain.revisions.slice(0, 3).map((r) => r.artifact), chain.spec, folderOf(built)), name).toEqual([]);
    }
  });

  it('follows the bridge validator set: a new oracle env, a removed one reported retired, the new count that must sign', () => {
    const env = (built: MemberBundle, path: string) => parseEnvFile(textOf(built, path), path);
    const crane = bundle('Crane', 4);
    expect(crane.files.filter((f) => f.path.startsWith('oracle/')).map((f) => f.path)).toEqual(['oracle/bridge-0.env', 'oracle/bridge-1.env']);
    expect(env(crane, 'oracle/bridge-1.env').get('ORACLE_VALIDATOR_ADDRESS')).toBe(craneBridge.address);
    expect(revision(4).bridge).toEqual({ validators: [chain.folder('Acme').get('bridge', 0).address, chain.folder('Crane').get('bridge', 0).address, craneBridge.address], requiredSignatures: 3 });
    expect(textOf(crane, 'oracle/bridge-1.env')).toContain('bridge validator 3 of 3 (3 must sign)');
    expect(textOf(bundle('Acme', 4), 'oracle/bridge-0.env')).toContain('bridge validator 1 of 3 (3 must sign)');
    expect(textOf(bundle('Acme', 3), 'oracle/bridge-0.env')).toContain('bridge validator 1 of 3 (2 must sign)');

    const bolt = bundle('Bolt', 4);
    expect(bolt.files.filter((f) => f.path.startsWith('oracle/'))).toEqual([]);
    expect(bolt.retired.map(({ keyFile, bundlePath, revision: n }) => ({ keyFile, bundlePath, revision: n }))).toEqual([{ keyFile: 'keys/bridge-0.json', bundlePath: 'oracle/bridge-0.env', revision: 4 }]);
    expect(retiredPathsOf(bolt.retired)).toEqual([{ path: 'oracle/bridge-0.env', revision: 4 }]);
    const deploy = parseEnvFile(textOf(bolt, 'public/bridge/deploy.env'), 'deploy.env');
    expect(deploy.get('VALIDATORS')).toBe(revision(4).bridge?.validators.join(' '));
    expect(deploy.get('REQUIRED_NUMBER_OF_VALIDATORS')).toBe('3');
  });

  it('builds the bundle of an admitted member from the revision that admitted it', () => {
    const dune = bundle('Dune', 5);
    expect(nodeFolders(dune)).toEqual(['node-0']);
    expect(dune.files.filter((f) => f.path.startsWith('oracle/')).map((f) => f.path)).toEqual(['oracle/bridge-0.env']);
    expect(dune.files.filter((f) => f.path.startsWith('revisions/')).map((f) => f.path)).toEqual([1, 2, 3, 4, 5].map((n) => `revisions/revision-${n}.json`));
    expect(textOf(dune, 'docker-compose.yml')).toContain('concord-bundle-revision-dune');
    expect(verifyRevisionMemberBundle(chain.genesis, chain.revisions.slice(0, 5).map((r) => r.artifact), chain.spec, folderOf(dune))).toEqual([]);
  });

  it('tells a removed member that every key it enrolled is retired (pinned text)', async () => {
    await expect(chain.build('Bolt', 6)).rejects.toThrowErrorMatchingInlineSnapshot(`[ConcordError: NOT_A_MEMBER at member: expected a member of revision 6 (it was removed in revision 6: every key it enrolled is retired)]`);
    await expect(chain.build('Bolt', 5)).resolves.toMatchObject({ revision: 5 });
  });

  it('derives every key index from the chain of states, as the members\' clients made them', () => {
    const { history } = bundleChainOf(chain.genesis, chain.spec, chain.revisions.map((r) => r.artifact));
    const acme = memberKeyPlan(history.slice(0, 4), chain.identity('Acme'));
    expect(acme.nodes.map(({ folder, index, signerIndex }) => ({ folder, index, signerIndex }))).toEqual([{ folder: 'node-0', index: 0, signerIndex: 2 }]);
    const bolt = memberKeyPlan(history.slice(0, 2), chain.identity('Bolt'));
    expect(bolt.nodes.map(({ folder, signerIndex }) => ({ folder, signerIndex }))).toEqual([{ folder: 'node-0', signerIndex: 0 }, { folder: 'node-1', signerIndex: 1 }]);
    for (const key of enrolledKeysOf(history)) {
      const name = [...chain.folders].find(([, folder]) => folder.entries().some(([, , k]) => k.address === key.address))?.[0];
      expect(name, key.address).toBeDefined();
      expect(chain.folder(name as string).get(key.role, key.index).address, `${name} ${key.role}-${key.index}`).toBe(key.address);
    }
  });

  describe('refusals', () => {
    const without = (keyring: MemberKeyring, index: number, replacement?: SignerKeyMaterial): MemberKeyring => {
      const authority = new Map(keyring.authority);
      if (replacement === undefined) authority.delete(index);
      else authority.set(index, replacement);
      return { ...keyring, authority };
    };

    it('refuses a key folder without the rotated-in signer, or with another key in its place (pinned text)', async () => {
      const keyring = await chain.folder('Acme').keyring();
      expectThrows(() => chain.buildFrom('Acme', chain.revisions.slice(0, 2), without(keyring, 2)), 'KEYSTORE_INVALID', 'keys/authority-2.json');
      const old = keyring.authority.get(0) as SignerKeyMaterial;
      await expect(chain.build('Acme', 2, without(keyring, 2, old))).rejects.toThrowErrorMatchingInlineSnapshot(
        `[ConcordError: KEYSTORE_INVALID at keys/authority-2.json: expected the signer ${rotated.address} that Acme enrolled as authority node 0]`,
      );
    });

    it('needs no retired key: a folder that lost them still builds', async () => {
      const keyring = await chain.folder('Acme').keyring();
      const trimmed = { authority: new Map([[2, keyring.authority.get(2) as SignerKeyMaterial]]), node: new Map([[0, keyring.node.get(0) as Uint8Array]]), bridge: keyring.bridge };
      expect((await chain.build('Acme', 3, trimmed)).manifest.files.length).toBeGreaterThan(0);
    });

    it('refuses a revision file re-serialized in another key order: its public files would not be the signed ones', async () => {
      const canonical = chain.revisions.map((file) => ({ artifact: JSON.parse(canonicalize(JSON.parse(file.text))) as RevisionArtifact, text: `${canonicalize(JSON.parse(file.text))}\n` }));
      const keys = await chain.folder('Crane').keyring();
      expectThrows(() => chain.buildFrom('Crane', canonical.slice(0, 1), keys), 'REVISION_INVALID', 'revisions[0].publicManifest');
    });
  });

  describe('verify --bundle against a revision', () => {
    const given = (n: number): RevisionArtifact[] => chain.revisions.slice(0, n).map((r) => r.artifact);
    const checks = (failures: { check: string; path: string }[]) => failures.map(({ check, path }) => ({ check, path }));

    it('fails a genesis bundle checked against revision 3, and a revision 3 bundle checked against genesis', () => {
      const genesisAgainst3 = checks(verifyRevisionMemberBundle(chain.genesis, given(3), chain.spec, folderOf(bundle('Acme', 0))));
      expect(genesisAgainst3).toContainEqual({ check: 'revision copy', path: 'revisions/revision-1.json' });
      expect(genesisAgainst3).toContainEqual({ check: 'public files', path: 'public/chain-spec.json' });
      const threeAgainstGenesis = checks(verifyRevisionMemberBundle(chain.genesis, [], chain.spec, folderOf(bundle('Acme', 3))));
      expect(threeAgainstGenesis).toContainEqual({ check: 'revision copy', path: 'revisions/revision-3.json' });
      expect(threeAgainstGenesis).toContainEqual({ check: 'node files', path: 'node-0/config.toml' });
    });

    it('fails a bundle that still holds the folder of a removed node', () => {
      const stale = bundle('Acme', 2).files.filter((f) => f.path.startsWith('node-1/'));
      const files = [...bundle('Acme', 3).files, ...stale];
      const withStale = folderOf({ ...bundle('Acme', 3), files, manifest: buildManifest(files) });
      expect(checks(verifyRevisionMemberBundle(chain.genesis, given(3), chain.spec, withStale))).toContainEqual({ check: 'node files', path: 'node-1/config.toml' });
    });

    it('fails a bundle whose node folder is named after another node', () => {
      const renamed = bundle('Bolt', 1).files.map((f) => ({ ...f, path: f.path.replace(/^node-1\//, 'node-7/') }));
      const folder = folderOf({ ...bundle('Bolt', 1), files: renamed, manifest: buildManifest(renamed) });
      expect(checks(verifyRevisionMemberBundle(chain.genesis, given(1), chain.spec, folder))).toContainEqual({ check: 'node files', path: 'node-7/config.toml' });
    });

    it('fails a bundle whose revision copy is not the revision given', () => {
      const folder: FolderFile[] = folderOf(bundle('Crane', 2)).map((f) => (f.path === 'revisions/revision-2.json' ? { ...f, content: new TextEncoder().encode(chain.revisions[0]?.text) } : f));
      const rest = folder.filter((f) => f.path !== MANIFEST_FILE);
      const remanifested = [...rest, { path: MANIFEST_FILE, content: new TextEncoder().encode(serializeManifest(buildManifest(rest.map((f) => ({ path: f.path, content: f.content, secret: false }))))), mode: 0o644 }];
      expect(checks(verifyRevisionMemberBundle(chain.genesis, given(2), chain.spec, remanifested))).toEqual([{ check: 'revision copy', path: 'revisions/revision-2.json' }]);
    });
  });
});
