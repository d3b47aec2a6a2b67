/**
 * A member's compose file (shared/bundle/docker-compose.ts) parses back through `yaml` to what was meant.
 */
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { buildComposeFile, composeFile, PORT_LABELS } from '../../../shared/bundle/docker-compose.js';
import { makeKey } from '../../helpers/ceremony.js';

const signer = makeKey().address;

describe('docker compose file', () => {
  const input = {
    project: 'concord-test-acme-openethereum',
    client: 'openethereum' as const,
    image: 'openethereum/openethereum:v3.3.5',
    nodes: [
      { folder: 'node-0', signer, ports: { p2p: 30303, rpc: 8545, ws: 8645 } },
      { folder: 'node-1', signer: makeKey().address, ports: { p2p: 30304, rpc: 8546, ws: 8646 } },
    ],
  };
  const parsed = parseYaml(buildComposeFile(input)) as { name: string; services: Record<string, Record<string, any>> };

  it('parses back (yaml) to the compose object', () => {
    expect(parsed).toEqual(composeFile(input));
  });

  it('starts one service per node with the pinned image, its folder read-only and its own data folder', () => {
    expect(Object.keys(parsed.services)).toEqual(['node-0', 'node-1']);
    for (const [name, service] of Object.entries(parsed.services)) {
      expect(service.image).toBe('openethereum/openethereum:v3.3.5');
      expect(service.network_mode).toBe('host');
      expect(service.command).toEqual(['--config', '/concord/config.toml']);
      expect(service.volumes).toEqual([`./${name}:/concord:ro`, `\${CONCORD_DATA:?set CONCORD_DATA to a folder for chain data}/${name}/openethereum:/data`]);
    }
  });

  it('labels each service with its host ports, none shared', () => {
    const ports = Object.values(parsed.services).flatMap((service) => Object.values(PORT_LABELS).map((label) => Number(service.labels[label])));
    expect(ports).toEqual([30303, 8545, 8645, 30304, 8546, 8646]);
    expect(new Set(ports).size).toBe(ports.length);
  });
});
