/**
 * Member bundles for a revision of a permissioned chain (a spec with `permissions`: read access, issue
 * 9 item 4): a node added by a passed proposal is in every other node's peer list and firewall, before
 * the listed read peers; a setPermissions revision that lists one more read peer gives every node that
 * peer too; `verify` (read access included) accepts every bundle against the revision it is for.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { formatEnode } from '../../../shared/p2p/enode.js';
import { fileBytes } from '../../../shared/bundle/manifest.js';
import { P2P_FIREWALL_FILE } from '../../../shared/bundle/p2p-firewall.js';
import { verifyRevisionMemberBundle } from '../../../shared/bundle/verify-bundle.js';
import type { MemberBundle } from '../../../shared/bundle/member.js';
import type { Permissions } from '../../../shared/permissioning/schema.js';
import { makeKey } from '../../helpers/ceremony.js';
import { governedPermissioned } from '../governance/fixture.js';
import { folderOf, RevisionChain } from './revision-fixture.js';

const ARCHIVE = { name: 'Archive', enode: `enode://${makeKey().publicKey.slice(2)}@10.9.0.1:30303`, operator: 'Alpha' };
const REGULATOR = { name: 'Regulator node', enode: `enode://${makeKey().publicKey.slice(2)}@10.9.0.2:30303` };

const textOf = (built: MemberBundle, path: string): string => {
  const file = built.files.find((f) => f.path === path);
  if (file === undefined) throw new Error(`no ${path}`);
  return new TextDecoder().decode(fileBytes(file));
};
const nodeFolders = (built: MemberBundle): string[] => [...new Set(built.files.map((f) => /^(node-\d+)\//.exec(f.path)?.[1]).filter((name): name is string => name !== undefined))];

describe('member bundles for a revision of a permissioned chain', () => {
  let chain: RevisionChain;
  let policy: Permissions;
  const added = { node: makeKey(), endpoint: '10.7.0.1:30303' };
  const built = new Map<string, MemberBundle[]>();
  const names = ['Alpha', 'Beta', 'Gamma'];

  beforeAll(async () => {
    const { gov } = await governedPermissioned({
      permissions: (outsiders) => ({
        read: { peers: [ARCHIVE], readers: [{ name: 'Audit Partners', servedBy: 'Beta' }] },
        transact: ['consortium', outsiders.caller.address],
        create: [outsiders.deployer.address],
        unlisted: 'basic',
        deployers: [{ address: outsiders.deployer.address, deploys: 'bridge' }],
      }),
    });
    chain = new RevisionChain(gov);
    policy = gov.current.permissions?.policy as Permissions;
    const node = gov.newNode(chain.signer('Alpha'), added.endpoint);
    added.node = node.node;
    chain.folder('Alpha').add('authority', 2, node.signer).add('node', 2, node.node);
    await chain.pass('Alpha', node.change);
    for (const name of names) built.set(name, [await chain.build(name, 0), await chain.build(name, 1)]);
    await chain.pass('Gamma', { kind: 'setPermissions', permissions: { ...policy, read: { ...policy.read, peers: [...policy.read.peers, REGULATOR] } } });
    for (const name of names) built.get(name)?.push(await chain.build(name, 2));
  });

  it('lists the added node in every other node\'s peers, before the read peers, and lets it through every firewall', () => {
    const enode = formatEnode(added.node.publicKey, added.endpoint);
    const revision = chain.revisions[0]?.artifact;
    for (const name of names) {
      const bundle = built.get(name)?.[1] as MemberBundle;
      for (const folder of nodeFolders(bundle)) {
        const own = revision?.enodes[revision.validators.indexOf(signerOf(bundle, folder))];
        const peers = textOf(bundle, `${folder}/reserved-peers`).trimEnd().split('\n');
        expect(peers, `${name} ${folder}`).toEqual([...(revision?.enodes ?? []).filter((e) => e !== own), ARCHIVE.enode]);
        if (own !== enode) expect(peers).toContain(enode);
      }
      expect(textOf(bundle, P2P_FIREWALL_FILE)).toContain('10.7.0.1');
      expect(textOf(built.get(name)?.[0] as MemberBundle, P2P_FIREWALL_FILE)).not.toContain('10.7.0.1');
      expect(verifyRevisionMemberBundle(chain.genesis, [revision as never], chain.spec, folderOf(bundle)), name).toEqual([]);
    }
    expect(nodeFolders(built.get('Alpha')?.[1] as MemberBundle).sort()).toEqual(['node-0', 'node-1', 'node-2']);
  });

  it('follows the policy in force: a setPermissions revision adds its read peer to every node', () => {
    for (const name of names) {
      const bundle = built.get(name)?.[2] as MemberBundle;
      for (const folder of nodeFolders(bundle)) expect(textOf(bundle, `${folder}/reserved-peers`).trimEnd().split('\n').slice(-2), `${name} ${folder}`).toEqual([ARCHIVE.enode, REGULATOR.enode]);
      expect(textOf(bundle, P2P_FIREWALL_FILE)).toContain('10.9.0.2');
      expect(verifyRevisionMemberBundle(chain.genesis, chain.revisions.map((r) => r.artifact), chain.spec, folderOf(bundle)), name).toEqual([]);
    }
    expect(textOf(built.get('Beta')?.[2] as MemberBundle, 'README.md')).toContain('readers/audit-partners.json');
  });
});

/** The engine signer in a node folder's OpenEthereum config. */
function signerOf(bundle: MemberBundle, folder: string): string {
  return /engine_signer = "(0x[0-9a-fA-F]{40})"/.exec(textOf(bundle, `${folder}/config.toml`))?.[1] ?? '';
}
