/**
 * Taking part in a ceremony as a member (DESIGN.md §3), driven by the coordinator's status: accept the
 * spec a person confirmed, make keys locally, commit, reveal, then recompute everything from the
 * transcript and approve only if it matches what the coordinator published; at the end fetch, verify
 * and save the artifact. A dropped connection is re-opened with backoff; every message is idempotent
 * (same content, same deterministic signature), so resending is safe. Steps run one at a time for the
 * whole session, not per connection: making keys can outlast the connection it started on, and the
 * next connection waits for it instead of starting a second one.
 */
import { randomBytes } from 'node:crypto';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { ConcordError } from '../../shared/errors.js';
import { canonicalize } from '../../shared/canonical/jcs.js';
import { hashCanonical } from '../../shared/hash/keccak.js';
import { toHex, type Hex32 } from '../../shared/hash/hex.js';
import { recoverTypedSigner } from '../../shared/eip712/sign.js';
import { recoverAddress, signDigest } from '../../shared/crypto/secp256k1.js';
import { parseSpec, hashSpec } from '../../shared/spec/parse.js';
import type { CeremonySpec, SpecMember } from '../../shared/spec/schema.js';
import { buildContribution, checkEndpointsToCommit, commitmentOf } from '../../shared/ceremony/contribution.js';
import { MEMBER_STATE_FORMAT, memberStateSchema, type MemberState } from '../../shared/ceremony/member-state.js';
import { replay } from '../../shared/ceremony/reducer.js';
import { parseWith } from '../../shared/validation/zod.js';
import { parseVerifiedArtifact } from '../../shared/artifact/verify.js';
import type { GenesisArtifact } from '../../shared/artifact/schema.js';
import { publicBundleOf } from '../../shared/bundle/member.js';
import { receiptSchema, type CeremonyStatus, type Receipt } from '../../shared/protocol/messages.js';
import { z } from 'zod';
import { hashEntry, messageDigest, type MemberEntryKind, type SignedMessage, type TranscriptEntry } from '../../shared/transcript/entry.js';
import type { ScryptParams } from '../../shared/keys/keystore.js';
import { readJson, writeNewFile, writeOutputFile } from '../io/files.js';
import { loadOrCreateKeys } from '../keys/ceremony-keys.js';
import { CoordinatorLink, type LinkIdentity } from '../net/coordinator-link.js';

export interface ParticipateOptions {
  /** ws://host:port/ws */
  wsUrl: string;
  ceremonyId: string;
  identity: LinkIdentity;
  /** The member's folder: keys, its record of the ceremony, receipts, the artifact. */
  folder: string;
  /** Endpoints of the member's authority nodes, when the spec does not fix them. */
  endpoints: readonly string[];
  /** The hash of the spec the member has on file, if any: the coordinator's must be the same. */
  expectedSpecHash: Hex32 | null;
  /** Shows the spec to a person and says whether they accept it. */
  confirm: (spec: CeremonySpec, specHash: Hex32) => Promise<boolean>;
  scrypt: ScryptParams;
  /** Progress lines for a person; never given secrets. */
  report: (line: string) => void;
}

export interface Participation {
  artifactPath: string;
  artifact: GenesisArtifact;
}

const BACKOFF_MS = [250, 500, 1000, 2000, 5000, 10000];

/** The ceremony messages a member sends once each, and the status flag that shows the coordinator accepted one. */
const CEREMONY_KINDS = ['Accept', 'Commit', 'Reveal', 'Approve'] as const;
type CeremonyKind = (typeof CEREMONY_KINDS)[number];
const ACCEPTED_FLAG = { Accept: 'accepted', Commit: 'committed', Reveal: 'revealed', Approve: 'approved' } as const satisfies Record<CeremonyKind, string>;

/** Runs the member's side of the ceremony to FINALIZED (resolves) or ABORTED (rejects). */
export async function participate(options: ParticipateOptions): Promise<Participation> {
  const session = new MemberSession(options);
  return session.run();
}

class MemberSession {
  private spec: CeremonySpec | null = null;
  private specHash: Hex32 = '';
  private member: SpecMember | null = null;
  private record: MemberState | null = null;
  private receipts: Receipt[] = [];
  /** Kinds this member holds a receipt for: a status pushed before the receipt may not show them yet. */
  private readonly sent = new Set<MemberEntryKind>();
  private lastWaiting = '';
  /** The tail of the steps run so far, across connections: the next step starts when it settles. */
  private steps: Promise<unknown> = Promise.resolve();
  /** The person's answer, asked once: a connection that drops during the question must not ask again. */
  private decision: Promise<boolean> | null = null;

