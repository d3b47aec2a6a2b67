/**
 * The `permissions` section of the ceremony spec (DESIGN.md §2, issue 9): who may read the chain's
 * state, who may send transactions and call contracts, who may create contracts. Without the section
 * the chain is open as before: no permission contract, no filter.
 *
 *   "permissions": {
 *     "read": { "peers": [], "readers": [{ "name": "Audit Partners", "servedBy": "Contoso Bank" }] },
 *     "transact": ["consortium"],
 *     "create": ["0x5B38Da6a701c568545dCfcB03FcB875f56beddC4"],
 *     "unlisted": "none",
 *     "deployers": [{ "address": "0x5B38Da6a701c568545dCfcB03FcB875f56beddC4", "deploys": "bridge" }]
 *   }
 *
 * Rights, as bits of the version-2 transaction filter (openethereum `crates/ethcore/src/tx_filter.rs`):
 * `transact` gives Basic|Call, `create` Basic|Call|Create; `unlisted` is what everyone else gets:
 * `none`, `basic` (value transfers to accounts without code) or `call` (Basic|Call). The keyword
 * `consortium` stands for every member identity and every bridge validator the members enroll (known
 * only from the reveals). Reading is not an on-chain right in either client: `read` is enforced by the
 * node bundles (peers admitted, RPC behind each member's authenticating proxy).
 *
 * The cross-field rules (`refinePermissions`) run inside the spec schema's own `superRefine`, so every
 * error names the field at fault from the spec's root.
 */
import { z } from 'zod';
import { addressField, endpointProblem } from '../validation/fields.js';
import { PERMISSION_CONTRACT_ADDRESS } from './account.js';

/** The keyword for the member identities and the bridge validators they enroll. */
export const CONSORTIUM = 'consortium';

/** What a sender nobody lists may do. */
export const UNLISTED_RIGHTS = ['none', 'basic', 'call'] as const;

/** What a contract deployer deploys: the bridge (a spec with a bridge needs one), iExec's PoCo, anything else. */
export const DEPLOYMENTS = ['bridge', 'iexec', 'other'] as const;

const ENODE_PREFIX = /^enode:\/\/[0-9a-f]{128}@/;

const nameField = z.string().min(1).max(64);

const granteeField = z.string().transform((value, ctx): string => {
  if (value === CONSORTIUM) return value;
  const address = addressField.safeParse(value, { reportInput: false });
  if (address.success) return address.data;
  ctx.addIssue({ code: 'custom', message: `"${CONSORTIUM}" or an address (0x + 40 hex digits, lowercase or EIP-55)` });
  return z.NEVER;
});

const enodeField = z
  .string()
  .regex(ENODE_PREFIX, 'enode://<128 lowercase hex digits of the node public key>@host:port')
  .superRefine((value, ctx) => {
    if (!ENODE_PREFIX.test(value)) return; // the regex above says what is wrong
    const problem = endpointProblem(value.replace(ENODE_PREFIX, ''));
    if (problem !== null) ctx.addIssue({ code: 'custom', message: `enode://…@host:port: ${problem}` });
  });

/** The `permissions` section. */
export const permissionsSchema = z.strictObject({
  read: z
    .strictObject({
      /** Full nodes admitted as p2p peers besides the authority nodes; a peer receives every block and all state. */
      peers: z.array(z.strictObject({ name: nameField, enode: enodeField, operator: nameField.optional() })).max(64).default([]),
      /** Outside readers, each reaching RPC only through the authenticating proxy of the member named in `servedBy`. */
      readers: z.array(z.strictObject({ name: nameField, servedBy: nameField })).max(200).default([]),
    })
    .default({ peers: [], readers: [] }),
  transact: z.array(granteeField).max(1000).default([]),
  create: z.array(granteeField).max(1000).default([]),
  unlisted: z.enum(UNLISTED_RIGHTS),
  deployers: z.array(z.strictObject({ address: addressField, deploys: z.enum(DEPLOYMENTS) })).max(100).default([]),
});

/** A validated `permissions` section. */
export type Permissions = z.infer<typeof permissionsSchema>;

/** The parts of a ceremony spec the permission rules look at. */
export interface PermissionsContext {
  members: readonly { name: string; identity: string }[];
  chain: { accounts: readonly { address: string }[] };
  bridge?: unknown;
  permissions?: Permissions;
}

type Issue = (path: (string | number)[], message: string) => void;

/** Every place an address or the keyword is granted rights, and which right. */
function grants(permissions: Permissions): { list: 'transact' | 'create'; index: number; grantee: string }[] {
  return (['transact', 'create'] as const).flatMap((list) => permissions[list].map((grantee, index) => ({ list, index, grantee })));
}

