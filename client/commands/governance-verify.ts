/**
 * `concord verify <artifact> <revision-1> … <revision-n>`: the revision files checked as one chain from
 * the genesis artifact (shared/governance/verify-revisions.ts), for `concord verify` to print.
 */
import { resolve } from 'node:path';
import { verifyRevisionChain } from '../../shared/governance/verify-revisions.js';
import { readJson } from '../io/files.js';

/** What the revision files showed: every revision that verified, and every failure. */
export interface RevisionFilesResult {
  ok: boolean;
  revisions: { path: string; revision: number; change: string; validators: number }[];
  failures: { check: string; path: string; expected: string }[];
  lines: string[];
}

/** Verifies revision files 1..n (in order) as a chain from the genesis artifact at `artifactPath`. */
export async function verifyRevisionFiles(artifactPath: string, revisionPaths: readonly string[]): Promise<RevisionFilesResult> {
  if (revisionPaths.length === 0) return { ok: true, revisions: [], failures: [], lines: [] };
  const paths = revisionPaths.map((path) => resolve(path));
  const inputs = await Promise.all(paths.map((path) => readJson(path, 'a Concord revision artifact')));
  const report = await verifyRevisionChain(await readJson(artifactPath, 'a Concord genesis artifact'), inputs);
  const revisions = report.revisions.map((revision, i) => ({ path: paths[i] as string, revision: revision.revision, change: revision.proposal.payload.change.kind, validators: revision.validators.length }));
  const lines = revisions.map((r) => `OK ${r.path}: revision ${r.revision} (${r.change}), ${r.validators} validators; proposal, votes and coordinator signature checked, chain spec keeps the genesis hash`);
  if (!report.ok) {
    lines.push(`FAILED revisions: ${report.failures.length} check(s) did not hold`);
    lines.push(...paths.map((path, i) => `  revisions[${i}] is ${path}`));
    lines.push(...report.failures.map((failure) => `  - ${failure.check}: at ${failure.path}, expected ${failure.expected}`));
  }
  return { ok: report.ok, revisions, failures: report.failures, lines };
}
