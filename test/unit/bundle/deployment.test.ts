/**
 * The spec's optional `deployment` section (shared/spec/schema.ts) and its defaults
 * (shared/bundle/deployment.ts): absent, a spec keeps its normalized form and hash; present, every field
 * has a default; hostile values are refused naming the field.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { canonicalize } from '../../../shared/canonical/jcs.js';
import { hashSpec, parseSpec } from '../../../shared/spec/parse.js';
import { deploymentOf, nodePorts } from '../../../shared/bundle/deployment.js';
import { expectThrows } from '../../helpers/errors.js';

const seed = (): Record<string, any> => JSON.parse(readFileSync(new URL('../../../ceremony-specs/seed-consortium.json', import.meta.url), 'utf8')) as Record<string, any>;
const DEFAULTS = {
  images: { openethereum: 'openethereum/openethereum:v3.3.5', nethermind: 'nethermind/nethermind:1.32.4', oracle: 'poanetwork/tokenbridge-oracle:2.6.0' },
  rpcBindAddress: '127.0.0.1',
  rpcPortBase: 8545,
  wsPortBase: 8645,
};

describe('spec.deployment', () => {
  it('stays absent from a spec that has none, so its canonical form and hash do not change', () => {
    const spec = parseSpec(seed());
    expect('deployment' in spec).toBe(false);
    expect(canonicalize(spec)).not.toContain('deployment');
    expect(deploymentOf(spec)).toEqual(DEFAULTS);
  });

  it('fills every default when present, and then the hash covers it', () => {
    const withSection = parseSpec({ ...seed(), deployment: {} });
    expect(withSection.deployment).toEqual(DEFAULTS);
    expect(hashSpec(withSection)).not.toBe(hashSpec(parseSpec(seed())));
    expect(hashSpec(parseSpec({ ...seed(), deployment: DEFAULTS }))).toBe(hashSpec(withSection));
  });

  it('keeps what the spec says', () => {
    const spec = parseSpec({ ...seed(), deployment: { rpcBindAddress: '10.1.2.3', rpcPortBase: 18545, images: { nethermind: 'nethermind/nethermind:1.29.1' } } });
    expect(deploymentOf(spec)).toEqual({ ...DEFAULTS, rpcBindAddress: '10.1.2.3', rpcPortBase: 18545, images: { ...DEFAULTS.images, nethermind: 'nethermind/nethermind:1.29.1' } });
  });

  const HOSTILE: [string, Record<string, unknown>, string][] = [
    ['an unknown field', { extra: 1 }, 'spec.deployment'],
    ['an image without a tag', { images: { openethereum: 'openethereum/openethereum' } }, 'spec.deployment.images.openethereum'],
    ['an image tagged latest', { images: { nethermind: 'nethermind/nethermind:latest' } }, 'spec.deployment.images.nethermind'],
    ['an oracle 3.x image (refuses ERC_TO_ERC)', { images: { oracle: 'poanetwork/tokenbridge-oracle:3.0.0' } }, 'spec.deployment.images.oracle'],
    ['an RPC address that is a name', { rpcBindAddress: 'localhost' }, 'spec.deployment.rpcBindAddress'],
    ['a privileged port base', { rpcPortBase: 80 }, 'spec.deployment.rpcPortBase'],
    ['WebSocket ports overlapping RPC ports', { wsPortBase: 8546 }, 'spec.deployment.wsPortBase'],
  ];
  for (const [name, deployment, path] of HOSTILE) {
    it(`refuses ${name} at ${path}`, () => {
      expectThrows(() => parseSpec({ ...seed(), deployment }), 'SPEC_INVALID', path);
    });
  }
});

describe('nodePorts', () => {
  it('puts p2p on the agreed endpoint port and RPC/WebSocket on base + i', () => {
    expect(nodePorts(deploymentOf(parseSpec(seed())), 2, 'node.example.org:30311')).toEqual({ p2p: 30311, rpc: 8547, ws: 8647 });
  });
});
