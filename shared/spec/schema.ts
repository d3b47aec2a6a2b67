/**
 * The ceremony spec (DESIGN.md §2): one zod schema, used by the client, the coordinator and `verify`.
 * Strict objects everywhere (an unknown field is an error, as OpenEthereum's `deny_unknown_fields`),
 * addresses normalized to EIP-55, amounts as decimal strings, cross-field rules in `superRefine` with
 * the path of the field at fault.
 */
import { z } from 'zod';
import { addressField, amountField, endpointField, intField, ipv4Field } from '../validation/fields.js';
import { supportedClients } from '../chainspec/evm-levels.js';
import { isBuiltinAddress } from '../chainspec/builtins.js';
import { permissionsSchema, refinePermissions } from '../permissioning/schema.js';

/** The format tag of version 1 of the ceremony spec. */
export const SPEC_FORMAT = 'concord/ceremony-spec@1';

/** The most authority nodes or bridge validators one member may enroll. */
export const MAX_KEYS_PER_MEMBER = 16;
/** tokenbridge's BridgeValidators contract holds at most 50 validators (REFERENCE.md §4). */
export const MAX_BRIDGE_VALIDATORS = 50;

const memberSchema = z.strictObject({
  name: z.string().min(1).max(64),
  identity: addressField,
  authorityNodes: intField(1, MAX_KEYS_PER_MEMBER),
  bridgeValidators: intField(0, MAX_KEYS_PER_MEMBER),
  /** Where the other nodes reach this member's nodes; if absent, the member's client supplies them in its reveal. */
  endpoints: z.array(endpointField).optional(),
});

const clientSchema = z.enum(['openethereum', 'nethermind']);

const chainSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9 _-]{0,63}$/, 'a chain name of letters, digits, space, _ or - (1..64 characters)'),
  engine: z.literal('aura'),
  chainId: intField(1),
  networkId: intField(1),
  stepDurationSec: intField(1, 3600),
  gasLimit: amountField,
  blockRewardWei: amountField,
  baseFeePerGasWei: amountField.default('1000000000'),
  evm: z.enum(['london', 'shanghai', 'cancun']).default('london'),
  clients: z.array(clientSchema).min(1).default(['openethereum', 'nethermind']),
  accounts: z.array(z.strictObject({ address: addressField, balanceWei: amountField })).default([]),
  /**
   * From each `fromBlock` on, the validator set is a contract (OpenEthereum `validator_set.rs`):
   * `safeContract` non-reporting, `contract` reporting. The list from the reveals holds until the first.
   */
  validatorTransitions: z
    .array(z.strictObject({ fromBlock: intField(1), kind: z.enum(['safeContract', 'contract']), address: addressField }))
    .min(1)
    .superRefine((transitions, ctx) => {
      transitions.forEach((transition, i) => {
        const previous = transitions[i - 1];
        if (previous !== undefined && transition.fromBlock <= previous.fromBlock) {
          ctx.addIssue({ code: 'custom', path: [i, 'fromBlock'], message: `a block after validatorTransitions[${i - 1}].fromBlock` });
        }
      });
    })
    .optional(),
});

const bridgeSideSchema = z.strictObject({
  dailyLimit: amountField,
  maxPerTx: amountField,
  minPerTx: amountField,
  requiredBlockConfirmations: intField(1, 1000),
  gasPriceWei: amountField,
});

const bridgeSchema = z.strictObject({
  mode: z.literal('erc-to-erc'),
  foreignChainId: intField(1),
  requiredSignatures: intField(1, MAX_BRIDGE_VALIDATORS),
  foreignToken: addressField,
  // Written unquoted into the bridge deploy env (dotenv): no quotes, `#`, `\` or edge spaces.
  homeToken: z.strictObject({
    name: z.string().regex(/^[A-Za-z0-9._-]([A-Za-z0-9 ._-]{0,62}[A-Za-z0-9._-])?$/, 'a token name of letters, digits, space, . _ - (1..64 characters, no edge spaces)'),
    symbol: z.string().regex(/^[A-Za-z0-9._-]{1,16}$/, 'a token symbol of 1..16 letters, digits, . _ -'),
    decimals: intField(0, 36),
  }),
  owner: addressField,
  validatorsOwner: addressField,
  upgradeableAdmin: addressField,
  home: bridgeSideSchema,
  foreign: bridgeSideSchema,
});

const deadlinesSchema = z.strictObject({
  acceptSec: intField(1),
  commitSec: intField(1),
  revealSec: intField(1),
  approveSec: intField(1),
});

/**
 * How members run what the ceremony makes (DESIGN.md §6, issue 4): pinned docker images, where node RPC
 * listens, and per-node RPC/WebSocket port bases (node i of a member uses base + i; p2p listens on the
 * node's agreed endpoint port). Optional: a spec without it keeps its hash, and bundles use the
 * defaults (shared/bundle/deployment.ts `deploymentOf`).
 * Images: openethereum/openethereum:v3.3.5 is OpenEthereum's last release; tokenbridge oracle 2.x is the
 * last line that runs ERC_TO_ERC (REFERENCE.md §4: `:latest` is 3.x and refuses the mode).
 */
