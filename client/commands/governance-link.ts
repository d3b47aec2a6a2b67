/**
 * The governance commands' view of a consortium (DESIGN.md §7): connect to the coordinator (as a member
 * to propose or vote, as an observer to read), check its spec, and replay the whole transcript with the
 * shared reducer, so a tally, a member set or a next key index is never the coordinator's word. With
 * `--artifact`, the member's own genesis artifact must be the one the transcript finalized.
 * Messages are signed here with the identity key and the coordinator's receipt is checked against the
 * entry it names.
 */
import { resolve } from 'node:path';
import { ConcordError } from '../../shared/errors.js';
import type { Hex32 } from '../../shared/hash/hex.js';
import { signDigest } from '../../shared/crypto/secp256k1.js';
import { recoverTypedSigner } from '../../shared/eip712/sign.js';
import { hashSpec, parseSpec } from '../../shared/spec/parse.js';
import type { CeremonySpec } from '../../shared/spec/schema.js';
import { replay } from '../../shared/ceremony/reducer.js';
import { verifyArtifact } from '../../shared/artifact/verify.js';
import { hashEntry, messageDigest, type SignedMessage } from '../../shared/transcript/entry.js';
import type { Receipt } from '../../shared/protocol/messages.js';
import type { GovernanceState } from '../../shared/governance/proposals.js';
import { CoordinatorLink, type LinkIdentity } from '../net/coordinator-link.js';
import { unlockIdentity } from '../keys/identity.js';
import { readJson } from '../io/files.js';

/** Where the consortium is: the coordinator's websocket URL and the ceremony id, and optionally the member's own genesis artifact. */
export interface ConsortiumOptions {
  coordinator: string;
  ceremony: string;
  /** The genesis artifact on file: the coordinator's transcript must have finalized exactly it. */
  artifact?: string;
}

/** A member's credentials: its identity keystore and where its password is. */
export interface MemberOptions extends ConsortiumOptions {
  identity: string;
  passwordFile?: string;
  passwordEnv?: string;
}

/** The consortium as the replayed transcript gives it. */
export interface GovernanceView {
  spec: CeremonySpec;
  specHash: Hex32;
  governance: GovernanceState;
}

/** An authenticated member connection with the replayed governance. */
export interface MemberSession extends GovernanceView {
  link: CoordinatorLink;
  identity: LinkIdentity;
}

/** The coordinator's HTTP base URL from its websocket URL (ws://host:port/ws → http://host:port). */
export function httpBaseOf(wsUrl: string): string {
  return wsUrl.replace(/^ws/, 'http').replace(/\/ws$/, '');
}

async function viewOf(link: CoordinatorLink, welcome: { spec: unknown; specHash: string }, options: ConsortiumOptions): Promise<GovernanceView> {
  const spec = parseSpec(welcome.spec, 'coordinator spec');
  const specHash = hashSpec(spec);
  if (specHash !== welcome.specHash) throw new ConcordError('SPEC_INVALID', 'coordinator spec', `a spec whose hash is the one the coordinator announced (${welcome.specHash})`);
  const state = await replay({ spec, specHash }, await link.transcript(0));
  if (state.governance === null) throw new ConcordError('WRONG_PHASE', 'ceremony', `a FINALIZED ceremony: governance begins then (it is ${state.phase})`);
  if (options.artifact !== undefined) {
    const path = resolve(options.artifact);
    const report = await verifyArtifact(await readJson(path, 'a Concord genesis artifact'));
    if (!report.ok || report.artifact === null) throw new ConcordError('ARTIFACT_INVALID', path, 'a genesis artifact that verifies (run concord verify on it)');
    if (report.artifact.specHash !== specHash || report.artifact.genesisHash !== state.governance.genesisHash) {
      throw new ConcordError('ARTIFACT_INVALID', path, `the genesis artifact of the consortium the coordinator serves (spec ${specHash}, genesis ${state.governance.genesisHash})`);
    }
  }
  return { spec, specHash, governance: state.governance };
}

/** Reads the consortium as an observer (no identity needed). */
export async function readGovernance(options: ConsortiumOptions): Promise<GovernanceView> {
  const { link, welcome } = await CoordinatorLink.connect(options.coordinator, options.ceremony, null);
  try {
    return await viewOf(link, welcome, options);
  } finally {
    link.close();
  }
}

/** Unlocks the identity (`report` gets the progress line), connects as that member and replays the transcript. The caller closes `link`. */
export async function openMemberSession(options: MemberOptions, report: (line: string) => void): Promise<MemberSession> {
  const password = options.passwordFile !== undefined ? { file: resolve(options.passwordFile) } : { env: options.passwordEnv ?? 'CONCORD_PASSWORD' };
  const identity = await unlockIdentity(resolve(options.identity), password, report);
  const { link, welcome } = await CoordinatorLink.connect(options.coordinator, options.ceremony, identity);
  try {
    const view = await viewOf(link, welcome, options);
    if (welcome.coordinator !== view.spec.coordinator) throw new ConcordError('SIGNATURE_INVALID', 'coordinator', `the coordinator the spec names (${view.spec.coordinator})`);
    return { ...view, link, identity };
  } catch (error) {
    link.close();
    throw error;
  }
}

/**
 * Signs and submits a Propose or Vote; checks that the receipt is the coordinator's and names the entry
 * this member signed, as the transcript now holds it.
 */
export async function submitSigned(session: MemberSession, message: Extract<SignedMessage, { kind: 'Propose' | 'Vote' }>): Promise<Receipt> {
  const signature = signDigest(messageDigest(message), session.identity.secretKey);
  const receipt = await session.link.submit(message.kind, message.payload, signature);
  const signer = recoverTypedSigner('Receipt', { ceremonyId: receipt.ceremonyId, seq: receipt.seq, entryHash: receipt.entryHash }, receipt.signature, 'receipt.signature');
  const [entry] = await session.link.transcript(receipt.seq);
  if (signer !== session.spec.coordinator || entry === undefined || entry.signature !== signature || hashEntry(entry) !== receipt.entryHash) {
    throw new ConcordError('SIGNATURE_INVALID', 'receipt', `a receipt signed by the coordinator ${session.spec.coordinator} for the entry this member signed`);
  }
  return receipt;
}
