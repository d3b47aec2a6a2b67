/**
 * `concord propose <kind>`: a member proposes a change to the consortium (DESIGN.md §7). The client
 * replays the transcript itself, so the proposal is made against the current revision and every new
 * key gets the member's next index; new keys (a node's signer and p2p key, a rotated signer, bridge
 * validators) are made locally into the member's key folder, as `join` makes them, each with its proof
 * of possession. The change is signed by hash inside an EIP-712 Propose; the proposal's hash (what
 * votes name) is printed last.
 *
 *   add-authority          --keys <folder> --endpoint host:port --activation-block n
 *   remove-authority       --signer <address> --activation-block n
 *   rotate-authority       --keys <folder> --old-signer <address> --activation-block n
 *   set-bridge-validators  [--keys <folder> --add-own n] [--remove <address>]… [--required-signatures n]
 *   admit-member           --admission <file made by the candidate's `concord admission prepare`> --activation-block n
 *   remove-member          --member <identity address> --activation-block n
 *   set-permissions        --policy <file.json: the new `permissions` section, in the spec's format>
 *   record-bridge-deployment  --home-validators <address> --foreign-validators <address>, and either
 *                          --results <bridgeDeploymentResults.json> or --home-bridge <address>
 *                          --home-block n --foreign-bridge <address> --foreign-block n
 *
 * The results file is the one tokenbridge-contracts `deploy/` writes (shared/governance/bridge-deployment.ts
 * says which field is which); it does not hold the BridgeValidators addresses, hence their flags.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ConcordError } from '../../shared/errors.js';
import { hashCanonical } from '../../shared/hash/keccak.js';
import { addressOf, publicKeyOf, type Address } from '../../shared/crypto/secp256k1.js';
import { toHex } from '../../shared/hash/hex.js';
import { parseWith } from '../../shared/validation/zod.js';
import { z } from 'zod';
import { addressField, checksummedAddressField, endpointField, intField } from '../../shared/validation/fields.js';
import type { BridgeChain, BridgeDeployment } from '../../shared/governance/bridge-deployment.js';
import { changeSchema, type Change } from '../../shared/governance/change.js';
import { memberOf, type ConsortiumMember } from '../../shared/governance/consortium.js';
import { currentConsortium } from '../../shared/governance/proposals.js';
import { signGovernancePop, type PopContext } from '../../shared/governance/pop.js';
import { permissionsSchema } from '../../shared/permissioning/schema.js';
import { readJson } from '../io/files.js';
import { scryptParams } from '../keys/kdf.js';
import type { Output } from '../cli/output.js';
import { loadOrCreateKey } from './governance-keys.js';
import { openMemberSession, submitSigned, type MemberOptions, type MemberSession } from './governance-link.js';

/** The CLI's kinds and the change kind each makes. */
export const PROPOSAL_KINDS = {
  'add-authority': 'addAuthority',
  'remove-authority': 'removeAuthority',
  'rotate-authority': 'rotateAuthority',
  'set-bridge-validators': 'setBridgeValidators',
  'admit-member': 'admitMember',
  'remove-member': 'removeMember',
  'set-permissions': 'setPermissions',
  'record-bridge-deployment': 'recordBridgeDeployment',
} as const;

/** A kind as the CLI names it. */
export type ProposalKind = keyof typeof PROPOSAL_KINDS;

export interface ProposeOptions extends MemberOptions {
  activationBlock: string;
  deadline: string;
  lightKdf: boolean;
  keys?: string;
  endpoint?: string;
  signer?: string;
  oldSigner?: string;
  addOwn?: string;
  remove: string[];
  requiredSignatures?: string;
  admission?: string;
  member?: string;
  policy?: string;
  results?: string;
  homeBridge?: string;
  homeValidators?: string;
  homeBlock?: string;
  foreignBridge?: string;
  foreignValidators?: string;
  foreignBlock?: string;
}

/** A whole number ≥ `min` from a command-line flag. */
export function wholeNumber(text: string, flag: string, min = 0): number {
  if (!/^\d{1,15}$/.test(text) || Number(text) < min) throw new ConcordError('MESSAGE_INVALID', flag, `a whole number ≥ ${min}`);
  return Number(text);
}

