/**
 * A ceremony for tests, with real keys and real signatures throughout: members with random identity,
 * authority, node and bridge-validator keys; a spec parsed by the real schema; contributions with real
 * proofs of possession (`signPop`); salts and commitments (`commitmentOf`); transcript entries signed
 * with `signTyped` and chained by `hashEntry`. Nothing is mocked: what a test feeds the reducer is what
 * a member's client would send.
 *
 *   const ceremony = makeCeremony();             // 3 members: Alpha (2 nodes, 1 bridge), Beta (1, 1, fixed endpoint), Gamma (1, 0)
 *   const run = new CeremonyRun(ceremony);
 *   await run.advanceTo('REVEAL');               // everyone accepts and commits
 *   await run.reveal(ceremony.members[0]);       // applies a signed Reveal through applyEntry
 *   const entry = run.entry('Accept', alpha.identity, run.acceptPayload());   // build without applying
 */
import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { addressOf, publicKeyOf, randomSecretKey, type Address } from '../../shared/crypto/secp256k1.js';
import { signTyped } from '../../shared/eip712/sign.js';
import { hashCanonical } from '../../shared/hash/keccak.js';
import { ZERO_HASH, toHex, type Hex, type Hex32 } from '../../shared/hash/hex.js';
import { parseSpec, hashSpec } from '../../shared/spec/parse.js';
import type { CeremonySpec, SpecMember } from '../../shared/spec/schema.js';
import { commitmentOf, signPop, type Contribution, type PopRole } from '../../shared/ceremony/contribution.js';
import { applyEntry, initialState, type CeremonyContext, type CeremonyState, type Phase } from '../../shared/ceremony/reducer.js';
import type { EntryKind, Payload, TranscriptEntry } from '../../shared/transcript/entry.js';
import type { ErrorCode } from '../../shared/errors.js';
import { expectRejects } from './errors.js';

/** A secp256k1 key pair: the secret, its checksummed address and its 64-byte public key (the enode id). */
export interface TestKey {
  secretKey: Uint8Array;
  address: Address;
  publicKey: Hex;
}

/** A fresh random key. */
export function makeKey(): TestKey {
  const secretKey = randomSecretKey();
  return { secretKey, address: addressOf(secretKey), publicKey: toHex(publicKeyOf(secretKey)) };
}

/** 32 fresh random bytes as 0x-hex: a salt, a nonce, a hash that matches nothing. */
export function randomHash(): Hex32 {
  return toHex(randomBytes(32));
}

/** How many keys a member enrolls, and whether the spec fixes its endpoints. */
export interface MemberLayout {
  name: string;
  authorityNodes: number;
  bridgeValidators: number;
  /** If true, the spec lists the member's endpoints; otherwise the member supplies them in its reveal. */
  fixedEndpoints?: boolean;
}

/** Three members, one with two authority nodes, two with bridge validators, one with endpoints fixed by the spec. */
export const DEFAULT_LAYOUT: readonly MemberLayout[] = [
  { name: 'Alpha', authorityNodes: 2, bridgeValidators: 1 },
  { name: 'Beta', authorityNodes: 1, bridgeValidators: 1, fixedEndpoints: true },
  { name: 'Gamma', authorityNodes: 1, bridgeValidators: 0 },
];

/** One authority node's keys and where it listens. */
export interface TestAuthority {
  signer: TestKey;
  node: TestKey;
  endpoint: string;
}

/** A member with all its keys, its entry in the spec, and the contribution and salt it plans to reveal. */
export interface TestMember {
  name: string;
  identity: TestKey;
  authorities: TestAuthority[];
  bridgeValidators: TestKey[];
  /** This member as the parsed spec lists it. */
  spec: SpecMember;
  /** The honest contribution, with real proofs of possession. */
  contribution: Contribution;
  salt: Hex32;
}

/** A spec with its hash, the coordinator's key and the members. */
export interface TestCeremony {
  spec: CeremonySpec;
  specHash: Hex32;
  context: CeremonyContext;
  coordinator: TestKey;
  members: TestMember[];
}

