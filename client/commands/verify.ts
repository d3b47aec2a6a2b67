/**
 * `concord verify <artifact> [revision-1 …] [--bundle <folder>]`: offline verification of a genesis
 * artifact, of revision artifacts as a chain from it (governance-verify.ts) and, with --bundle, of a
 * member bundle folder against it, or against the last revision given once the chain verified
 * (shared/bundle/verify-bundle.ts). Exit 0 only if every check holds; otherwise a readable list of
 * what failed.
 */
import { resolve } from 'node:path';
import { verifyArtifact, type VerifyFailure } from '../../shared/artifact/verify.js';
import { parseSpec } from '../../shared/spec/parse.js';
import { verifyRevisionMemberBundle } from '../../shared/bundle/verify-bundle.js';
import { revisionArtifactSchema } from '../../shared/governance/revision.js';
import { parseWith } from '../../shared/validation/zod.js';
import { describePolicy } from '../../shared/permissioning/describe.js';
import { readFolderFiles, readJson } from '../io/files.js';
import { EXIT, type Output } from '../cli/output.js';
import { verifyRevisionFiles } from './governance-verify.js';

/** Options of `verify`. */
export interface VerifyOptions {
  /** A member bundle folder to check against the artifact. */
  bundle?: string;
  /** Revision artifacts 1..n, in order, to check as a chain from the artifact. */
  revisions?: readonly string[];
}

function failureLines(what: string, failures: readonly VerifyFailure[]): string[] {
  return [`FAILED ${what}: ${failures.length} check(s) did not hold`, ...failures.map((failure) => `  - ${failure.check}: at ${failure.path}, expected ${failure.expected}`)];
}

/** Prints the result and returns the process exit code (0 all holds, 1 a check failed). */
export async function verify(artifactPath: string, options: VerifyOptions, output: Output): Promise<number> {
  const path = resolve(artifactPath);
  const report = await verifyArtifact(await readJson(path, 'a Concord genesis artifact'));
  const artifact = report.artifact;
  if (!report.ok || artifact === null) {
    output.result({ ok: false, artifact: path, failures: report.failures }, failureLines(path, report.failures));
    return EXIT.verifyFailed;
  }
  const spec = parseSpec(artifact.spec, 'artifact.spec');
  const policy = describePolicy(spec, artifact.bridge?.validators ?? []);
  const human = [
    `OK ${path}`,
    `  ceremony        ${spec.ceremonyId} (spec ${artifact.specHash})`,
    `  genesis hash    ${artifact.genesisHash}`,
    `  validators      ${artifact.validators.length}: ${artifact.validators.join(', ')}`,
    ...(artifact.bridge === null ? [] : [`  bridge          ${artifact.bridge.requiredSignatures} of ${artifact.bridge.validators.length}: ${artifact.bridge.validators.join(', ')}`]),
    `  transcript      ${artifact.transcript.length} entries, head ${artifact.transcriptHead}; every signature checked`,
    ...policy.map((line) => `  policy          ${line}`),
  ];
  const chain = await verifyRevisionFiles(path, options.revisions ?? []);
  human.push(...chain.lines);
  const summary = { ok: true, artifact: path, ceremonyId: spec.ceremonyId, specHash: artifact.specHash, genesisHash: artifact.genesisHash, validators: artifact.validators, bridge: artifact.bridge, policy, revisions: chain.revisions };
  if (!chain.ok) {
    output.result({ ...summary, ok: false, failures: chain.failures }, human);
    return EXIT.verifyFailed;
  }
  if (options.bundle === undefined) {
    output.result(summary, human);
    return EXIT.ok;
  }
  const folder = resolve(options.bundle);
  const files = await readFolderFiles(folder);
  // The chain verified above: the bundle is checked against its last revision.
  const revisions = await Promise.all((options.revisions ?? []).map(async (file) => parseWith(revisionArtifactSchema, await readJson(resolve(file), 'a Concord revision artifact'), 'REVISION_INVALID', resolve(file))));
  const failures = verifyRevisionMemberBundle(artifact, revisions, spec, files);
  if (failures.length > 0) {
    output.result({ ...summary, ok: false, bundle: folder, failures }, [...human, ...failureLines(folder, failures)]);
    return EXIT.verifyFailed;
  }
  const approved = revisions.length === 0 ? 'as the artifact approved' : `as revision ${revisions.length} lists, node folders as revision ${revisions.length} runs them`;
  output.result({ ...summary, bundle: folder, bundleRevision: revisions.length, bundleFiles: files.length }, [
    ...human,
    `OK ${folder}`,
    `  bundle          ${files.length} files: every one in manifest.json with its sha-256, secrets at 0600, public files ${approved}, every other file byte for byte as rebuilt from ${revisions.length === 0 ? 'the artifact' : `revision ${revisions.length}`}`,
  ]);
  return EXIT.ok;
}