function required(value: string | undefined, flag: string, what: string): string {
  if (value === undefined) throw new ConcordError('MESSAGE_INVALID', flag, what);
  return value;
}

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** A voting deadline in unix seconds from `+<n><s|m|h|d>`, unix seconds, or an ISO 8601 time; it must be in the future. */
export function parseDeadline(text: string, nowMs: number): number {
  const relative = /^\+(\d{1,9})([smhd])$/.exec(text);
  let seconds: number;
  if (relative !== null) seconds = Math.floor(nowMs / 1000) + Number(relative[1]) * (UNIT_SECONDS[relative[2] as string] as number);
  else if (/^\d{9,12}$/.test(text)) seconds = Number(text);
  else {
    const parsed = Date.parse(text);
    if (Number.isNaN(parsed)) throw new ConcordError('MESSAGE_INVALID', '--deadline', 'a duration from now (+30m, +12h, +7d), unix seconds, or an ISO 8601 time');
    seconds = Math.floor(parsed / 1000);
  }
  if (seconds * 1000 <= nowMs) throw new ConcordError('DEADLINE_PASSED', '--deadline', 'a voting deadline in the future');
  return seconds;
}

/** One bridge of tokenbridge-contracts' `bridgeDeploymentResults.json` (other fields, e.g. `erc677`, are ignored). */
const deployedBridgeSchema = z.object({ address: checksummedAddressField, deployedBlockNumber: intField(1) });
const deploymentResultsSchema = z.object({ homeBridge: deployedBridgeSchema, foreignBridge: deployedBridgeSchema });

/** The deployment to record: each bridge and its block from `--results` or from flags, each BridgeValidators from its flag. */
async function bridgeDeploymentFor(options: ProposeOptions): Promise<BridgeDeployment> {
  const contract = (text: string | undefined, flag: string, what: string): Address => parseWith(checksummedAddressField, required(text, flag, what), 'MESSAGE_INVALID', flag);
  const validators = (chain: BridgeChain): Address =>
    contract(chain === 'home' ? options.homeValidators : options.foreignValidators, `--${chain}-validators`, `the ${chain} BridgeValidators address, as the deployment printed it ([${chain === 'home' ? 'Home' : 'Foreign'}] BridgeValidators Storage)`);
  if (options.results !== undefined) {
    for (const [flag, value] of [['--home-bridge', options.homeBridge], ['--home-block', options.homeBlock], ['--foreign-bridge', options.foreignBridge], ['--foreign-block', options.foreignBlock]] as const) {
      if (value !== undefined) throw new ConcordError('MESSAGE_INVALID', flag, 'either --results or the bridge addresses and blocks as flags, not both');
    }
    const path = resolve(options.results);
    const results = parseWith(deploymentResultsSchema, await readJson(path, "tokenbridge-contracts' bridgeDeploymentResults.json"), 'FILE_INVALID', path);
    const side = (chain: BridgeChain, deployed: z.infer<typeof deployedBridgeSchema>) => ({ bridge: deployed.address, validators: validators(chain), deployedBlock: deployed.deployedBlockNumber });
    return { home: side('home', results.homeBridge), foreign: side('foreign', results.foreignBridge) };
  }
  const side = (chain: BridgeChain, bridge: string | undefined, block: string | undefined) => ({
    bridge: contract(bridge, `--${chain}-bridge`, `the ${chain} bridge address (${chain}Bridge.address of bridgeDeploymentResults.json), or --results`),
    validators: validators(chain),
    deployedBlock: wholeNumber(required(block, `--${chain}-block`, `the block the ${chain} bridge was deployed at (${chain}Bridge.deployedBlockNumber), or --results`), `--${chain}-block`, 1),
  });
  return { home: side('home', options.homeBridge, options.homeBlock), foreign: side('foreign', options.foreignBridge, options.foreignBlock) };
}

