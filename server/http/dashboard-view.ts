/**
 * What the dashboard shows of a ceremony, in one read-only view: the public status, the phase
 * timeline with deadlines, the transcript as it grew (kind, member, hash, time), the assembled
 * validators and bridge validators, each member's approved genesis hash, the artifact with the
 * coordinator's own verification of it, and after genesis the consortium as the latest revision left
 * it (with the bridge contracts recorded as deployed) and the governance proposals with their tallies;
 * and the genesis permission policy in the words `concord verify` prints, for the people who sign off on it.
 * Everything here is public: no key, no password, no salt before its reveal (salts are published by
 * the reveal itself).
 */
import type { CeremonyStatus } from '../../shared/protocol/messages.js';
import { verifyArtifact } from '../../shared/artifact/verify.js';
import { hashEntry } from '../../shared/transcript/entry.js';
import type { CeremonyHost, PhaseWindow } from '../ceremony/host.js';
import { proposalViews, type ProposalView } from '../../shared/governance/proposal-view.js';
import { currentConsortium, type GovernanceState } from '../../shared/governance/proposals.js';
import { bridgeDeploymentOf, bridgeOf, validatorsOf } from '../../shared/governance/consortium.js';
import type { BridgeDeployment } from '../../shared/governance/bridge-deployment.js';
import { describePolicy } from '../../shared/permissioning/describe.js';

export interface DashboardView {
  consortium: string;
  chain: { name: string; chainId: number; evm: string; stepDurationSec: number };
  status: CeremonyStatus;
  phases: PhaseWindow[];
  transcript: { seq: number; kind: string; member: string; memberName: string; hash: string; acceptedMs: number; genesisHash: string | null }[];
  assembly: { genesisHash: string; validators: string[]; bridgeValidators: string[]; requiredSignatures: number | null } | null;
  artifact: { available: boolean; verified: boolean | null; failures: string[] };
  /** The spec's permission policy in plain words (shared/permissioning/describe.ts), with the bridge validators once assembled. */
  policy: string[];
  /** The name of every identity the transcript or a proposal may show: the spec's members, those any revision admitted, the coordinator. */
  names: Record<string, string>;
  /** After genesis: the consortium of the latest revision and every proposal with its tally and deadline. */
  governance: GovernanceView | null;
  nowMs: number;
}

/** The consortium as the latest revision left it (members named as their admission named them), and every proposal. */
export interface GovernanceView {
  revision: number;
  members: { identity: string; name: string }[];
  validators: string[];
  bridgeValidators: string[];
  requiredSignatures: number | null;
  /** The bridge contracts recorded as deployed, or null (none recorded, or no bridge). */
  bridgeDeployment: BridgeDeployment | null;
  proposals: ProposalView[];
}

/** Caches the verification of each artifact text: it is checked once, not on every view. */
const verified = new WeakMap<CeremonyHost, { text: string; ok: boolean; failures: string[] }>();

/** Builds the dashboard view of a hosted ceremony. */
export async function dashboardView(host: CeremonyHost, nowMs: number): Promise<DashboardView> {
  const { spec } = host.identity();
  const governance = host.governance();
  const names = new Map<string, string>([[spec.coordinator, 'coordinator'], ...spec.members.map((member): [string, string] => [member.identity, member.name])]);
  for (const revision of governance?.revisions ?? []) for (const member of revision.members) names.set(member.identity, member.name);
  const acceptedMs = host.acceptedAtMs();
  const history = host.phaseHistory();
  const assembly = host.assembly();
  const text = host.artifact();
  let check = verified.get(host);
  if (text !== null && check?.text !== text) {
    const report = await verifyArtifact(JSON.parse(text));
    check = { text, ok: report.ok, failures: report.failures.map((failure) => `${failure.check}: ${failure.path}`) };
    verified.set(host, check);
  }
  return {
    consortium: spec.consortium,
    chain: { name: spec.chain.name, chainId: spec.chain.chainId, evm: spec.chain.evm, stepDurationSec: spec.chain.stepDurationSec },
    status: host.status(),
    phases: [...history],
    transcript: host.transcript(0).map((entry) => ({
      seq: entry.seq,
      kind: entry.kind,
      member: entry.member,
      memberName: names.get(entry.member) ?? entry.member,
      hash: hashEntry(entry),
      acceptedMs: acceptedMs[entry.seq] ?? 0,
      genesisHash: entry.kind === 'Approve' ? entry.payload.genesisHash : null,
    })),
    assembly:
      assembly === null
        ? null
        : {
            genesisHash: assembly.hashes.genesisHash,
            validators: assembly.validators,
            bridgeValidators: assembly.bridge?.validators ?? [],
            requiredSignatures: assembly.bridge?.requiredSignatures ?? null,
          },
    artifact: { available: text !== null, verified: check === undefined ? null : check.ok, failures: check?.failures ?? [] },
    policy: describePolicy(spec, assembly?.bridge?.validators ?? []),
    names: Object.fromEntries(names),
    governance: governance === null ? null : governanceView(governance),
    nowMs,
  };
}

function governanceView(governance: GovernanceState): GovernanceView {
  const current = currentConsortium(governance);
  const bridge = bridgeOf(current);
  return {
    revision: current.revision,
    members: current.members.map(({ identity, name }) => ({ identity, name })),
    validators: validatorsOf(current),
    bridgeValidators: bridge?.validators ?? [],
    requiredSignatures: bridge?.requiredSignatures ?? null,
    bridgeDeployment: bridgeDeploymentOf(current),
    proposals: proposalViews(governance),
  };
}