export interface CeremonyOptions {
  layout?: readonly MemberLayout[];
  ceremonyId?: string;
  /** Bridge required signatures; defaults to a majority of the bridge validators. No bridge if there are none. */
  requiredSignatures?: number;
  /** Phase deadlines in seconds; each one not given is an hour. */
  deadlines?: Partial<CeremonySpec['deadlines']>;
  /** Edits the raw spec JSON before it is parsed (a `deployment` or `permissions` section, chain fields); gets the members' identities. */
  editSpec?: (json: Record<string, unknown>, identities: readonly Address[]) => void;
}

/** The endpoint of member `m`'s node `i`: distinct for every node of a test ceremony. */
export function endpointOf(memberIndex: number, nodeIndex: number): string {
  return `10.0.${memberIndex}.${nodeIndex + 1}:30303`;
}

/** The raw JSON of a spec for these members (what a consortium would write), before parsing. */
export function specJson(
  ceremonyId: string,
  coordinator: Address,
  members: readonly { layout: MemberLayout; identity: Address; endpoints: string[] }[],
  requiredSignatures?: number,
): Record<string, unknown> {
  const bridgeValidators = members.reduce((sum, member) => sum + member.layout.bridgeValidators, 0);
  const limits = (confirmations: number) => ({
    dailyLimit: '1000000000000000000000000',
    maxPerTx: '100000000000000000000000',
    minPerTx: '1000000000000000000',
    requiredBlockConfirmations: confirmations,
    gasPriceWei: '1000000000',
  });
  return {
    format: 'concord/ceremony-spec@1',
    ceremonyId,
    consortium: 'Test Consortium',
    coordinator,
    members: members.map(({ layout, identity, endpoints }) => ({
      name: layout.name,
      identity,
      authorityNodes: layout.authorityNodes,
      bridgeValidators: layout.bridgeValidators,
      ...(layout.fixedEndpoints === true ? { endpoints } : {}),
    })),
    chain: {
      name: 'TestHome',
      engine: 'aura',
      chainId: 77_999,
      networkId: 77_999,
      stepDurationSec: 5,
      gasLimit: '10000000',
      blockRewardWei: '0',
      accounts: [{ address: makeKey().address, balanceWei: '1000000000000000000000' }],
    },
    ...(bridgeValidators === 0
      ? {}
      : {
          bridge: {
            mode: 'erc-to-erc',
            foreignChainId: 1,
            requiredSignatures: requiredSignatures ?? Math.floor(bridgeValidators / 2) + 1,
            foreignToken: makeKey().address,
            homeToken: { name: 'Test Bridged Token', symbol: 'TBT', decimals: 18 },
            owner: makeKey().address,
            validatorsOwner: makeKey().address,
            upgradeableAdmin: makeKey().address,
            home: limits(1),
            foreign: limits(8),
          },
        }),
    governance: { threshold: Math.floor(members.length / 2) + 1 },
    deadlines: { acceptSec: 3600, commitSec: 3600, revealSec: 3600, approveSec: 3600 },
  };
}

/** A proof of possession by `key` for `member`'s enrollment `role`/`index` in this ceremony. */
export function popBy(ceremony: TestCeremony, member: { identity: TestKey }, role: PopRole, index: number, key: TestKey): Hex {
  return signPop(ceremony.spec.ceremonyId, ceremony.specHash, member.identity.address, role, index, key.secretKey);
}

/** The honest contribution of `member`: every key it holds, each with its proof of possession. */
export function buildContribution(ceremony: TestCeremony, member: Pick<TestMember, 'identity' | 'authorities' | 'bridgeValidators'>): Contribution {
  return {
    member: member.identity.address,
    authorities: member.authorities.map((node, index) => ({
      index,
      signer: node.signer.address,
      signerPop: popBy(ceremony, member, 'authority', index, node.signer),
      nodePublicKey: node.node.publicKey,
      nodePop: popBy(ceremony, member, 'node', index, node.node),
      endpoint: node.endpoint,
    })),
    bridgeValidators: member.bridgeValidators.map((key, index) => ({ index, address: key.address, pop: popBy(ceremony, member, 'bridge', index, key) })),
  };
}

