/**
 * Nethermind's JSON config (shared/bundle/nethermind-config.ts) parses back to what was meant.
 */
import { describe, expect, it } from 'vitest';
import { buildNethermindConfig, nethermindConfig, serializeRpcFilter, type NethermindConfigInput } from '../../../shared/bundle/nethermind-config.js';
import { makeKey } from '../../helpers/ceremony.js';
import { nethermindFilterAllows, READ_METHODS, SIGNING_METHODS } from './conf-parsers.js';

const signer = makeKey().address;
const nm: NethermindConfigInput = {
  chainSpecPath: '/concord/chain-spec.json',
  dataPath: '/data',
  staticNodesPath: '/concord/static-nodes.json',
  keyStoreDirectory: '/concord/keystore/Chain',
  passwordFile: '/concord/signer.password',
  enodeKeyFile: '/concord/node.key',
  signer,
  staticPeers: [`enode://${'a'.repeat(128)}@10.0.0.2:30303`, `enode://${'b'.repeat(128)}@10.0.0.3:30303`],
  p2pPort: 30303,
  externalIp: null,
  rpcAddress: '127.0.0.1',
  rpcPort: 8545,
  wsPort: 8645,
  callsFilterFile: '/concord/jsonrpc.filter',
};

describe('Nethermind config', () => {
  const parsed = JSON.parse(buildNethermindConfig(nm)) as Record<string, Record<string, unknown>>;

  it('parses back (JSON.parse) to the config object', () => {
    expect(parsed).toEqual(nethermindConfig(nm));
  });

  it('names the block author, unlocks it with its password file at the same index, and points EnodeKeyFile at the raw key', () => {
    expect(parsed.KeyStore).toEqual({
      KeyStoreDirectory: '/concord/keystore/Chain',
      BlockAuthorAccount: signer,
      UnlockAccounts: [signer],
      PasswordFiles: ['/concord/signer.password'],
      EnodeKeyFile: '/concord/node.key',
    });
    expect(parsed.Mining).toEqual({ Enabled: true });
  });

  it('writes static peers as one comma-separated string, only static peers, RPC on the deployment address', () => {
    expect(parsed.Network).toEqual({ P2PPort: 30303, DiscoveryPort: 30303, StaticPeers: nm.staticPeers.join(','), OnlyStaticPeers: true });
    expect(parsed.Init).toMatchObject({ ChainSpecPath: '/concord/chain-spec.json', StaticNodesPath: '/concord/static-nodes.json', DiscoveryEnabled: false });
    expect(parsed.JsonRpc).toEqual({ Enabled: true, Host: '127.0.0.1', Port: 8545, WebSocketsPort: 8645, EnabledModules: ['Eth', 'Net', 'Web3'], CallsFilterFilePath: '/concord/jsonrpc.filter' });
  });

  it('writes a calls filter that lets every eth, net and web3 call through but those that sign with a key the node holds', () => {
    const filter = serializeRpcFilter();
    for (const method of READ_METHODS) expect(nethermindFilterAllows(filter, method), method).toBe(true);
    for (const method of [...SIGNING_METHODS, 'admin_addPeer', 'debug_traceTransaction', 'parity_setEngineSigner', 'xeth_call']) expect(nethermindFilterAllows(filter, method), method).toBe(false);
  });

  it('has no module or key twice, case-insensitively (a duplicate stops Nethermind)', () => {
    const modules = Object.keys(parsed).map((name) => name.toLowerCase());
    expect(new Set(modules).size).toBe(modules.length);
    for (const values of Object.values(parsed)) {
      const keys = Object.keys(values).map((name) => name.toLowerCase());
      expect(new Set(keys).size).toBe(keys.length);
    }
  });
});