const imageField = z
  .string()
  .regex(/^[a-z0-9]+([._/-][a-z0-9]+)*:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, 'a docker image as name:tag with a pinned tag')
  .refine((image) => !image.endsWith(':latest'), 'a pinned tag, not latest');
const portBaseField = intField(1024, 65535 - MAX_KEYS_PER_MEMBER + 1);

/** The deployment section; every field has a default. */
export const deploymentSchema = z
  .strictObject({
    images: z
      .strictObject({
        openethereum: imageField.default('openethereum/openethereum:v3.3.5'),
        nethermind: imageField.default('nethermind/nethermind:1.32.4'),
        oracle: imageField.refine((image) => /:2\.[0-9]/.test(image), 'a tokenbridge oracle 2.x tag (3.x refuses ERC_TO_ERC)').default('poanetwork/tokenbridge-oracle:2.6.0'),
      })
      .default({ openethereum: 'openethereum/openethereum:v3.3.5', nethermind: 'nethermind/nethermind:1.32.4', oracle: 'poanetwork/tokenbridge-oracle:2.6.0' }),
    rpcBindAddress: ipv4Field.default('127.0.0.1'),
    rpcPortBase: portBaseField.default(8545),
    wsPortBase: portBaseField.default(8645),
  })
  .superRefine((deployment, ctx) => {
    if (Math.abs(deployment.wsPortBase - deployment.rpcPortBase) < MAX_KEYS_PER_MEMBER) {
      ctx.addIssue({ code: 'custom', path: ['wsPortBase'], message: `a base at least ${MAX_KEYS_PER_MEMBER} ports away from rpcPortBase (node i uses base + i)` });
    }
  });

