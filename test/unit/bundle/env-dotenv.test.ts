/**
 * The env files Concord writes, read by the reader that will read them: dotenv 5.0.1, which
 * tokenbridge-contracts 5.6.0 `deploy/` and tokenbridge oracle 2.x both depend on (`"dotenv": "^5.0.1"`
 * in omni/tokenbridge-contracts `deploy/package.json` and omni/tokenbridge `oracle/package.json`; 5.0.1
 * is the last 5.x). Every env file of every member bundle of a real finalized ceremony (the public
 * bridge-deploy env and each oracle env, with and without the validator key) must give, through
 * `dotenv.parse`, exactly the variables and values its builder meant; so must Concord's own parser.
 */
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { bytesToHex } from '@noble/hashes/utils.js';
import { parseSpec } from '../../../shared/spec/parse.js';
import type { CeremonySpec } from '../../../shared/spec/schema.js';
import { buildMemberBundle } from '../../../shared/bundle/member.js';
import { fileBytes } from '../../../shared/bundle/manifest.js';
import { envValueProblem, parseEnvFile, serializeEnvFile, type EnvLine } from '../../../shared/bundle/env-file.js';
import { BRIDGE_DEPLOY_ENV_PATH, bridgeDeployEnvLines } from '../../../shared/bundle/bridge-deploy-env.js';
import { ORACLE_KEY_VARIABLE, oracleEnvLines, oracleEnvPath } from '../../../shared/bundle/oracle-env.js';
import { PLACEHOLDERS } from '../../../shared/bundle/placeholders.js';
import { finalizedCeremony, keyMaterialOf, type FinalizedCeremony } from './fixture.js';
import { expectThrows } from '../../helpers/errors.js';

/** dotenv 5 ships no types; `parse` (lib/main.js) takes the file text and returns each KEY=value it reads. */
interface Dotenv {
  parse: (src: string) => Record<string, string>;
}
const requireHere = createRequire(import.meta.url);
const dotenv = requireHere('dotenv') as Dotenv;
const dotenvVersion = (requireHere('dotenv/package.json') as { version: string }).version;

/** One env file a member bundle holds, and the lines its builder meant. */
interface WrittenEnv {
  member: string;
  path: string;
  text: string;
  meant: EnvLine[];
}

/** The variables `lines` set, as dotenv returns them. */
function variablesOf(lines: readonly EnvLine[]): Record<string, string> {
  return Object.fromEntries(lines.flatMap((line) => ('key' in line ? [[line.key, line.value]] : [])));
}