/** A ceremony with fresh keys for every member and the coordinator, its spec parsed and hashed. */
export function makeCeremony(options: CeremonyOptions = {}): TestCeremony {
  const layout = options.layout ?? DEFAULT_LAYOUT;
  const coordinator = makeKey();
  const keys = layout.map((memberLayout, m) => ({
    layout: memberLayout,
    identity: makeKey(),
    authorities: Array.from({ length: memberLayout.authorityNodes }, (_, i) => ({ signer: makeKey(), node: makeKey(), endpoint: endpointOf(m, i) })),
    bridgeValidators: Array.from({ length: memberLayout.bridgeValidators }, () => makeKey()),
  }));
  const json = specJson(
    options.ceremonyId ?? 'test-ceremony',
    coordinator.address,
    keys.map((k) => ({ layout: k.layout, identity: k.identity.address, endpoints: k.authorities.map((a) => a.endpoint) })),
    options.requiredSignatures,
  );
  options.editSpec?.(json, keys.map((k) => k.identity.address));
  const spec = parseSpec({ ...json, deadlines: { ...(json.deadlines as CeremonySpec['deadlines']), ...options.deadlines } });
  const specHash = hashSpec(spec);
  const ceremony: TestCeremony = { spec, specHash, context: { spec, specHash }, coordinator, members: [] };
  keys.forEach((k, m) => {
    const base = { name: k.layout.name, identity: k.identity, authorities: k.authorities, bridgeValidators: k.bridgeValidators, spec: spec.members[m] as SpecMember };
    ceremony.members.push({ ...base, contribution: buildContribution(ceremony, base), salt: randomHash() });
  });
  return ceremony;
}

/** Where an entry goes in the transcript. */
export interface EntryPosition {
  seq: number;
  prevHash: Hex32;
}

/** The transcript entry of kind K. */
export type EntryOf<K extends EntryKind> = Extract<TranscriptEntry, { kind: K }>;

/** Signs an entry's payload as the EIP-712 message of its kind (a Reveal signs its contribution by hash). */
export function signPayload<K extends EntryKind>(kind: K, payload: Payload<K>, secretKey: Uint8Array): Hex {
  const p = payload as Payload<EntryKind>;
  switch (kind) {
    case 'Reveal': {
      const { ceremonyId, specHash, contributionHash, salt } = p as Payload<'Reveal'>;
      return signTyped('Reveal', { ceremonyId, specHash, contributionHash, salt }, secretKey);
    }
    case 'Accept':
      return signTyped('Accept', p as Payload<'Accept'>, secretKey);
    case 'Commit':
      return signTyped('Commit', p as Payload<'Commit'>, secretKey);
    case 'Approve':
      return signTyped('Approve', p as Payload<'Approve'>, secretKey);
    case 'Reject':
      return signTyped('Reject', p as Payload<'Reject'>, secretKey);
    case 'Abort':
      return signTyped('Abort', p as Payload<'Abort'>, secretKey);
    default:
      throw new Error(`no typed message for entry kind ${String(kind)}`);
  }
}

/** A signed entry by `author` at `at`; `signer` (default: the author) makes the signature. */
export function makeEntry<K extends EntryKind>(kind: K, author: TestKey, payload: Payload<K>, at: EntryPosition, signer: TestKey = author): EntryOf<K> {
  const entry = { seq: at.seq, prevHash: at.prevHash, kind, member: author.address, payload, signature: signPayload(kind, payload, signer.secretKey) };
  return entry as unknown as EntryOf<K>;
}

/** Options of `CeremonyRun.entry`. */
export interface EntryOptions {
  /** Who signs (default: the author). */
  signer?: TestKey;
  /** Override seq or prevHash (default: the next position of the run). */
  at?: Partial<EntryPosition>;
}