function refineRights(spec: PermissionsContext, permissions: Permissions, issue: Issue): void {
  const identities = new Set(spec.members.map((member) => member.identity));
  const consortiumAt = new Map<'transact' | 'create', number>();
  for (const { list, index, grantee } of grants(permissions)) if (grantee === CONSORTIUM && !consortiumAt.has(list)) consortiumAt.set(list, index);

  const seen = new Map<string, { list: 'transact' | 'create'; index: number }>();
  for (const { list, index, grantee } of grants(permissions)) {
    const earlier = seen.get(grantee);
    if (earlier !== undefined) {
      issue(
        ['permissions', list, index],
        earlier.list === list
          ? `an entry not already listed at permissions.${list}[${earlier.index}]`
          : `an entry not already given other rights at permissions.${earlier.list}[${earlier.index}]`,
      );
    }
    seen.set(grantee, { list, index });
    if (grantee !== CONSORTIUM && identities.has(grantee)) {
      for (const [keywordList, keywordIndex] of consortiumAt) {
        issue(
          ['permissions', list, index],
          keywordList === list
            ? `an address not already covered by "${CONSORTIUM}" at permissions.${list}[${keywordIndex}] (it is a member identity)`
            : `an address not already given other rights by "${CONSORTIUM}" at permissions.${keywordList}[${keywordIndex}] (it is a member identity)`,
        );
      }
    }
  }

  const mayCreate = (address: string): boolean => permissions.create.includes(address) || (identities.has(address) && permissions.create.includes(CONSORTIUM));
  const deployments = new Set<string>();
  permissions.deployers.forEach((deployer, i) => {
    const key = `${deployer.address} ${deployer.deploys}`;
    if (deployments.has(key)) issue(['permissions', 'deployers', i], 'a deployer not already listed for the same deployment');
    deployments.add(key);
    if (!mayCreate(deployer.address)) {
      issue(['permissions', 'deployers', i, 'address'], `an address given Create in permissions.create (a deployer needs Create)`);
    }
  });

  const bridgeDeployer = permissions.deployers.some((deployer) => deployer.deploys === 'bridge');
  if (spec.bridge !== undefined && !bridgeDeployer) {
    issue(['permissions', 'deployers'], 'a deployer with deploys "bridge": the spec has a bridge section, whose home-side contracts someone must create');
  }
  if (spec.bridge === undefined && bridgeDeployer) {
    issue(['permissions', 'deployers'], 'no deployer of the bridge: the spec has no bridge section');
  }
  // tokenbridge oracles send their signatures as transactions to the home bridge contract (REFERENCE.md §4).
  if (spec.bridge !== undefined && consortiumAt.size === 0 && permissions.unlisted !== 'call') {
    issue(['permissions', 'transact'], `"${CONSORTIUM}" in permissions.transact or permissions.create, or unlisted "call": the bridge validators' oracles must call the home bridge`);
  }
}

function refineRead(spec: PermissionsContext, permissions: Permissions, issue: Issue): void {
  const memberNames = new Set(spec.members.map((member) => member.name));
  const names = new Map<string, string>();
  const enodes = new Map<string, number>();
  const named = (path: (string | number)[], label: string, name: string): void => {
    const earlier = names.get(name.toLowerCase());
    if (earlier !== undefined) issue([...path, 'name'], `a name not already used by ${earlier}`);
    names.set(name.toLowerCase(), label);
  };
  permissions.read.peers.forEach((peer, i) => {
    named(['permissions', 'read', 'peers', i], `permissions.read.peers[${i}]`, peer.name);
    const id = peer.enode.slice(0, peer.enode.indexOf('@'));
    const earlier = enodes.get(id);
    if (earlier !== undefined) issue(['permissions', 'read', 'peers', i, 'enode'], `a node key not already listed at permissions.read.peers[${earlier}]`);
    enodes.set(id, i);
    if (peer.operator !== undefined && !memberNames.has(peer.operator)) {
      issue(['permissions', 'read', 'peers', i, 'operator'], 'the name of a member (members[].name), or no operator for an outside party');
    }
  });
  permissions.read.readers.forEach((reader, i) => {
    named(['permissions', 'read', 'readers', i], `permissions.read.readers[${i}]`, reader.name);
    if (!memberNames.has(reader.servedBy)) issue(['permissions', 'read', 'readers', i, 'servedBy'], 'the name of a member (members[].name) whose proxy serves this reader');
  });
}

/**
 * The rules of the `permissions` section that look beyond it: an entry listed twice or with two rights
 * (an address and `consortium` covering the same member), deployers without Create, a bridge nobody
 * may deploy, bridge validators that could not call the home bridge, readers served by no member, and
 * prefunded accounts at the permission contract's address. Reports through `issue`, paths from the root.
 */
export function refinePermissions(spec: PermissionsContext, issue: Issue): void {
  const permissions = spec.permissions;
  if (permissions === undefined) return;
  refineRights(spec, permissions, issue);
  refineRead(spec, permissions, issue);
  spec.chain.accounts.forEach((account, i) => {
    if (account.address === PERMISSION_CONTRACT_ADDRESS) {
      issue(['chain', 'accounts', i, 'address'], `an address other than the permission contract's (${PERMISSION_CONTRACT_ADDRESS})`);
    }
  });
}
