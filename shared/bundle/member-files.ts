/**
 * The files of a member bundle (layout: shared/bundle/member.ts) that follow from the revision it is
 * for, the member's key plan and the keys the bundle holds in the clear: each node's p2p key (its
 * config.toml and node.key carry it) and each bridge validator key the member chose to write into its
 * oracle env. That is every file but the copies of the artifact and revisions, the public bundle
 * (shared/bundle/bundle-revision.ts), the signers' keystores and passwords, and the readers' htpasswd
 * and credentials (made from randomness).
 *
 * The builder writes them with this code, and `verify --bundle` (shared/bundle/verify-bundle.ts)
 * rebuilds them with it, from the artifact and the keys it finds in the folder, and compares byte for
 * byte: an edit made after the build (a compose image tag, a config key, an oracle variable, the
 * README) is found whatever manifest.json says.
 */
import { ConcordError, joinPath } from '../errors.js';
import type { CeremonySpec } from '../spec/schema.js';
import { revisionFilePath, type BundleRevision } from './bundle-revision.js';
import { deploymentOf } from './deployment.js';
import { buildComposeFile } from './docker-compose.js';
import type { MemberKeyPlan } from './member-keys.js';
import { addNodeFiles, checkPortClashes, type BuiltNode } from './member-node.js';
import { addReadAccess } from './member-read-access.js';
import { buildMemberReadme, composeFileName } from './operator-readme.js';
import { buildOracleEnv, oracleEnvPath } from './oracle-env.js';
import type { ServedReader } from './read-access.js';
import { bridgeDeploymentOf } from '../governance/consortium.js';

/** What a member bundle's derived files are built from. */
export interface MemberFilesInput {
  revision: BundleRevision;
  plan: MemberKeyPlan;
  /** The chain's name (`chainNameOf`) and the chain spec file's text (the public bundle's). */
  chainName: string;
  chainSpecText: string;
  /**
   * Each node's p2p key by its index (`MemberNodeSlot.index`), checked to be the enrolled one; null or
   * absent: not known, and that node's config.toml and node.key are not made.
   */
  nodeKeys: ReadonlyMap<number, Uint8Array | null>;
  /** The key to write into each bridge validator's oracle env, by its index; null or absent: left out. */
  oracleKeys: ReadonlyMap<number, Uint8Array | null>;
  add: (path: string, content: string | Uint8Array) => void;
}

/** What the rest of the bundle needs from the derived files. */
export interface MemberFiles {
  nodes: BuiltNode[];
  /** The readers the member's reader proxy serves (none: no proxy, no htpasswd, no credential file). */
  proxyReaders: ServedReader[];
}

/** The chain's name as the revision's chain spec has it: the folder that holds the signer keystores. */
export function chainNameOf(revision: BundleRevision): string {
  const chainName = (revision.chainSpec as { name?: unknown }).name;
  if (typeof chainName !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9 _-]{0,63}$/.test(chainName)) {
    throw new ConcordError('ARTIFACT_INVALID', joinPath(revision.source, 'chainSpec', 'name'), 'a chain name of letters, digits, space, _ or -');
  }
  return chainName;
}

/** A name compose accepts as a project name. */
function projectSlug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/**
 * The compose project (and firewall table) name of a member: `concord-<ceremony id>-<member slug>`,
 * or `member-<its index among the members>` for a name that leaves no slug.
 */
export function memberProject(spec: CeremonySpec, memberName: string, memberIndex: number): string {
  return `concord-${spec.ceremonyId}-${projectSlug(memberName) || `member-${memberIndex}`}`;
}

/**
 * Adds the derived files: each node folder's (shared/bundle/member-node.ts `addNodeFiles`), the
 * read-access files that follow from the spec (a spec with `permissions`), one compose file per
 * client, one oracle env per bridge validator, and the README.
 */
export function addMemberFiles(input: MemberFilesInput): MemberFiles {
  const { revision, plan, add } = input;
  const spec = revision.spec;
  const memberName = plan.member.name;
  const deployment = deploymentOf(spec);
  const nodes = plan.nodes.map((slot) =>
    addNodeFiles({ spec, deployment, revision, chainName: input.chainName, chainSpecText: input.chainSpecText, slot, nodeKey: input.nodeKeys.get(slot.index) ?? null, add }),
  );
  checkPortClashes(nodes);
  const composeNodes = nodes.map(({ folder, signer, ports }) => ({ folder, signer, ports }));
  const project = memberProject(spec, memberName, plan.memberIndex);
  const readAccess =
    spec.permissions === undefined
      ? null
      : addReadAccess({
          spec,
          enodes: revision.enodes,
          memberName,
          project,
          nodes: nodes.map((node) => ({ folder: node.folder, validatorIndex: node.validatorIndex, p2pPort: node.ports.p2p })),
          composeNodes,
          add,
        });
  for (const client of spec.chain.clients) {
    const image = client === 'openethereum' ? deployment.images.openethereum : deployment.images.nethermind;
    const readerProxy = readAccess?.composeProxy;
    add(composeFileName(spec.chain.clients, client), buildComposeFile({ project: `${project}-${client}`, client, image, nodes: composeNodes, ...(readerProxy === undefined ? {} : { readerProxy }) }));
  }

  const oracleFiles = plan.bridge.map(({ index, address }) => {
    const agreed = revision.bridge;
    const agreedIndex = agreed === null ? -1 : agreed.validators.indexOf(address);
    if (agreed === null || agreedIndex < 0) throw new ConcordError('ARTIFACT_INVALID', joinPath(revision.source, 'bridge', 'validators'), `a list that holds ${address}`);
    const path = oracleEnvPath(index);
    const secretKey = input.oracleKeys.get(index) ?? null;
    add(
      path,
      buildOracleEnv({
        spec,
        index,
        agreedIndex,
        agreedCount: agreed.validators.length,
        requiredSignatures: agreed.requiredSignatures,
        bridgeDeployment: bridgeDeploymentOf(revision.consortium),
        address,
        secretKey,
      }),
    );
    return { path, address, keyIncluded: secretKey !== null };
  });

  // A bundle for revision n ≥ 1 holds revisions 1..n (bundleChainOf checked their order).
  const revisionFiles = Array.from({ length: revision.revision }, (_, i) => revisionFilePath(i + 1));
  const readmeRevision = revision.revision === 0 ? {} : { revision: { revision: revision.revision, files: revisionFiles, retired: plan.retired } };
  add('README.md', buildMemberReadme({ spec, memberName, nodes, oracleFiles, ...(readAccess === null ? {} : { readAccess: readAccess.readme }), ...readmeRevision }));
  return { nodes, proxyReaders: readAccess?.proxyReaders ?? [] };
}