/** The change `kind` asks for, with any new key made in the member's folder. */
async function changeFor(kind: ProposalKind, session: MemberSession, me: ConsortiumMember, options: ProposeOptions, output: Output): Promise<Change> {
  const context: PopContext = { ceremonyId: session.spec.ceremonyId, specHash: session.specHash };
  const address = (text: string | undefined, flag: string): Address => parseWith(addressField, required(text, flag, 'an address'), 'MESSAGE_INVALID', flag);
  const folder = (): string => resolve(required(options.keys, '--keys', "your key folder (the one given to join --out): the new key is made there"));
  const scrypt = scryptParams(options.lightKdf);
  const key = (role: 'authority' | 'node' | 'bridge', index: number): Promise<Uint8Array> => loadOrCreateKey(folder(), role, index, scrypt, (line) => output.progress(line));
  const pop = (role: 'authority' | 'node' | 'bridge', index: number, secretKey: Uint8Array): string => signGovernancePop(context, me.identity, role, index, secretKey);
  switch (kind) {
    case 'add-authority': {
      const endpoint = parseWith(endpointField, required(options.endpoint, '--endpoint', "the new node's p2p endpoint host:port"), 'ENDPOINT_INVALID', '--endpoint');
      const index = me.nextIndex.authority;
      const signer = await key('authority', index);
      const node = await key('node', index);
      return {
        kind: 'addAuthority',
        member: me.identity,
        node: { signer: addressOf(signer), signerPop: pop('authority', index, signer), nodePublicKey: toHex(publicKeyOf(node)), nodePop: pop('node', index, node), endpoint },
      };
    }
    case 'remove-authority':
      return { kind: 'removeAuthority', signer: address(options.signer, '--signer') };
    case 'rotate-authority': {
      const oldSigner = address(options.oldSigner, '--old-signer');
      const index = me.nextIndex.authority;
      const signer = await key('authority', index);
      return { kind: 'rotateAuthority', oldSigner, newSigner: addressOf(signer), newSignerPop: pop('authority', index, signer) };
    }
    case 'set-bridge-validators': {
      const own = options.addOwn === undefined ? 0 : wholeNumber(options.addOwn, '--add-own', 1);
      const add: { member: Address; address: Address; pop: string }[] = [];
      for (let i = 0; i < own; i++) {
        const index = me.nextIndex.bridge + i;
        const secretKey = await key('bridge', index);
        add.push({ member: me.identity, address: addressOf(secretKey), pop: pop('bridge', index, secretKey) });
      }
      const current = currentConsortium(session.governance).bridge;
      const requiredSignatures = options.requiredSignatures === undefined ? (current?.requiredSignatures ?? 0) : wholeNumber(options.requiredSignatures, '--required-signatures');
      return { kind: 'setBridgeValidators', add, remove: options.remove.map((text, i) => address(text, `--remove[${i}]`)), requiredSignatures };
    }
    case 'admit-member': {
      const path = resolve(required(options.admission, '--admission', "the candidate's admission file (concord admission prepare)"));
      let json: unknown;
      try {
        json = JSON.parse(await readFile(path, 'utf8'));
      } catch {
        throw new ConcordError('FILE_INVALID', path, 'a readable JSON file made by concord admission prepare');
      }
      const change = parseWith(changeSchema, json, 'FILE_INVALID', path);
      if (change.kind !== 'admitMember') throw new ConcordError('FILE_INVALID', `${path}.kind`, 'an admitMember change');
      return change;
    }
    case 'remove-member':
      return { kind: 'removeMember', identity: address(options.member, '--member') };
    case 'set-permissions': {
      const path = resolve(required(options.policy, '--policy', "a JSON file holding the new permissions section, in the spec's format"));
      return { kind: 'setPermissions', permissions: parseWith(permissionsSchema, await readJson(path, 'a permissions section'), 'FILE_INVALID', path) };
    }
    case 'record-bridge-deployment':
      return { kind: 'recordBridgeDeployment', ...(await bridgeDeploymentFor(options)) };
  }
}

/** Proposes a change; prints the proposal and its hash last. */
export async function propose(kind: string, options: ProposeOptions, output: Output): Promise<void> {
  if (!(kind in PROPOSAL_KINDS)) throw new ConcordError('MESSAGE_INVALID', 'kind', `one of ${Object.keys(PROPOSAL_KINDS).join(', ')}`);
  const votingDeadline = parseDeadline(options.deadline, Date.now());
  const activationBlock = wholeNumber(options.activationBlock, '--activation-block');
  const session = await openMemberSession(options, (line) => output.progress(line));
  try {
    const current = currentConsortium(session.governance);
    const me = memberOf(current, session.identity.address);
    if (me === undefined) throw new ConcordError('NOT_A_MEMBER', '--identity', `the identity of a member of revision ${current.revision}`);
    const change = await changeFor(kind as ProposalKind, session, me, options, output);
    const payload = {
      ceremonyId: session.spec.ceremonyId,
      specHash: session.specHash,
      genesisHash: session.governance.genesisHash,
      revision: current.revision,
      changeHash: hashCanonical(change),
      activationBlock,
      votingDeadline,
      change,
    };
    const receipt = await submitSigned(session, { kind: 'Propose', payload });
    output.result({ proposal: receipt.entryHash, seq: receipt.seq, revision: current.revision, activationBlock, votingDeadline, change }, [
      `proposed ${kind} against revision ${current.revision} (transcript entry #${receipt.seq}); voting closes ${new Date(votingDeadline * 1000).toISOString()}`,
      `members vote with: concord vote ${receipt.entryHash} --yes|--no`,
      receipt.entryHash,
    ]);
  } finally {
    session.link.close();
  }
}
