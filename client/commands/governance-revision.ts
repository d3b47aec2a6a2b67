/**
 * `concord revision fetch <n> --out <file>`: fetches the genesis artifact (or uses the member's own,
 * `--artifact`) and revisions 1..n from the coordinator, verifies them as one chain offline
 * (shared/governance/verify-revisions.ts), and only then saves revision n. It prints what the revision
 * changed, the bridge contracts recorded as deployed, the bridge owner's exact calls and the permission
 * contract transactions anyone may submit; with `--keys`, which of the member's local keys the revision
 * retired (a removed node's signer and p2p key, a rotated signer, a removed bridge validator): those keys
 * and any bundle folder made for them are no longer part of the chain.
 */
import { resolve } from 'node:path';
import { ConcordError } from '../../shared/errors.js';
import type { ConsortiumState } from '../../shared/governance/consortium.js';
import { bridgeDeploymentOf, nodeKeyAddress } from '../../shared/governance/consortium.js';
import { describeBridgeDeployment } from '../../shared/governance/bridge-deployment.js';
import { verifyRevisionChain } from '../../shared/governance/verify-revisions.js';
import type { RevisionArtifact } from '../../shared/governance/revision.js';
import { readJson, writeNewFile } from '../io/files.js';
import { EXIT, type Output } from '../cli/output.js';
import { folderKeys, type FolderKey } from './governance-keys.js';
import { httpBaseOf, type ConsortiumOptions } from './governance-link.js';
import { wholeNumber } from './governance-propose.js';

export interface RevisionFetchOptions extends ConsortiumOptions {
  out: string;
  /** The member's key folder, to be told which of its keys are retired. */
  keys?: string;
}

async function fetchText(url: string, what: string): Promise<string> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch {
    throw new ConcordError('NOT_FOUND', url, `a reachable coordinator serving ${what}`);
  }
  if (!response.ok) throw new ConcordError('NOT_FOUND', url, `${what} (HTTP ${response.status})`);
  return response.text();
}

function parseJson(text: string, url: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new ConcordError('REVISION_INVALID', url, 'JSON text');
  }
}

/** The member's keys that were enrolled once and are not part of `consortium` any more. */
export function retiredKeys(keys: readonly FolderKey[], consortium: ConsortiumState): FolderKey[] {
  const nodes = consortium.members.flatMap((member) => member.nodes);
  const active = new Set([...nodes.flatMap((node) => [node.signer, nodeKeyAddress(node)]), ...consortium.members.flatMap((member) => member.bridgeValidators)]);
  const enrolled = new Set(consortium.usedAddresses);
  return keys.filter((key) => enrolled.has(key.address) && !active.has(key.address));
}

/** What to stop when a key of each role is retired. */
const RETIRED_USE: Record<FolderKey['role'], (index: number) => string> = {
  authority: (index) => `no node may sign blocks with it any more (a bundle's node-${index}/ made with it holds it)`,
  node: (index) => `the p2p node with this key is no longer a reserved peer (a bundle's node-${index}/ runs it)`,
  bridge: (index) => `its oracle is no longer a bridge validator once the bridge calls are sent (a bundle's oracle/bridge-${index}.env)`,
};

function bridgeCallLines(revision: RevisionArtifact): string[] {
  if (revision.bridgeCalls.length === 0) return [];
  return [
    `  bridge calls    ${revision.bridgeCalls.length}, to send in this order from the validators owner ${revision.bridgeCalls[0]?.from}:`,
    ...revision.bridgeCalls.map((call) => `    ${call.chain.padEnd(7)} ${call.target} ${call.function.replace(/\(.*\)$/, '')}(${call.args.join(', ')}) calldata ${call.calldata}`),
  ];
}

function contractCallLines(revision: RevisionArtifact): string[] {
  if (revision.contractCalls.length === 0) return [];
  return [
    `  contract calls  ${revision.contractCalls.length}, for anyone to send in this order to the permission contract ${revision.contractCalls[0]?.target} (a member identity may always call it):`,
    ...revision.contractCalls.map((call) => `    nonce ${call.nonce} ${call.function.replace(/\(.*\)$/, '')}, signed by ${call.signers.join(', ')}: calldata ${call.calldata}`),
  ];
}

/** Fetches, verifies and saves revision `n`; returns the exit code (1 if the chain does not verify). */
export async function revisionFetch(nText: string, options: RevisionFetchOptions, output: Output): Promise<number> {
  const n = wholeNumber(nText, 'n', 1);
  const base = `${httpBaseOf(options.coordinator)}/api/ceremonies/${encodeURIComponent(options.ceremony)}/revisions`;
  const genesis = options.artifact === undefined ? parseJson(await fetchText(`${base}/0`, 'the genesis artifact'), `${base}/0`) : await readJson(resolve(options.artifact), 'a Concord genesis artifact');
  const texts: string[] = [];
  for (let i = 1; i <= n; i++) texts.push(await fetchText(`${base}/${i}`, `revision ${i}`));
  const report = await verifyRevisionChain(genesis, texts.map((text, i) => parseJson(text, `${base}/${i + 1}`)));
  const revision = report.revisions[n - 1];
  if (!report.ok || revision === undefined || report.consortium === null) {
    output.result({ ok: false, failures: report.failures }, [
      `FAILED revisions 1..${n} from ${options.coordinator}: ${report.failures.length} check(s) did not hold; nothing saved`,
      ...report.failures.map((failure) => `  - ${failure.check}: at ${failure.path}, expected ${failure.expected}`),
    ]);
    return EXIT.verifyFailed;
  }
  const out = resolve(options.out);
  await writeNewFile(out, texts[n - 1] as string, false);
  const retired = options.keys === undefined ? [] : retiredKeys(await folderKeys(resolve(options.keys)), report.consortium);
  const deployment = bridgeDeploymentOf(revision.consortium);
  output.result({ ok: true, revision: n, out, validators: revision.validators, bridge: revision.bridge, bridgeDeployment: deployment, bridgeCalls: revision.bridgeCalls, contractCalls: revision.contractCalls, retired: retired.map(({ path, role, index, address }) => ({ path, role, index, address })) }, [
    `OK revision ${n}, verified as a chain from the genesis artifact (${report.revisions.length} revision(s), every signature checked); saved ${out}`,
    `  change          ${revision.proposal.payload.change.kind}, proposed by ${revision.proposal.member}, ${revision.votes.filter((v) => v.payload.approve).length} yes-vote(s)`,
    `  validators      ${revision.validators.length} from block ${report.consortium.schedule.lists.at(-1)?.fromBlock ?? 0}: ${revision.validators.join(', ')}`,
    ...(revision.bridge === null ? [] : [`  bridge          ${revision.bridge.requiredSignatures} of ${revision.bridge.validators.length}: ${revision.bridge.validators.join(', ')}`]),
    ...(deployment === null ? [] : [`  bridge deployed ${describeBridgeDeployment(deployment)}`]),
    ...bridgeCallLines(revision),
    ...contractCallLines(revision),
    ...retired.map((key) => `  retired         ${key.path} (${key.address}): not in revision ${n}; ${RETIRED_USE[key.role](key.index)}`),
  ]);
  return EXIT.ok;
}