describe('env files as dotenv 5 reads them', () => {
  let fixture: FinalizedCeremony;
  let spec: CeremonySpec;
  const written: WrittenEnv[] = [];
  /** The member whose bundle holds its oracle key. */
  const WITH_KEY = 'Crane';

  beforeAll(async () => {
    fixture = await finalizedCeremony();
    spec = parseSpec(fixture.artifact.spec);
    const bridge = spec.bridge;
    const agreed = fixture.artifact.bridge;
    if (bridge === undefined || agreed === null) throw new Error('the fixture ceremony has a bridge');
    for (const member of fixture.ceremony.members) {
      const includeOracleKeys = member.name === WITH_KEY;
      const bundle = buildMemberBundle({ artifact: fixture.artifact, artifactText: fixture.artifactText, spec, member: member.identity.address, keys: await keyMaterialOf(member), includeOracleKeys });
      for (const file of bundle.files.filter((f) => f.path.endsWith('.env'))) {
        const text = new TextDecoder().decode(fileBytes(file));
        if (file.path === `public/${BRIDGE_DEPLOY_ENV_PATH}`) {
          written.push({ member: member.name, path: file.path, text, meant: bridgeDeployEnvLines(bridge, agreed) });
          continue;
        }
        const index = member.bridgeValidators.findIndex((_, i) => file.path === oracleEnvPath(i));
        const validator = member.bridgeValidators[index];
        if (validator === undefined) throw new Error(`${member.name}'s bundle has an env file no test expects: ${file.path}`);
        const meant = oracleEnvLines({
          spec,
          index,
          agreedIndex: agreed.validators.indexOf(validator.address),
          agreedCount: agreed.validators.length,
          requiredSignatures: agreed.requiredSignatures,
          bridgeDeployment: null,
          address: validator.address,
          secretKey: includeOracleKeys ? validator.secretKey : null,
        });
        written.push({ member: member.name, path: file.path, text, meant });
      }
    }
  });

  it('uses the dotenv the tokenbridge pins', () => {
    expect(dotenvVersion).toBe('5.0.1');
  });

  it('finds every env file a member bundle holds: the public deploy env and one oracle env per bridge validator', () => {
    const expected = fixture.ceremony.members.flatMap((member) => [
      `${member.name} public/${BRIDGE_DEPLOY_ENV_PATH}`,
      ...member.bridgeValidators.map((_, i) => `${member.name} ${oracleEnvPath(i)}`),
    ]);
    expect(written.map((env) => `${env.member} ${env.path}`).sort()).toEqual(expected.sort());
    expect(written.filter((env) => env.path.startsWith('oracle/')).length).toBeGreaterThanOrEqual(3);
  });

  it('gives through dotenv.parse exactly the variables and values Concord meant, as Concord’s own parser does', () => {
    for (const env of written) {
      const meant = variablesOf(env.meant);
      expect(Object.keys(meant).length, `${env.member} ${env.path}`).toBeGreaterThan(10);
      expect(dotenv.parse(env.text), `${env.member} ${env.path}`).toEqual(meant);
      expect(Object.fromEntries(parseEnvFile(env.text, env.path)), `${env.member} ${env.path}`).toEqual(meant);
    }
  });

  it('reads the agreed values themselves back through dotenv: validators, threshold, limits, token, placeholders, the key', () => {
    const agreed = fixture.artifact.bridge;
    const deploy = dotenv.parse((written.find((env) => env.path === `public/${BRIDGE_DEPLOY_ENV_PATH}`) as WrittenEnv).text);
    expect(deploy.VALIDATORS).toBe(agreed?.validators.join(' '));
    expect(deploy.VALIDATORS?.split(' ')).toEqual(agreed?.validators);
    expect(deploy.REQUIRED_NUMBER_OF_VALIDATORS).toBe(String(agreed?.requiredSignatures));
    expect(deploy.BRIDGE_MODE).toBe('ERC_TO_ERC');
    expect(deploy.HOME_DAILY_LIMIT).toBe(spec.bridge?.home.dailyLimit);
    expect(deploy.FOREIGN_MIN_AMOUNT_PER_TX).toBe(spec.bridge?.foreign.minPerTx);
    expect(deploy.ERC20_TOKEN_ADDRESS).toBe(spec.bridge?.foreignToken);
    expect(deploy.BRIDGEABLE_TOKEN_NAME).toBe(spec.bridge?.homeToken.name);
    expect(deploy.BRIDGEABLE_TOKEN_NAME).toContain(' ');
    expect(deploy[PLACEHOLDERS.deploymentKey.variable]).toBe(PLACEHOLDERS.deploymentKey.value);
    expect(deploy.HOME_REWARDABLE).toBe('false');

    for (const member of fixture.ceremony.members) {
      member.bridgeValidators.forEach((validator, i) => {
        const oracle = dotenv.parse((written.find((env) => env.member === member.name && env.path === oracleEnvPath(i)) as WrittenEnv).text);
        expect(oracle.ORACLE_VALIDATOR_ADDRESS).toBe(validator.address);
        expect(oracle.COMMON_HOME_BRIDGE_ADDRESS).toBe(PLACEHOLDERS.homeBridgeAddress.value);
        expect(oracle.ORACLE_HOME_RPC_POLLING_INTERVAL).toBe(String(spec.chain.stepDurationSec * 1000));
        expect(oracle[ORACLE_KEY_VARIABLE]).toBe(member.name === WITH_KEY ? bytesToHex(validator.secretKey) : undefined);
      });
    }
  });

  it('reads back unchanged, through dotenv, every value the serializer accepts (spaces, =, <>, tabs, Unicode inside)', () => {
    const printable = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i));
    const unit = fc.oneof(fc.constantFrom('\t', '\u2028', '\u2029', '\u0085', '\u00a0', ...printable), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }));
    const value = fc.string({ unit, maxLength: 40 }).filter((v) => envValueProblem(v) === null);
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(fc.stringMatching(/^[A-Z][A-Z0-9_]{0,15}$/), value), { maxLength: 8, selector: ([key]) => key }), (pairs) => {
        const text = serializeEnvFile(pairs.map(([key, v]) => ({ key, value: v })), 'property.env');
        expect(dotenv.parse(text)).toEqual(Object.fromEntries(pairs));
      }),
      { numRuns: 500 },
    );
  });

  it.each(['a\u2028b', 'a\u2029b'])('refuses %j, which dotenv 5 would drop', (value) => {
    expectThrows(() => serializeEnvFile([{ key: 'K', value }], 'p.env'), 'FILE_INVALID', 'p.env.K');
  });
});
