/**
 * `concord genesis-hash` says, per client, whether the file loads as written, beside the hash: run as a
 * child process on the public fixtures, reading its stdout and exit code.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { formatStrictness } from '../../../client/commands/genesis-hash.js';
import { checkChainSpec } from '../../../shared/chainspec/strict.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const FIXTURES = fileURLToPath(new URL('../../../../shared/fixtures/aura/', import.meta.url));
const KOVAN_HASH = '0xa3c565fc15c7478862d50ccd6561e3c06b24cc509bf388941c25ea985ce32cb9';

async function concord(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'client/bin.ts', ...args], { cwd: REPO });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('formatStrictness', () => {
  it('writes one line per problem, and one for a client without any', () => {
    const spec = JSON.parse(readFileSync(join(FIXTURES, 'kovan-openethereum.json'), 'utf8')) as unknown;
    expect(formatStrictness(checkChainSpec(spec, ['openethereum', 'nethermind']), ['openethereum', 'nethermind'])).toEqual([
      'OpenEthereum 3.3.5 loads this file as written',
      'Nethermind would refuse this file: engine.authorityRound.params.stepDuration: a JSON number or a decimal string, not 0x hex (StepDurationJsonConverter parses with long.Parse)',
    ]);
  });

  it('says a client may not run the file as written for an unsupported field', () => {
    const spec = JSON.parse(readFileSync(join(FIXTURES, 'xdai-openethereum.json'), 'utf8')) as unknown;
    expect(formatStrictness(checkChainSpec(spec, ['nethermind']), ['nethermind'])).toEqual([
      'Nethermind may not run this file as written: params.eip1559FeeCollector: no eip1559FeeCollector: Nethermind ignores it (it reads feeCollector, which OpenEthereum refuses), so the clients would split (REFERENCE.md §2)',
    ]);
  });
});

describe('concord genesis-hash', () => {
  it('prints the hash of a file OpenEthereum 3.3.5 refuses, says why, and exits 0', async () => {
    const { code, stdout } = await concord('genesis-hash', join(FIXTURES, 'kovan-parity-2017.json'));
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(KOVAN_HASH);
    expect(lines).toContain(
      '  OpenEthereum 3.3.5 would refuse this file: engine.authorityRound.params.gasLimitBoundDivisor: no such field: AuthorityRoundParams denies unknown fields (crates/ethjson/src/spec/authority_round.rs)',
    );
    expect(lines).toContain('  OpenEthereum 3.3.5 would refuse this file: params.gasLimitBoundDivisor: a value: Params requires gasLimitBoundDivisor (crates/ethjson/src/spec/params.rs)');
    expect(lines.at(-1)).toBe('  Nethermind loads this file as written');
  });

  it('judges only the client asked for', async () => {
    const { code, stdout } = await concord('genesis-hash', join(FIXTURES, 'kovan-openethereum.json'), '--client', 'openethereum');
    expect(code).toBe(0);
    expect(stdout.trimEnd().split('\n').slice(-1)).toEqual(['  OpenEthereum 3.3.5 loads this file as written']);
    expect(stdout).not.toContain('Nethermind would');
  });

  it('still says what each client refuses when no hash can be computed, then fails', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'concord-genesis-hash-'));
    const spec = JSON.parse(readFileSync(join(REPO, 'test/golden/chainspec/aura-london-v1.json'), 'utf8')) as Record<string, any>;
    spec.accounts['0x1efF47bc3a10a45D4B230B5d10E37751FE6AA718'].constructor = '0x6000';
    const file = join(dir, 'chain-spec.json');
    writeFileSync(file, JSON.stringify(spec));
    const { code, stdout, stderr } = await concord('genesis-hash', file);
    rmSync(dir, { recursive: true });
    expect(code).toBe(2);
    expect(stdout).toContain('  OpenEthereum 3.3.5 may not run this file as written: accounts.0x1efF47bc3a10a45D4B230B5d10E37751FE6AA718.constructor: no genesis constructor');
    expect(stderr).toContain('error: CHAINSPEC_UNSUPPORTED at accounts.0x1efF47bc3a10a45D4B230B5d10E37751FE6AA718.constructor');
  });
});
