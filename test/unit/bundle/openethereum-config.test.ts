/**
 * OpenEthereum `config.toml` (shared/bundle/openethereum-config.ts) parses back through smol-toml to
 * what was meant, and uses only keys `bin/oe/cli/mod.rs` accepts (every section denies unknown keys).
 */
import { describe, expect, it } from 'vitest';
import { parse as parseToml } from 'smol-toml';
import { buildOpenEthereumConfig, openEthereumConfig, OPENETHEREUM_CONFIG_KEYS, type OpenEthereumConfigInput } from '../../../shared/bundle/openethereum-config.js';
import { makeKey } from '../../helpers/ceremony.js';

const signer = makeKey().address;
const oe: OpenEthereumConfigInput = {
  chainSpecPath: '/concord/chain-spec.json',
  basePath: '/data',
  keysPath: '/concord/keystore',
  passwordFile: '/concord/signer.password',
  reservedPeersPath: '/concord/reserved-peers',
  signer,
  nodeKeyHex: 'ab'.repeat(32),
  p2pPort: 30303,
  externalIp: '10.0.0.1',
  rpcAddress: '127.0.0.1',
  rpcPort: 8545,
  wsPort: 8645,
};

describe('OpenEthereum config.toml', () => {
  const text = buildOpenEthereumConfig(oe);
  const parsed = parseToml(text) as Record<string, Record<string, unknown>>;

  it('parses back (smol-toml) to the config object', () => {
    expect(parsed).toEqual(openEthereumConfig(oe));
  });

  it('uses only sections and keys OpenEthereum 3.x accepts', () => {
    for (const [section, values] of Object.entries(parsed)) {
      const allowed = OPENETHEREUM_CONFIG_KEYS[section];
      expect(allowed, `[${section}]`).toBeDefined();
      for (const key of Object.keys(values)) expect(allowed, `[${section}] ${key}`).toContain(key);
    }
  });

  it('binds RPC and WebSocket to the deployment address, reserved peers only, engine signer with a password file and no unlock', () => {
    expect(parsed.rpc).toMatchObject({ interface: '127.0.0.1', port: 8545, apis: ['web3', 'eth', 'net'] });
    expect(parsed.websockets).toMatchObject({ interface: '127.0.0.1', port: 8645 });
    expect(parsed.network).toMatchObject({ reserved_peers: '/concord/reserved-peers', reserved_only: true, discovery: false, port: 30303, nat: 'extip:10.0.0.1' });
    expect(parsed.account).toEqual({ password: ['/concord/signer.password'] });
    expect(parsed.mining).toEqual({ engine_signer: signer, reseal_on_txs: 'none', force_sealing: true });
    expect(parsed.parity).toEqual({ chain: '/concord/chain-spec.json', base_path: '/data', keys_path: '/concord/keystore' });
  });

  it('leaves nat out when the endpoint is a DNS name', () => {
    expect((parseToml(buildOpenEthereumConfig({ ...oe, externalIp: null })) as { network: Record<string, unknown> }).network.nat).toBeUndefined();
  });
});

