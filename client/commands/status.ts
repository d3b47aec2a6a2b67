/**
 * `concord status`: where a ceremony is (from the coordinator, as a read-only observer) and, with
 * --out, what this member's folder holds (keys made, contribution recorded, receipts, artifact).
 */
import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { CeremonyStatus } from '../../shared/protocol/messages.js';
import { verifyArtifact } from '../../shared/artifact/verify.js';
import { CoordinatorLink } from '../net/coordinator-link.js';
import { pathExists, readJson } from '../io/files.js';
import type { Output } from '../cli/output.js';

export interface StatusOptions {
  coordinator: string;
  ceremony: string;
  out?: string;
}

interface LocalState {
  folder: string;
  keystores: number;
  contributionRecorded: boolean;
  receipts: number;
  artifact: 'absent' | 'verified' | 'does not verify';
}

async function localState(folder: string): Promise<LocalState> {
  const keysFolder = join(folder, 'keys');
  const keystores = (await pathExists(keysFolder)) ? (await readdir(keysFolder)).filter((name) => name.endsWith('.json')).length : 0;
  const receiptsPath = join(folder, 'receipts.json');
  const receipts = (await pathExists(receiptsPath)) ? ((await readJson(receiptsPath, 'coordinator receipts')) as unknown[]).length : 0;
  const artifactPath = join(folder, 'artifact.json');
  let artifact: LocalState['artifact'] = 'absent';
  if (await pathExists(artifactPath)) artifact = (await verifyArtifact(await readJson(artifactPath, 'a Concord genesis artifact'))).ok ? 'verified' : 'does not verify';
  return { folder, keystores, contributionRecorded: await pathExists(join(folder, 'ceremony.json')), receipts, artifact };
}

function describe(status: CeremonyStatus, nowMs: number): string[] {
  const lines = [`ceremony ${status.ceremonyId}: ${status.phase} (transcript #${status.seq}, head ${status.head})`];
  if (status.deadlineMs !== null) {
    const minutes = Math.max(0, Math.round((status.deadlineMs - nowMs) / 60_000));
    lines.push(`  deadline      ${new Date(status.deadlineMs).toISOString()} (in ${minutes} min)`);
  }
  if (status.abort !== null) lines.push(`  aborted by    ${status.abort.by}: ${status.abort.reason}`);
  const mark = (done: boolean): string => (done ? '✓' : '·');
  lines.push('  member                   accept commit reveal approve');
  for (const member of status.members) {
    const waiting = status.waitingFor.includes(member.identity) ? '  ← waiting' : '';
    lines.push(`  ${member.name.padEnd(24)} ${mark(member.accepted).padEnd(6)} ${mark(member.committed).padEnd(6)} ${mark(member.revealed).padEnd(6)} ${mark(member.approved)}${waiting}`);
  }
  if (status.assembly !== null) lines.push(`  genesis hash  ${status.assembly.genesisHash}`);
  return lines;
}

export async function status(options: StatusOptions, output: Output): Promise<void> {
  const { link, welcome } = await CoordinatorLink.connect(options.coordinator, options.ceremony, null);
  link.close();
  const local = options.out === undefined ? null : await localState(resolve(options.out));
  const human = describe(welcome.status, Date.now());
  if (local !== null) {
    human.push(
      `your folder ${local.folder}: ${local.keystores} keystore(s), contribution ${local.contributionRecorded ? 'recorded' : 'not yet recorded'}, ${local.receipts} receipt(s), artifact ${local.artifact}`,
    );
  }
  output.result({ status: welcome.status, local }, human);
}
