/**
 * One ceremony hosted by the coordinator: the shared reducer over the stored transcript, a queue that
 * applies one message at a time, receipts, deadlines and the final artifact. The state lives only as
 * the reducer's fold of the transcript, so after a crash `open` rebuilds it from the database.
 */
import { EventEmitter } from 'node:events';
import { ConcordError } from '../../shared/errors.js';
import type { CeremonySpec } from '../../shared/spec/schema.js';
import type { Hex32 } from '../../shared/hash/hex.js';
import type { Address } from '../../shared/crypto/secp256k1.js';
import { signTyped } from '../../shared/eip712/sign.js';
import { parseWith } from '../../shared/validation/zod.js';
import { applyEntry, initialState, waitingFor, type CeremonyContext, type CeremonyState, type Phase } from '../../shared/ceremony/reducer.js';
import type { Assembly } from '../../shared/assembly/assemble.js';
import { hashEntry, transcriptEntrySchema, type MemberEntryKind, type TranscriptEntry } from '../../shared/transcript/entry.js';
import { artifactSealMessage, buildArtifactBody, sealArtifact } from '../../shared/artifact/build.js';
import type { GenesisArtifact } from '../../shared/artifact/schema.js';
import { statusOf } from '../../shared/protocol/status.js';
import type { CeremonyStatus, Receipt } from '../../shared/protocol/messages.js';
import { canonicalize } from '../../shared/canonical/jcs.js';
import type { Store, StoredEntry } from '../store/sqlite.js';

export interface HostOptions {
  store: Store;
  spec: CeremonySpec;
  specHash: Hex32;
  coordinatorKey: Uint8Array;
  now: () => number;
  /** Local operator log; never given secrets. */
  log: (line: string) => void;
}

const PHASE_DEADLINE: Record<Phase, keyof CeremonySpec['deadlines'] | null> = {
  OPEN: 'acceptSec',
  ACCEPT: 'acceptSec',
  COMMIT: 'commitSec',
  REVEAL: 'revealSec',
  APPROVE: 'approveSec',
  FINALIZED: null,
  ABORTED: null,
};

/** A phase as it happened: when it began and when its deadline passes (null once the ceremony ended). */
export interface PhaseWindow {
  phase: Phase;
  startedMs: number;
  deadlineMs: number | null;
}

