/**
 * Permissioned ceremonies for the permissioning tests: `makeCeremony`'s members and keys (real keys,
 * real proofs of possession), with a `permissions` section written from those keys, and the chain spec
 * Concord assembles from the spec and the honest reveals.
 */
import { assemble, type Assembly } from '../../../shared/assembly/assemble.js';
import type { EvmLevel } from '../../../shared/chainspec/evm-levels.js';
import { DEFAULT_LAYOUT, makeCeremony, makeKey, type MemberLayout, type TestCeremony, type TestKey } from '../../helpers/ceremony.js';

/** Accounts outside the consortium that a test policy names. */
export interface Outsiders {
  /** listed in `transact` */
  caller: TestKey;
  /** listed in `create` and as the bridge deployer */
  deployer: TestKey;
  /** listed nowhere */
  stranger: TestKey;
}

/** Options of `makePermissionedCeremony`. */
export interface PermissionedOptions {
  layout?: readonly MemberLayout[];
  evm?: EvmLevel;
  /** the `permissions` section, from the outsiders' keys and the member identities */
  permissions?: (outsiders: Outsiders, identities: readonly string[]) => Record<string, unknown>;
}

/** A ceremony with its outsiders, and what the honest reveals assemble to. */
export interface PermissionedCeremony {
  ceremony: TestCeremony;
  outsiders: Outsiders;
  assembly: Assembly;
}

/** The default policy: the consortium and `caller` may call, `deployer` may create, everyone else basic. */
export function defaultPolicy(outsiders: Outsiders): Record<string, unknown> {
  return {
    read: { readers: [{ name: 'Audit Partners', servedBy: 'Beta' }] },
    transact: ['consortium', outsiders.caller.address],
    create: [outsiders.deployer.address],
    unlisted: 'basic',
    deployers: [{ address: outsiders.deployer.address, deploys: 'bridge' }],
  };
}

/** A ceremony like `makeCeremony()`, with a `permissions` section, at the given EVM level. */
export async function makePermissionedCeremony(options: PermissionedOptions = {}): Promise<PermissionedCeremony> {
  const outsiders: Outsiders = { caller: makeKey(), deployer: makeKey(), stranger: makeKey() };
  const level = options.evm ?? 'london';
  const ceremony = makeCeremony({
    layout: options.layout ?? DEFAULT_LAYOUT,
    ceremonyId: 'permissioned-ceremony',
    editSpec: (json, identities) => {
      json.permissions = (options.permissions ?? defaultPolicy)(outsiders, identities);
      json.chain = { ...(json.chain as Record<string, unknown>), evm: level, clients: level === 'london' ? ['openethereum', 'nethermind'] : ['nethermind'] };
    },
  });
  const assembly = await assemble(ceremony.spec, ceremony.members.map((member) => member.contribution));
  return { ceremony, outsiders, assembly };
}
