/**
 * `concord verify <artifact>`: offline verification of a genesis artifact. Exit 0 only if every check
 * holds; otherwise a readable list of what failed.
 */
import { resolve } from 'node:path';
import { verifyArtifact } from '../../shared/artifact/verify.js';
import { readJson } from '../io/files.js';

/** Prints the result and returns the process exit code. */
export async function verify(artifactPath: string): Promise<number> {
  const path = resolve(artifactPath);
  const report = await verifyArtifact(await readJson(path, 'a Concord genesis artifact'));
  const artifact = report.artifact;
  if (report.ok && artifact !== null) {
    console.log(`OK ${path}`);
    console.log(`  ceremony        ${(artifact.spec as { ceremonyId: string }).ceremonyId} (spec ${artifact.specHash})`);
    console.log(`  genesis hash    ${artifact.genesisHash}`);
    console.log(`  validators      ${artifact.validators.length}: ${artifact.validators.join(', ')}`);
    if (artifact.bridge !== null) console.log(`  bridge          ${artifact.bridge.requiredSignatures} of ${artifact.bridge.validators.length}: ${artifact.bridge.validators.join(', ')}`);
    console.log(`  transcript      ${artifact.transcript.length} entries, head ${artifact.transcriptHead}; every signature checked`);
    return 0;
  }
  console.log(`FAILED ${path}: ${report.failures.length} check(s) did not hold`);
  for (const failure of report.failures) console.log(`  - ${failure.check}: at ${failure.path}, expected ${failure.expected}`);
  return 1;
}