/** setTimeout's longest delay; a later deadline is re-armed in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export class CeremonyHost extends EventEmitter<{ change: [CeremonyStatus] }> {
  private readonly context: CeremonyContext;
  private readonly entries: TranscriptEntry[] = [];
  private readonly receipts: Receipt[] = [];
  private state: CeremonyState;
  private phaseStartedMs: number;
  private artifactJson: string | null;
  private readonly receivedMs: number[] = [];
  private readonly phaseStarts: PhaseWindow[];
  private queue: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;

  private constructor(private readonly options: HostOptions, createdMs: number, artifactJson: string | null) {
    super();
    this.context = { spec: options.spec, specHash: options.specHash };
    this.state = initialState(options.spec);
    this.phaseStartedMs = createdMs;
    this.phaseStarts = [{ phase: 'OPEN', startedMs: createdMs, deadlineMs: this.deadlineOf('OPEN', createdMs) }];
    this.artifactJson = artifactJson;
  }

  /** Opens the ceremony of `spec` in the store, creating it on first start and replaying its transcript otherwise. */
  static async open(options: HostOptions): Promise<CeremonyHost> {
    const { store, spec, specHash } = options;
    let stored = await store.getCeremony(spec.ceremonyId);
    if (stored === null) {
      await store.createCeremony(spec.ceremonyId, canonicalize(spec), specHash, options.now());
      stored = await store.getCeremony(spec.ceremonyId);
    }
    if (stored === null) throw new Error('ceremony row missing right after insert');
    if (stored.specHash !== specHash) {
      throw new ConcordError('SPEC_INVALID', 'spec', `the spec this database already holds for ceremony ${spec.ceremonyId} (hash ${stored.specHash})`);
    }
    const host = new CeremonyHost(options, stored.createdMs, stored.artifactJson);
    for (const row of await store.entries(spec.ceremonyId)) {
      const entry = parseWith(transcriptEntrySchema, JSON.parse(row.entryJson), 'TRANSCRIPT_INVALID', `store.entries[${row.seq}]`);
      host.accept(entry, await applyEntry(host.context, host.state, entry, `store.entries[${row.seq}]`), row);
    }
    host.armDeadline();
    return host;
  }

  /** The hosted spec and its hash. */
  identity(): { spec: CeremonySpec; specHash: Hex32 } {
    return { spec: this.options.spec, specHash: this.options.specHash };
  }

  isMember(address: Address): boolean {
    return this.options.spec.members.some((member) => member.identity === address);
  }

  status(): CeremonyStatus {
    return statusOf(this.options.spec, this.options.specHash, this.state, this.deadlineMs());
  }

  transcript(fromSeq: number): TranscriptEntry[] {
    return this.entries.slice(fromSeq);
  }

  /** When each phase began (the first is OPEN, at creation) and its deadline, for the dashboard's timeline. */
  phaseHistory(): readonly PhaseWindow[] {
    return this.phaseStarts;
  }

  /** When the coordinator accepted each entry, by seq. */
  acceptedAtMs(): readonly number[] {
    return this.receivedMs;
  }

  /** What was assembled from the reveals, once every member has revealed. */
  assembly(): Assembly | null {
    return this.state.assembly;
  }

  /** The artifact JSON text once FINALIZED, else null. */
  artifact(): string | null {
    return this.artifactJson;
  }

  /**
   * Applies a member's signed message: validates it as the next transcript entry, runs the reducer,
   * stores it durably, and returns the coordinator's receipt. A resend of an accepted message gets
   * the original receipt and changes nothing.
   */
  submit(member: Address, kind: MemberEntryKind, payload: unknown, signature: string): Promise<Receipt> {
    return this.enqueue(async () => {
      const earlier = this.entries.find((entry) => entry.signature === signature && entry.member === member && entry.kind === kind);
      if (earlier !== undefined && canonicalize(earlier.payload) === canonicalize(payload)) {
        const receipt = this.receipts[earlier.seq];
        if (receipt !== undefined) return receipt;
      }
      const candidate = { seq: this.state.seq, prevHash: this.state.head, kind, member, payload, signature };
      const entry = parseWith(transcriptEntrySchema, candidate, 'MESSAGE_INVALID', 'message');
      const next = await applyEntry(this.context, this.state, entry, 'message');
      return this.persist(entry, next);
    });
  }

  /** The operator's abort (authorized by the admin credential at the edge): a coordinator-signed Abort entry. */
  abort(reason: string): Promise<Receipt> {
    return this.enqueue(async () => {
      if (this.state.phase === 'FINALIZED' || this.state.phase === 'ABORTED') {
        throw new ConcordError('WRONG_PHASE', 'ceremony', `a running ceremony (it is ${this.state.phase})`);
      }
      return this.recordAbort(`aborted by the coordinator operator: ${reason}`);
    });
  }

  /** Stops the deadline timer; the caller closes the store. */
  close(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private enqueue<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async persist(entry: TranscriptEntry, next: CeremonyState): Promise<Receipt> {
    const { spec, coordinatorKey, store, now } = this.options;
    const entryHash = hashEntry(entry);
    const receiptSignature = signTyped('Receipt', { ceremonyId: spec.ceremonyId, seq: entry.seq, entryHash }, coordinatorKey);
    let artifactJson: string | null = null;
    if (next.phase === 'FINALIZED') {
      const body = buildArtifactBody(this.context, [...this.entries, entry], next);
      const artifact: GenesisArtifact = sealArtifact(body, signTyped('Artifact', artifactSealMessage(body, spec.ceremonyId), coordinatorKey));
      artifactJson = `${JSON.stringify(artifact, null, 2)}\n`;
    }
    const row: StoredEntry = {
      seq: entry.seq,
      hash: entryHash,
      kind: entry.kind,
      member: entry.member,
      entryJson: canonicalize(entry),
      receivedMs: now(),
      receiptSignature,
    };
    await store.append(spec.ceremonyId, { ...row, signature: entry.signature }, artifactJson);
    if (artifactJson !== null) this.artifactJson = artifactJson;
    this.accept(entry, next, row);
    this.options.log(`accepted #${entry.seq} ${entry.kind} from ${entry.member}; phase ${next.phase}`);
    this.armDeadline();
    this.emit('change', this.status());
    return this.receipts[entry.seq] as Receipt;
  }

  private accept(entry: TranscriptEntry, next: CeremonyState, row: StoredEntry): void {
    if (next.phase !== this.state.phase) {
      // OPEN and ACCEPT share one deadline: the accept window runs from the ceremony's creation.
      if (!(this.state.phase === 'OPEN' && next.phase === 'ACCEPT')) this.phaseStartedMs = row.receivedMs;
      this.phaseStarts.push({ phase: next.phase, startedMs: row.receivedMs, deadlineMs: this.deadlineOf(next.phase, this.phaseStartedMs) });
    }
    this.entries.push(entry);
    this.receivedMs.push(row.receivedMs);
    this.receipts.push({ ceremonyId: this.options.spec.ceremonyId, seq: row.seq, entryHash: row.hash, signature: row.receiptSignature });
    this.state = next;
  }

  private deadlineMs(): number | null {
    return this.deadlineOf(this.state.phase, this.phaseStartedMs);
  }

  private deadlineOf(phase: Phase, windowStartMs: number): number | null {
    const key = PHASE_DEADLINE[phase];
    return key === null ? null : windowStartMs + this.options.spec.deadlines[key] * 1000;
  }

  private armDeadline(): void {
    this.close();
    const deadline = this.deadlineMs();
    if (deadline === null) return;
    const delay = Math.max(0, deadline - this.options.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      if (delay > MAX_TIMER_MS) this.armDeadline();
      else void this.enqueue(() => this.expire(deadline)).catch((error: unknown) => this.options.log(`deadline abort failed: ${String(error)}`));
    }, Math.min(delay, MAX_TIMER_MS));
    this.timer.unref();
  }

  /** Records an Abort naming who did not act, if the phase whose deadline this was is still running. */
  private async expire(deadline: number): Promise<void> {
    if (this.deadlineMs() !== deadline) return;
    const { spec } = this.options;
    const late = waitingFor(this.state).map((address) => `${spec.members.find((m) => m.identity === address)?.name ?? address} (${address})`);
    await this.recordAbort(`deadline of phase ${this.state.phase} passed; no message from ${late.join(', ')}`);
  }

  private async recordAbort(reason: string): Promise<Receipt> {
    const { spec, specHash, coordinatorKey } = this.options;
    const payload = { ceremonyId: spec.ceremonyId, specHash, reason: reason.slice(0, 500) };
    const entry: TranscriptEntry = {
      seq: this.state.seq,
      prevHash: this.state.head,
      kind: 'Abort',
      member: spec.coordinator,
      payload,
      signature: signTyped('Abort', payload, coordinatorKey),
    };
    return this.persist(entry, await applyEntry(this.context, this.state, entry));
  }
}