/** The ceremony spec schema. Parse with `parseSpec` (shared/spec/parse.ts) to get ConcordErrors. */
export const ceremonySpecSchema = z
  .strictObject({
    format: z.literal(SPEC_FORMAT),
    ceremonyId: z.string().regex(/^[a-z0-9][a-z0-9-]{2,63}$/, 'an id of 3..64 lowercase letters, digits or -'),
    consortium: z.string().min(1).max(128),
    coordinator: addressField,
    members: z.array(memberSchema).min(1).max(200),
    chain: chainSchema,
    bridge: bridgeSchema.optional(),
    governance: z.strictObject({ threshold: intField(1) }),
    deadlines: deadlinesSchema,
    deployment: deploymentSchema.optional(),
    /** Who may read, transact and create (shared/permissioning/schema.ts); absent, the chain is open. */
    permissions: permissionsSchema.optional(),
  })
  .superRefine((spec, ctx) => {
    const identities = new Map<string, number>();
    const fixedEndpoints = new Map<string, string>();
    const names = new Map<string, number>();
    spec.members.forEach((member, i) => {
      const earlier = identities.get(member.identity);
      if (earlier !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['members', i, 'identity'], message: `an identity not already used by members[${earlier}]` });
      }
      identities.set(member.identity, i);
      const sameName = names.get(member.name.toLowerCase());
      if (sameName !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['members', i, 'name'], message: `a name not already used by members[${sameName}]` });
      }
      names.set(member.name.toLowerCase(), i);
      if (member.endpoints !== undefined && member.endpoints.length !== member.authorityNodes) {
        ctx.addIssue({ code: 'custom', path: ['members', i, 'endpoints'], message: `one endpoint per authority node (${member.authorityNodes})` });
      }
      member.endpoints?.forEach((endpoint, j) => {
        const owner = fixedEndpoints.get(endpoint.toLowerCase());
        if (owner !== undefined) ctx.addIssue({ code: 'custom', path: ['members', i, 'endpoints', j], message: `an endpoint not already fixed for ${owner}` });
        fixedEndpoints.set(endpoint.toLowerCase(), `members[${i}].endpoints[${j}]`);
      });
      if (member.identity === spec.coordinator) {
        ctx.addIssue({ code: 'custom', path: ['members', i, 'identity'], message: 'an identity other than the coordinator' });
      }
    });
    if (spec.governance.threshold > spec.members.length) {
      ctx.addIssue({ code: 'custom', path: ['governance', 'threshold'], message: `a threshold ≤ the number of members (${spec.members.length})` });
    }
    const seenAccounts = new Map<string, number>();
    spec.chain.accounts.forEach((account, i) => {
      const earlier = seenAccounts.get(account.address);
      if (earlier !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['chain', 'accounts', i, 'address'], message: `an address not already listed at chain.accounts[${earlier}]` });
      }
      seenAccounts.set(account.address, i);
      if (account.balanceWei === '0') {
        ctx.addIssue({ code: 'custom', path: ['chain', 'accounts', i, 'balanceWei'], message: 'a balance above 0 (an account without one need not be listed)' });
      }
      if (isBuiltinAddress(account.address)) {
        ctx.addIssue({ code: 'custom', path: ['chain', 'accounts', i, 'address'], message: 'an address other than the precompiles 0x…01..0x…09 (no key spends from them)' });
      }
    });
    if (new Set(spec.chain.clients).size !== spec.chain.clients.length) {
      ctx.addIssue({ code: 'custom', path: ['chain', 'clients'], message: 'each client named once' });
    }
    const levelClients = supportedClients(spec.chain.evm);
    spec.chain.clients.forEach((client, i) => {
      if (!levelClients.includes(client)) {
        ctx.addIssue({
          code: 'custom',
          path: ['chain', 'clients', i],
          message: `a client that runs EVM level ${spec.chain.evm} (${levelClients.join(', ')}); lower chain.evm or drop ${client}`,
        });
      }
    });
    if (spec.chain.baseFeePerGasWei === '0') {
      ctx.addIssue({ code: 'custom', path: ['chain', 'baseFeePerGasWei'], message: 'a non-zero base fee (London is at block 0)' });
    }
    refinePermissions(spec, (path, message) => ctx.addIssue({ code: 'custom', path, message }));
    // A permissioned chain's node RPC is reachable only through each member's authenticating proxy.
    if (spec.permissions !== undefined && spec.deployment !== undefined && spec.deployment.rpcBindAddress !== '127.0.0.1') {
      ctx.addIssue({ code: 'custom', path: ['deployment', 'rpcBindAddress'], message: '127.0.0.1 when the spec has permissions (outside readers go through the reader proxy)' });
    }
    const bridgeValidators = spec.members.reduce((sum, member) => sum + member.bridgeValidators, 0);
    if (spec.bridge === undefined) {
      if (bridgeValidators > 0) ctx.addIssue({ code: 'custom', path: ['bridge'], message: 'a bridge section, because members enroll bridge validators' });
      return;
    }
    if (bridgeValidators === 0) {
      ctx.addIssue({ code: 'custom', path: ['bridge'], message: 'no bridge section, or members with bridgeValidators > 0' });
    }
    if (bridgeValidators > MAX_BRIDGE_VALIDATORS) {
      ctx.addIssue({ code: 'custom', path: ['members'], message: `at most ${MAX_BRIDGE_VALIDATORS} bridge validators in all` });
    }
    if (spec.bridge.requiredSignatures > bridgeValidators) {
      ctx.addIssue({ code: 'custom', path: ['bridge', 'requiredSignatures'], message: `at most the number of bridge validators (${bridgeValidators})` });
    }
    for (const side of ['home', 'foreign'] as const) {
      const limits = spec.bridge[side];
      // tokenbridge-contracts deploy/src/loadEnv.js: 0 < min < max < daily.
      if (!(0n < BigInt(limits.minPerTx) && BigInt(limits.minPerTx) < BigInt(limits.maxPerTx) && BigInt(limits.maxPerTx) < BigInt(limits.dailyLimit))) {
        ctx.addIssue({ code: 'custom', path: ['bridge', side], message: '0 < minPerTx < maxPerTx < dailyLimit' });
      }
    }
    // Foreign: omni/tokenbridge-contracts deploy/src/loadEnv.js (stored version 0176b713, the ERC_TO_ERC
    // line) runs `checkGasPrices(env.FOREIGN_GAS_PRICE, foreignPrefix)` for every non-AMB mode and stops
    // with "FOREIGN_GAS_PRICE should be bigger than zero." Home: loadEnv checks HOME_GAS_PRICE only in
    // NATIVE_TO_ERC, so 0 would deploy, but the home chain is London from block 0 with a base fee that
    // never reaches 0 (chain.baseFeePerGasWei > 0 above; EIP-1559 lowers it by at most 1/8, rounded
    // down), and the oracle sends its home transactions at the home bridge's gasPrice() or the fallback
    // (omni/tokenbridge oracle/src/services/gasPrice.js): a gas price below the base fee is never
    // included (EIP-1559: the fee cap must be at least the block's base fee), so the bridge would stall.
    if (spec.bridge.foreign.gasPriceWei === '0') {
      ctx.addIssue({ code: 'custom', path: ['bridge', 'foreign', 'gasPriceWei'], message: 'a gas price above 0 (tokenbridge-contracts deploy/src/loadEnv.js: FOREIGN_GAS_PRICE should be bigger than zero)' });
    }
    if (spec.bridge.home.gasPriceWei === '0') {
      ctx.addIssue({ code: 'custom', path: ['bridge', 'home', 'gasPriceWei'], message: 'a gas price above 0 (the home chain has a London base fee above 0: the oracle\'s 0-gas-price transactions would never be included)' });
    }
  });

/** A validated ceremony spec, with addresses checksummed and defaults filled in. */
export type CeremonySpec = z.infer<typeof ceremonySpecSchema>;
/** One member of a ceremony spec. */
export type SpecMember = CeremonySpec['members'][number];
/** The node software a bundle targets. */
export type NodeClient = z.infer<typeof clientSchema>;
/** How members run what the ceremony makes: images, RPC address, port bases. */
export type Deployment = z.infer<typeof deploymentSchema>;
