/**
 * `concord join`: take part in a ceremony as a member, from spec confirmation to the verified artifact.
 */
import { resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { ConcordError } from '../../shared/errors.js';
import type { CeremonySpec } from '../../shared/spec/schema.js';
import { hashSpec } from '../../shared/spec/parse.js';
import { readSpecFile } from '../io/spec-file.js';
import { unlockIdentity, type PasswordSource } from '../keys/identity.js';
import { scryptParams } from '../keys/kdf.js';
import { participate } from '../ceremony/participate.js';
import type { Output } from '../cli/output.js';

export interface JoinOptions {
  coordinator: string;
  ceremony?: string;
  spec?: string;
  identity: string;
  passwordFile?: string;
  passwordEnv?: string;
  out: string;
  endpoint: string[];
  yes: boolean;
  lightKdf: boolean;
}

/** The spec as a person reads it before accepting. */
export function describeSpec(spec: CeremonySpec, specHash: string): string {
  const lines = [
    `Ceremony ${spec.ceremonyId} of ${spec.consortium}`,
    `  spec hash     ${specHash}`,
    `  coordinator   ${spec.coordinator}`,
    `  chain         ${spec.chain.name}: Aura, chainId ${spec.chain.chainId}, networkId ${spec.chain.networkId}, step ${spec.chain.stepDurationSec} s, EVM ${spec.chain.evm}, gas limit ${spec.chain.gasLimit}`,
    `  node software ${spec.chain.clients.join(', ')}`,
    `  prefunded     ${spec.chain.accounts.map((account) => `${account.address} ${account.balanceWei} wei`).join('; ') || 'none'}`,
    `  members (${spec.members.length}), governance threshold ${spec.governance.threshold}:`,
    ...spec.members.map((member) => `    ${member.name.padEnd(24)} ${member.identity}  ${member.authorityNodes} node(s), ${member.bridgeValidators} bridge validator(s)`),
  ];
  if (spec.bridge !== undefined) {
    lines.push(`  bridge        ERC-20 to ERC-20 with chain ${spec.bridge.foreignChainId}, token ${spec.bridge.foreignToken}, ${spec.bridge.requiredSignatures} signature(s) required`);
  }
  const d = spec.deadlines;
  lines.push(`  deadlines     accept ${d.acceptSec} s, commit ${d.commitSec} s, reveal ${d.revealSec} s, approve ${d.approveSec} s`);
  return lines.join('\n');
}

async function askPerson(spec: CeremonySpec, specHash: string): Promise<boolean> {
  if (!process.stdin.isTTY) throw new ConcordError('MESSAGE_INVALID', '--yes', '--yes to accept the spec without a terminal to ask on');
  console.log(describeSpec(spec, specHash));
  const prompt = createInterface({ input: process.stdin, output: process.stdout });
  try {
    const answer = await prompt.question('Accept this spec and take part? [y/N] ');
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    prompt.close();
  }
}

export async function join(options: JoinOptions, output: Output): Promise<void> {
  const specOnFile = options.spec === undefined ? null : await readSpecFile(resolve(options.spec));
  const ceremonyId = options.ceremony ?? specOnFile?.ceremonyId;
  if (ceremonyId === undefined) throw new ConcordError('MESSAGE_INVALID', '--ceremony', 'the ceremony id (or --spec with the spec file)');
  const password: PasswordSource =
    options.passwordFile !== undefined ? { file: resolve(options.passwordFile) } : { env: options.passwordEnv ?? 'CONCORD_PASSWORD' };
  const identity = await unlockIdentity(resolve(options.identity), password, (line) => output.progress(line));
  const folder = resolve(options.out);
  const result = await participate({
    wsUrl: options.coordinator,
    ceremonyId,
    identity,
    folder,
    endpoints: options.endpoint,
    expectedSpecHash: specOnFile === null ? null : hashSpec(specOnFile),
    confirm: async (spec, specHash) => {
      if (!options.yes) return askPerson(spec, specHash);
      output.progress(`accepting spec ${specHash} of ceremony ${spec.ceremonyId} (--yes)`);
      return true;
    },
    scrypt: scryptParams(options.lightKdf),
    report: (line) => output.progress(line),
  });
  // The last line is the artifact's path, so a script can pick it up.
  output.result({ artifact: result.artifactPath, genesisHash: result.artifact.genesisHash, validators: result.artifact.validators }, [result.artifactPath]);
}
