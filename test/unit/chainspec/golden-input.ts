/**
 * The input of test/golden/chainspec/aura-london-v1.json, shared by the chain spec tests built on it.
 * Private keys 1..5: well-known addresses, so the golden files can be checked by hand.
 */
import type { AuraChainSpecInput } from '../../../shared/chainspec/aura.js';

export const KEY1 = '0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf';
export const KEY2 = '0x2B5AD5c4795c026514f8317c7a215E218DcCD6cF';
export const KEY3 = '0x6813Eb9362372EEF6200f3b1dbC3f819671cBA69';
export const KEY4 = '0x1efF47bc3a10a45D4B230B5d10E37751FE6AA718';
export const KEY5 = '0xe1AB8145F7E55DC933d51a18c793F901A3A0b276';

/** A London chain with validators KEY2, KEY1, KEY3 and two prefunded accounts. */
export const GOLDEN_INPUT: AuraChainSpecInput = {
  name: 'Concord Golden',
  chainId: 73_799n,
  networkId: 73_799n,
  stepDurationSec: 5,
  gasLimit: 30_000_000n,
  blockRewardWei: 0n,
  evm: 'london',
  baseFeePerGasWei: 1_000_000_000n,
  validators: [KEY2, KEY1, KEY3],
  accounts: [
    { address: KEY5, balanceWei: 10n ** 24n },
    { address: KEY4, balanceWei: 1n },
  ],
  genesisTimestamp: 0n,
};