/**
 * A ceremony being driven through the real reducer: `state` and the accepted `entries` move together.
 * `apply` runs `applyEntry`; a rejected entry changes neither. Each member's planned contribution and
 * salt are its honest ones unless a test `plan`s others.
 */
export class CeremonyRun {
  state: CeremonyState;
  readonly entries: TranscriptEntry[] = [];
  private readonly plans = new Map<TestMember, { contribution: Contribution; salt: Hex32 }>();

  constructor(readonly ceremony: TestCeremony) {
    this.state = initialState(ceremony.spec);
  }

  /**
   * An independent run from this point: same state and transcript so far, its own future. The reducer
   * never mutates a state, so forks share it safely (and `expectRefused` would catch one that did).
   */
  fork(): CeremonyRun {
    const copy = new CeremonyRun(this.ceremony);
    copy.state = this.state;
    copy.entries.push(...this.entries);
    for (const [member, plan] of this.plans) copy.plans.set(member, plan);
    return copy;
  }

  /** Where the next entry goes. */
  get position(): EntryPosition {
    return { seq: this.state.seq, prevHash: this.state.head };
  }

  /** Makes `member` commit to and reveal `contribution` (and `salt`) instead of its honest ones. */
  plan(member: TestMember, contribution: Contribution, salt: Hex32 = member.salt): void {
    this.plans.set(member, { contribution, salt });
  }

  /** The contribution and salt `member` will commit to and reveal. */
  planOf(member: TestMember): { contribution: Contribution; salt: Hex32 } {
    return this.plans.get(member) ?? { contribution: member.contribution, salt: member.salt };
  }

  /** Builds a signed entry at the run's next position, without applying it. */
  entry<K extends EntryKind>(kind: K, author: TestKey, payload: Payload<K>, options: EntryOptions = {}): EntryOf<K> {
    return makeEntry(kind, author, payload, { ...this.position, ...options.at }, options.signer);
  }

  /** Applies `entry` through the reducer; on success records it and moves the state. */
  async apply(entry: TranscriptEntry): Promise<CeremonyState> {
    const next = await applyEntry(this.ceremony.context, this.state, entry);
    this.state = next;
    this.entries.push(entry);
    return next;
  }

  /** `{ceremonyId, specHash}` of this ceremony. */
  ceremonyFields(): { ceremonyId: string; specHash: Hex32 } {
    return { ceremonyId: this.ceremony.spec.ceremonyId, specHash: this.ceremony.specHash };
  }

  acceptPayload(): Payload<'Accept'> {
    return this.ceremonyFields();
  }

  commitPayload(member: TestMember): Payload<'Commit'> {
    const { contribution, salt } = this.planOf(member);
    return { ...this.ceremonyFields(), commitment: commitmentOf(contribution, salt) };
  }

  revealPayload(member: TestMember): Payload<'Reveal'> {
    const { contribution, salt } = this.planOf(member);
    return { ...this.ceremonyFields(), contributionHash: hashCanonical(contribution), salt, contribution };
  }

  /** The Approve every honest member signs: the reveal head and the assembly's hashes (zero before assembly). */
  approvePayload(): Payload<'Approve'> {
    const hashes = this.state.assembly?.hashes;
    return {
      ...this.ceremonyFields(),
      transcriptHead: this.state.revealHead ?? ZERO_HASH,
      genesisHash: hashes?.genesisHash ?? ZERO_HASH,
      chainSpecHash: hashes?.chainSpecHash ?? ZERO_HASH,
      validatorSetHash: hashes?.validatorSetHash ?? ZERO_HASH,
      bridgeValidatorsHash: hashes?.bridgeValidatorsHash ?? ZERO_HASH,
      manifestHash: hashes?.manifestHash ?? ZERO_HASH,
    };
  }

  rejectPayload(reason = 'we do not agree'): Payload<'Reject'> {
    return { ...this.ceremonyFields(), reason };
  }

