/**
 * Bundles once the consortium recorded its bridge deployment (shared/governance/bridge-deployment.ts):
 * on one governed consortium (test/unit/bundle/revision-fixture.ts), revision 1 records the deployed
 * contracts and revision 2 records a redeployment. Each member's oracle env files, read by dotenv 5.0.1
 * as the oracle reads them (test/unit/bundle/env-dotenv.test.ts), carry the recorded bridge addresses
 * and start blocks instead of placeholders; the public README says which contracts are recorded and
 * stops listing those placeholders; `verifyRevisionMemberBundle` accepts each bundle, and refuses an
 * oracle env whose address was put back to the placeholder.
 */
import { createRequire } from 'node:module';
import { beforeAll, describe, expect, it } from 'vitest';
import { fileBytes } from '../../../shared/bundle/manifest.js';
import { oracleEnvPath } from '../../../shared/bundle/oracle-env.js';
import { DEPLOYMENT_FILLS, PLACEHOLDERS } from '../../../shared/bundle/placeholders.js';
import { PUBLIC_FILES } from '../../../shared/bundle/public.js';
import { PUBLIC_FOLDER, type MemberBundle } from '../../../shared/bundle/member.js';
import { verifyRevisionMemberBundle } from '../../../shared/bundle/verify-bundle.js';
import type { BridgeDeployment } from '../../../shared/governance/bridge-deployment.js';
import { newBridgeDeployment } from '../governance/fixture.js';
import { folderOf, revisionChain, type RevisionChain } from './revision-fixture.js';

/** dotenv 5 ships no types; `parse` (lib/main.js) returns each KEY=value it reads. */
const dotenv = createRequire(import.meta.url)('dotenv') as { parse: (src: string) => Record<string, string> };

function textOf(built: MemberBundle, path: string): string {
  const file = built.files.find((f) => f.path === path);
  if (file === undefined) throw new Error(`no ${path}`);
  return new TextDecoder().decode(fileBytes(file));
}

/** Every oracle env of a member's bundle, as dotenv reads it. */
function oracleEnvs(built: MemberBundle): Record<string, string>[] {
  return built.files.filter((file) => /^oracle\/bridge-\d+\.env$/.test(file.path)).map((file) => dotenv.parse(textOf(built, file.path)));
}

describe('bundles after the bridge deployment is recorded', () => {
  let chain: RevisionChain;
  const first: BridgeDeployment = newBridgeDeployment();
  const redeployed: BridgeDeployment = newBridgeDeployment();
  const members = ['Acme', 'Bolt', 'Crane'];

  beforeAll(async () => {
    chain = await revisionChain('bundle-bridge-deployment');
    await chain.pass('Bolt', { kind: 'recordBridgeDeployment', ...first });
    await chain.pass('Crane', { kind: 'recordBridgeDeployment', ...redeployed });
  });

  it('writes placeholders at genesis', async () => {
    for (const env of oracleEnvs(await chain.build('Acme', 0))) {
      for (const { placeholder } of DEPLOYMENT_FILLS) expect(env[placeholder.variable]).toBe(placeholder.value);
    }
  });

  it('gives every oracle env the recorded bridge addresses and start blocks, read back by dotenv', async () => {
    for (const [n, deployment] of [[1, first], [2, redeployed]] as const) {
      for (const name of members) {
        const built = await chain.build(name, n);
        const envs = oracleEnvs(built);
        expect(envs, name).toHaveLength(1);
        for (const env of envs) {
          expect(env.COMMON_HOME_BRIDGE_ADDRESS).toBe(deployment.home.bridge);
          expect(env.COMMON_FOREIGN_BRIDGE_ADDRESS).toBe(deployment.foreign.bridge);
          expect(env.ORACLE_HOME_START_BLOCK).toBe(String(deployment.home.deployedBlock));
          expect(env.ORACLE_FOREIGN_START_BLOCK).toBe(String(deployment.foreign.deployedBlock));
          // The RPC URLs stay the operator's to fill.
          expect(env.COMMON_HOME_RPC_URL).toBe(PLACEHOLDERS.homeRpcForOracle.value);
        }
        expect(verifyRevisionMemberBundle(chain.genesis, chain.revisions.slice(0, n).map((r) => r.artifact), chain.spec, folderOf(built)), `${name} ${n}`).toEqual([]);
      }
    }
  });

  it('says in the public README which contracts are recorded, and lists only the placeholders still written', async () => {
    const genesisReadme = textOf(await chain.build('Bolt', 0), `${PUBLIC_FOLDER}/${PUBLIC_FILES.readme}`);
    expect(genesisReadme).toContain('No deployment of the bridge contracts is recorded yet');
    expect(genesisReadme).toContain(PLACEHOLDERS.homeBridgeAddress.value);

    const readme = textOf(await chain.build('Bolt', 2), `${PUBLIC_FOLDER}/${PUBLIC_FILES.readme}`);
    expect(readme).toContain('### Deployed contracts');
    expect(readme).toContain(`| home | ${redeployed.home.bridge} | ${redeployed.home.validators} | ${redeployed.home.deployedBlock} |`);
    expect(readme).toContain(`| foreign | ${redeployed.foreign.bridge} | ${redeployed.foreign.validators} | ${redeployed.foreign.deployedBlock} |`);
    expect(readme).not.toContain(first.home.bridge);
    for (const { placeholder } of DEPLOYMENT_FILLS) expect(readme).not.toContain(placeholder.value);
    expect(readme).toContain(PLACEHOLDERS.homeRpcForOracle.value);
    expect(readme).toContain(PLACEHOLDERS.deploymentKey.value);
  });

  it('refuses, in verify, an oracle env whose recorded address was put back to its placeholder', async () => {
    const built = await chain.build('Crane', 2);
    const path = oracleEnvPath(0);
    const edited = textOf(built, path).replace(`COMMON_HOME_BRIDGE_ADDRESS=${redeployed.home.bridge}`, `COMMON_HOME_BRIDGE_ADDRESS=${PLACEHOLDERS.homeBridgeAddress.value}`);
    expect(edited).not.toBe(textOf(built, path));
    const folder = folderOf(built).map((file) => (file.path === path ? { ...file, content: new TextEncoder().encode(edited) } : file));
    const failures = verifyRevisionMemberBundle(chain.genesis, chain.revisions.map((r) => r.artifact), chain.spec, folder);
    expect(failures.map((failure) => failure.path)).toContain(path);
  });
});
