/**
 * The public bundle (shared/bundle/public.ts): chain spec, peers, the bridge deploy env and the
 * operators' README, the same bytes every time, every placeholder listed, nothing secret.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { PUBLIC_FILES } from '../../../shared/bundle/public.js';
import { parseSpec } from '../../../shared/spec/parse.js';
import { PLACEHOLDERS } from '../../../shared/bundle/placeholders.js';
import { parseEnvFile } from '../../../shared/bundle/env-file.js';
import { publicBundleOf } from '../../../shared/bundle/member.js';
import { finalizedCeremony, type FinalizedCeremony } from './fixture.js';

describe('buildPublicBundle', () => {
  let fixture: FinalizedCeremony;
  beforeAll(async () => {
    fixture = await finalizedCeremony();
  });

  it('is the bundle the members approved: chain spec, peers, bridge deploy env and README, nothing secret', () => {
    const spec = parseSpec(fixture.artifact.spec);
    const bundle = publicBundleOf(fixture.artifact, spec, null);
    expect(bundle.files.map((file) => file.path)).toEqual([PUBLIC_FILES.chainSpec, PUBLIC_FILES.reservedPeers, PUBLIC_FILES.staticNodes, PUBLIC_FILES.bridgeDeployEnv, PUBLIC_FILES.readme]);
    expect(bundle.manifest).toEqual(fixture.artifact.publicManifest);
    expect(bundle.files.every((file) => !file.secret)).toBe(true);
    expect(bundle.files[1]?.content).toBe(fixture.artifact.enodes.map((enode) => `${enode}\n`).join(''));
    expect(JSON.parse(bundle.files[2]?.content ?? '')).toEqual(fixture.artifact.enodes);
  });

  it('is the same bytes on every build (a pure function of spec and assembly)', () => {
    const spec = parseSpec(fixture.artifact.spec);
    expect(publicBundleOf(fixture.artifact, spec, null)).toEqual(publicBundleOf(JSON.parse(fixture.artifactText), parseSpec(JSON.parse(fixture.artifactText).spec), null));
  });

  it('lists every placeholder, validator, enode and bridge validator in the README', () => {
    const readme = publicBundleOf(fixture.artifact, parseSpec(fixture.artifact.spec), null).files.find((file) => file.path === PUBLIC_FILES.readme)?.content ?? '';
    for (const placeholder of Object.values(PLACEHOLDERS)) {
      expect(readme).toContain(placeholder.variable);
      expect(readme).toContain(placeholder.value);
    }
    for (const [i, validator] of fixture.artifact.validators.entries()) {
      expect(readme).toContain(validator);
      expect(readme).toContain(fixture.artifact.enodes[i]);
    }
    for (const validator of fixture.artifact.bridge?.validators ?? []) expect(readme).toContain(validator);
  });

  it('writes every placeholder of deploy.env into the README table', () => {
    const env = publicBundleOf(fixture.artifact, parseSpec(fixture.artifact.spec), null).files.find((file) => file.path === PUBLIC_FILES.bridgeDeployEnv)?.content ?? '';
    const readme = publicBundleOf(fixture.artifact, parseSpec(fixture.artifact.spec), null).files.find((file) => file.path === PUBLIC_FILES.readme)?.content ?? '';
    for (const [, value] of parseEnvFile(env, 'deploy.env')) {
      if (value.startsWith('<')) expect(readme).toContain(value);
    }
  });

  it('has no bridge/deploy.env when the spec has no bridge', async () => {
    const noBridge = await finalizedCeremony(
      [
        { name: 'Acme', authorityNodes: 1, bridgeValidators: 0 },
        { name: 'Bolt', authorityNodes: 1, bridgeValidators: 0 },
      ],
      'no-bridge',
    );
    const bundle = publicBundleOf(noBridge.artifact, parseSpec(noBridge.artifact.spec), null);
    expect(bundle.files.map((file) => file.path)).toEqual([PUBLIC_FILES.chainSpec, PUBLIC_FILES.reservedPeers, PUBLIC_FILES.staticNodes, PUBLIC_FILES.readme]);
    expect(bundle.files.at(-1)?.content).not.toContain('## Bridge');
  });
});