  constructor(private readonly options: ParticipateOptions) {}

  async run(): Promise<Participation> {
    for (let attempt = 0; ; attempt++) {
      const outcome = await this.connectOnce().catch((error: unknown) => {
        if (error instanceof ConcordError && error.code === 'NOT_FOUND' && error.path === 'coordinator') return 'disconnected' as const;
        if (error instanceof ConcordError && error.code === 'NOT_FOUND' && error.path === this.options.wsUrl) return 'disconnected' as const;
        throw error;
      });
      if (outcome !== 'disconnected') return outcome;
      const delay = BACKOFF_MS[Math.min(attempt, BACKOFF_MS.length - 1)] as number;
      this.options.report(`coordinator unreachable; retrying in ${delay} ms`);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }

  /** One connection: resolves with the result, or 'disconnected' when the socket drops first. */
  private async connectOnce(): Promise<Participation | 'disconnected'> {
    const { link, welcome } = await CoordinatorLink.connect(this.options.wsUrl, this.options.ceremonyId, this.options.identity);
    try {
      await this.adopt(welcome.spec, welcome.specHash, welcome.coordinator);
      return await new Promise<Participation | 'disconnected'>((resolve, reject) => {
        let latest: CeremonyStatus = welcome.status;
        let handled: CeremonyStatus | null = null;
        let open = true;
        let queued = false;
        const drive = (): void => {
          if (queued) return;
          queued = true;
          // A step an earlier connection started may still run (it fails at its next send); this
          // connection's steps start after it and build on what it achieved.
          const run = this.steps.then(async () => {
            queued = false;
            while (open && handled !== latest) {
              const status = latest;
              handled = status;
              const result = await this.step(link, status);
              if (result !== null) {
                open = false;
                return resolve(result);
              }
              this.reportWaiting(status);
            }
          });
          this.steps = run.catch(reject);
        };
        link.on('status', (status) => {
          if (status.seq >= latest.seq) latest = status;
          drive();
        });
        link.on('close', () => {
          open = false;
          resolve('disconnected');
        });
        drive();
      });
    } finally {
      link.close();
    }
  }

  /**
   * Checks the coordinator's spec against what the member expects. The session's first connection loads
   * the member's own record and receipts; a later one must serve the same spec, and reloads nothing (a
   * step of an earlier connection may be writing them).
   */
  private async adopt(specJson: unknown, claimedHash: string, coordinator: string | null): Promise<void> {
    const spec = parseSpec(specJson, 'coordinator spec');
    const specHash = hashSpec(spec);
    if (specHash !== claimedHash) throw new ConcordError('SPEC_INVALID', 'coordinator spec', `a spec whose hash is the hash the coordinator announced (${claimedHash})`);
    if (this.options.expectedSpecHash !== null && specHash !== this.options.expectedSpecHash) {
      throw new ConcordError('SPEC_INVALID', 'coordinator spec', `the spec you have on file (hash ${this.options.expectedSpecHash}); the coordinator serves ${specHash}`);
    }
    if (coordinator !== spec.coordinator) throw new ConcordError('SIGNATURE_INVALID', 'coordinator', `the coordinator the spec names (${spec.coordinator})`);
    const member = spec.members.find((candidate) => candidate.identity === this.options.identity.address);
    if (member === undefined) throw new ConcordError('NOT_A_MEMBER', 'identity', `the identity of a member of ${spec.ceremonyId}`);
    if (this.spec !== null) {
      if (specHash !== this.specHash) throw new ConcordError('SPEC_INVALID', 'coordinator spec', `the spec the coordinator served when this session began (hash ${this.specHash}); it now serves ${specHash}`);
      return;
    }
    this.spec = spec;
    this.specHash = specHash;
    this.member = member;
    this.record = await this.readRecord();
    this.receipts = await this.readReceipts();
  }

  private receiptsPath(): string {
    return join(this.options.folder, 'receipts.json');
  }

  /** Receipts kept by an earlier run of this member's client, so a restart appends instead of losing them. */
  private async readReceipts(): Promise<Receipt[]> {
    const path = this.receiptsPath();
    const found = await access(path).then(
      () => true,
      () => false,
    );
    return found ? parseWith(z.array(receiptSchema), await readJson(path, 'coordinator receipts'), 'FILE_INVALID', path) : [];
  }

  private recordPath(): string {
    return join(this.options.folder, 'ceremony.json');
  }

  private async readRecord(): Promise<MemberState | null> {
    const path = this.recordPath();
    const found = await access(path).then(
      () => true,
      () => false,
    );
    if (!found) return null;
    const record = parseWith(memberStateSchema, await readJson(path, 'a Concord member record'), 'FILE_INVALID', path);
    if (record.ceremonyId !== this.spec?.ceremonyId || record.specHash !== this.specHash || record.member !== this.member?.identity) {
      throw new ConcordError('FILE_INVALID', path, `the record of ceremony ${this.spec?.ceremonyId} with spec ${this.specHash}; use another folder for another ceremony`);
    }
    return record;
  }

  /** Does what the member owes in `status`; returns the result once FINALIZED. */
  private async step(link: CoordinatorLink, status: CeremonyStatus): Promise<Participation | null> {
    const spec = this.spec as CeremonySpec;
    const member = this.member as SpecMember;
    const listed = status.members.find((candidate) => candidate.identity === member.identity);
    if (listed === undefined) throw new ConcordError('NOT_A_MEMBER', 'status.members', `a status that lists ${member.identity}`);
    const owed = CEREMONY_KINDS.filter((kind) => listed[ACCEPTED_FLAG[kind]] && !this.sent.has(kind));
    if (owed.length > 0) await this.collectReceipts(link, owed);
    const me = {
      accepted: listed.accepted || this.sent.has('Accept'),
      committed: listed.committed || this.sent.has('Commit'),
      revealed: listed.revealed || this.sent.has('Reveal'),
      approved: listed.approved || this.sent.has('Approve'),
    };
    const base = { ceremonyId: spec.ceremonyId, specHash: this.specHash };
    switch (status.phase) {
      case 'ABORTED':
        throw new ConcordError('ABORTED', 'ceremony', `a ceremony that runs to the end; it was aborted by ${status.abort?.by ?? 'unknown'}: ${status.abort?.reason ?? ''}`);
      case 'OPEN':
      case 'ACCEPT':
        if (!me.accepted) {
          this.decision ??= this.options.confirm(spec, this.specHash);
          if (!(await this.decision)) {
            await this.send(link, { kind: 'Reject', payload: { ...base, reason: `${member.name} did not accept the spec` } });
            throw new ConcordError('ABORTED', 'spec', 'a spec you accept; you declined it, so the ceremony is aborted');
          }
          await this.send(link, { kind: 'Accept', payload: base });
        }
        return null;
      case 'COMMIT':
        if (!me.committed) {
          const record = await this.prepareContribution();
          await this.send(link, { kind: 'Commit', payload: { ...base, commitment: commitmentOf(record.contribution, record.salt) } });
        }
        return null;
      case 'REVEAL':
        if (!me.revealed) {
          const record = this.record;
          if (record === null) throw new ConcordError('FILE_INVALID', this.recordPath(), 'the record of the contribution this member committed to (it is lost; the ceremony cannot continue for this member)');
          const { contribution, salt } = record;
          await this.send(link, { kind: 'Reveal', payload: { ...base, contributionHash: hashCanonical(contribution), salt, contribution } });
        }
        return null;
      case 'APPROVE':
        if (!me.approved) await this.approve(link, status);
        return null;
      case 'FINALIZED':
        return this.finish();
    }
  }

  /** Tells the person whom the ceremony waits for once this member has done its part of the phase. */
  private reportWaiting(status: CeremonyStatus): void {
    const spec = this.spec as CeremonySpec;
    const others = status.waitingFor;
    if (others.length === 0 || others.includes(this.options.identity.address)) return;
    const key = `${status.phase}:${others.join(',')}`;
    if (key === this.lastWaiting) return;
    this.lastWaiting = key;
    const names = others.map((address) => spec.members.find((member) => member.identity === address)?.name ?? address);
    const deadline = status.deadlineMs === null ? '' : `; deadline ${new Date(status.deadlineMs).toISOString()}`;
    this.options.report(`waiting in ${status.phase} for ${others.length} of ${spec.members.length}: ${names.join(', ')}${deadline}`);
  }

  /**
   * Makes (or loads) the member's keys and the contribution with its salt, and records both before
   * committing. Runs once per session (steps never overlap); a record the session began with is the
   * contribution, and no key is made or loaded.
   */
  private async prepareContribution(): Promise<MemberState> {
    if (this.record !== null) return this.record;
    const spec = this.spec as CeremonySpec;
    const member = this.member as SpecMember;
    const endpoints = member.endpoints ?? this.options.endpoints;
    checkEndpointsToCommit(spec, member, endpoints, '--endpoint');
    this.options.report(`making ${member.authorityNodes * 2 + member.bridgeValidators} key(s) locally (scrypt keystores)`);
    const keys = await loadOrCreateKeys(this.options.folder, member, this.options.scrypt, (done, total, label) => this.options.report(`  [${done}/${total}] ${label}`));
    const record: MemberState = {
      format: MEMBER_STATE_FORMAT,
      ceremonyId: spec.ceremonyId,
      specHash: this.specHash,
      member: member.identity,
      salt: toHex(randomBytes(32)),
      contribution: buildContribution(spec, this.specHash, member, keys, endpoints),
    };
    await writeNewFile(this.recordPath(), `${JSON.stringify(record, null, 2)}\n`, true);
    this.record = record;
    return record;
  }

  /**
   * Replays the whole transcript with the shared reducer, re-assembles, and approves only if the
   * coordinator published the same values; otherwise rejects, naming what differs.
   */
  private async approve(link: CoordinatorLink, status: CeremonyStatus): Promise<void> {
    const spec = this.spec as CeremonySpec;
    const base = { ceremonyId: spec.ceremonyId, specHash: this.specHash };
    const refuse = async (what: string): Promise<never> => {
      await this.send(link, { kind: 'Reject', payload: { ...base, reason: `${this.member?.name} refuses to approve: ${what}`.slice(0, 500) } });
      throw new ConcordError('ASSEMBLY_MISMATCH', 'coordinator', `a coordinator whose published result matches this member's own computation (${what})`);
    };
    this.options.report('checking the transcript and re-assembling the genesis independently');
    let state;
    try {
      state = await replay({ spec, specHash: this.specHash }, await link.transcript(0));
    } catch (error) {
      if (error instanceof ConcordError) return refuse(`the transcript is invalid at ${error.path}: ${error.code}`);
      throw error;
    }
    if (state.phase !== 'APPROVE' || state.assembly === null || state.revealHead === null) return refuse(`the transcript ends in phase ${state.phase}, not APPROVE`);
    const mine = state.members[this.options.identity.address]?.contribution;
    if (this.record === null || mine === undefined || mine === null || canonicalize(mine) !== canonicalize(this.record.contribution)) {
      return refuse("this member's reveal in the transcript is not the one it sent");
    }
    const local = { transcriptHead: state.revealHead, ...state.assembly.hashes };
    const published = status.assembly;
    if (published === null) return refuse('the coordinator published no assembly');
    for (const field of Object.keys(local) as (keyof typeof local)[]) {
      if (published[field] !== local[field]) return refuse(`${field} differs: coordinator ${published[field]}, computed ${local[field]}`);
    }
    this.options.report(`genesis hash ${local.genesisHash} (${state.assembly.validators.length} validators): matches; approving`);
    await this.send(link, { kind: 'Approve', payload: { ...base, ...local } });
  }

  /** Fetches the artifact, verifies it offline, checks it is what this member approved, and saves it. */
  private async finish(): Promise<Participation> {
    const spec = this.spec as CeremonySpec;
    const url = `${this.options.wsUrl.replace(/^ws/, 'http').replace(/\/ws$/, '')}/api/ceremonies/${spec.ceremonyId}/artifact`;
    // Unreachable (a coordinator restarting as the ceremony ends) is a dropped connection: retried.
    const response = await fetch(url).catch(() => {
      throw new ConcordError('NOT_FOUND', 'coordinator', `a reachable coordinator serving ${url}`);
    });
    if (!response.ok) throw new ConcordError('NOT_FOUND', url, `the artifact of the finalized ceremony (HTTP ${response.status})`);
    const text = await response.text();
    const artifact = await parseVerifiedArtifact(text, url);
    if (artifact.specHash !== this.specHash) throw new ConcordError('ARTIFACT_INVALID', 'artifact.specHash', `the spec this member accepted (${this.specHash})`);
    const folder = this.options.folder;
    const artifactPath = join(folder, 'artifact.json');
    await writeOutputFile(artifactPath, text);
    // The genesis bundle: no bridge deployment is recorded before governance.
    for (const file of publicBundleOf(artifact, spec, null).files) {
      await writeOutputFile(join(folder, 'public', file.path), file.content);
    }
    this.options.report(`FINALIZED: artifact verified, genesis ${artifact.genesisHash}; saved ${artifactPath}`);
    return { artifactPath, artifact };
  }

  /**
   * Receipts for messages of `kinds` the coordinator shows as accepted but this member holds no receipt
   * for (a coordinator that stopped between storing a message and answering, or a client stopped before
   * saving the answer): the transcript entry carrying the member's own signature is submitted again,
   * and the coordinator answers a resend with the receipt it signed the first time.
   */
  private async collectReceipts(link: CoordinatorLink, kinds: readonly CeremonyKind[]): Promise<void> {
    const me = this.options.identity.address;
    const entries = await link.transcript(0);
    for (const kind of kinds) {
      const entry = entries.find((candidate): candidate is Extract<TranscriptEntry, { kind: CeremonyKind }> => candidate.member === me && candidate.kind === kind);
      if (entry === undefined) throw new ConcordError('TRANSCRIPT_INVALID', 'transcript', `the ${kind} entry of ${me}, which the coordinator's status says it accepted`);
      if (recoverAddress(messageDigest(entry), entry.signature, `transcript[${entry.seq}].signature`) !== me) {
        throw new ConcordError('SIGNATURE_INVALID', `transcript[${entry.seq}].signature`, `the signature of ${me} on the ${kind} entry attributed to this member`);
      }
      const held = this.receipts.some((receipt) => receipt.seq === entry.seq && receipt.entryHash === hashEntry(entry));
      if (held) this.sent.add(kind);
      else await this.submit(link, entry, entry.signature);
    }
  }

  /** Signs and submits one message. */
  private async send(link: CoordinatorLink, message: SignedMessage & { kind: MemberEntryKind }): Promise<void> {
    await this.submit(link, message, signDigest(messageDigest(message), this.options.identity.secretKey));
  }

  /**
   * Submits a signed message; keeps the coordinator's receipt once it is checked to be the coordinator's
   * signature over the hash of the transcript entry that carries exactly this message.
   */
  private async submit(link: CoordinatorLink, message: SignedMessage & { kind: MemberEntryKind }, signature: string): Promise<void> {
    const receipt = await link.submit(message.kind, message.payload, signature);
    const spec = this.spec as CeremonySpec;
    const signer = recoverTypedSigner('Receipt', { ceremonyId: receipt.ceremonyId, seq: receipt.seq, entryHash: receipt.entryHash }, receipt.signature, 'receipt.signature');
    if (signer !== spec.coordinator || receipt.ceremonyId !== spec.ceremonyId) {
      throw new ConcordError('SIGNATURE_INVALID', 'receipt.signature', `a receipt signed by the coordinator ${spec.coordinator}`);
    }
    const [entry] = await link.transcript(receipt.seq);
    if (entry === undefined || !carries(entry, this.options.identity.address, message, signature) || hashEntry(entry) !== receipt.entryHash) {
      throw new ConcordError('SIGNATURE_INVALID', 'receipt.entryHash', `a receipt for transcript entry #${receipt.seq} as the coordinator serves it, the entry carrying this member's signed ${message.kind}`);
    }
    this.sent.add(message.kind);
    this.receipts = [...this.receipts, receipt].sort((a, b) => a.seq - b.seq);
    await writeOutputFile(this.receiptsPath(), `${JSON.stringify(this.receipts, null, 2)}\n`);
    this.options.report(`${message.kind} accepted as transcript entry #${receipt.seq}`);
  }
}

/** Whether `entry` is `member`'s `message` with `signature`, as sent. */
function carries(entry: TranscriptEntry, member: string, message: SignedMessage, signature: string): boolean {
  return entry.member === member && entry.kind === message.kind && entry.signature === signature && canonicalize(entry.payload) === canonicalize(message.payload);
}