  abortPayload(reason = 'deadline passed'): Payload<'Abort'> {
    return { ...this.ceremonyFields(), reason };
  }

  accept(member: TestMember): Promise<CeremonyState> {
    return this.apply(this.entry('Accept', member.identity, this.acceptPayload()));
  }

  commit(member: TestMember): Promise<CeremonyState> {
    return this.apply(this.entry('Commit', member.identity, this.commitPayload(member)));
  }

  reveal(member: TestMember): Promise<CeremonyState> {
    return this.apply(this.entry('Reveal', member.identity, this.revealPayload(member)));
  }

  approve(member: TestMember): Promise<CeremonyState> {
    return this.apply(this.entry('Approve', member.identity, this.approvePayload()));
  }

  reject(member: TestMember, reason?: string): Promise<CeremonyState> {
    return this.apply(this.entry('Reject', member.identity, this.rejectPayload(reason)));
  }

  /** The coordinator's Abort. */
  abort(reason?: string): Promise<CeremonyState> {
    return this.apply(this.entry('Abort', this.ceremony.coordinator, this.abortPayload(reason)));
  }

  /**
   * Drives every member, in spec order, through the phases until the state reaches `phase` (one of the
   * phases of a ceremony that succeeds). Stops as soon as it is reached: `advanceTo('ACCEPT')` applies
   * one Accept.
   */
  async advanceTo(phase: Exclude<Phase, 'ABORTED'>): Promise<CeremonyState> {
    const order: Phase[] = ['OPEN', 'ACCEPT', 'COMMIT', 'REVEAL', 'APPROVE', 'FINALIZED'];
    if (order.indexOf(this.state.phase) > order.indexOf(phase)) throw new Error(`the run is already past ${phase} (at ${this.state.phase})`);
    const steps: Record<string, (member: TestMember) => Promise<CeremonyState>> = {
      OPEN: (m) => this.accept(m),
      ACCEPT: (m) => this.accept(m),
      COMMIT: (m) => this.commit(m),
      REVEAL: (m) => this.reveal(m),
      APPROVE: (m) => this.approve(m),
    };
    while (this.state.phase !== phase) {
      const step = steps[this.state.phase];
      if (step === undefined) throw new Error(`cannot advance from ${this.state.phase} to ${phase}`);
      const waiting = new Set(this.pending());
      const next = this.ceremony.members.find((m) => waiting.has(m.identity.address));
      if (next === undefined) throw new Error(`no member left to act in ${this.state.phase}`);
      await step(next);
    }
    return this.state;
  }

  /** The members' addresses the state waits for (the reducer's `waitingFor`, recomputed here to stay independent). */
  private pending(): Address[] {
    const progress = this.state.members;
    return this.ceremony.members
      .map((m) => m.identity.address)
      .filter((address) => {
        const p = progress[address];
        if (p === undefined) return false;
        switch (this.state.phase) {
          case 'OPEN':
          case 'ACCEPT':
            return !p.accepted;
          case 'COMMIT':
            return p.commitment === null;
          case 'REVEAL':
            return p.contribution === null;
          case 'APPROVE':
            return !p.approved;
          default:
            return false;
        }
      });
  }

  /** The member with this name. */
  member(name: string): TestMember {
    const found = this.ceremony.members.find((m) => m.name === name);
    if (found === undefined) throw new Error(`no member named ${name}`);
    return found;
  }
}

/**
 * Asserts that the reducer refuses `entry` with a ConcordError of this `code` and `path`, and that
 * neither the run's state nor its transcript changed (DESIGN.md §1, invariant 6). Returns the error.
 */
export async function expectRefused(run: CeremonyRun, entry: TranscriptEntry, code: ErrorCode, path: string) {
  const before = structuredClone(run.state);
  const length = run.entries.length;
  const error = await expectRejects(run.apply(entry), code, path);
  expect(run.state).toEqual(before);
  expect(run.entries).toHaveLength(length);
  return error;
}
