/**
 * A known 2-of-3 split, kept as written by `splitKey` on first use and never regenerated: the key is
 * the ethers documentation's example key (address 0x2c75…5c23), the set id is the bytes 00..0f. Any
 * change to the share format, the checksum rule or shamir-secret-sharing's layout breaks these.
 */
export const FIXTURE_SECRET_KEY = '0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318';
export const FIXTURE_ADDRESS = '0x2c7536E3605D9C16a7a3D7b1898e529396a65c23';
export const FIXTURE_SET_ID = '0x000102030405060708090a0b0c0d0e0f';

/** The three share files, as parsed JSON. */
export const FIXTURE_SHARES = [
  {
    format: 'concord/key-share@1',
    address: FIXTURE_ADDRESS,
    k: 2,
    n: 3,
    index: 1,
    setId: FIXTURE_SET_ID,
    share: '0xefcf831e04ae2bfefa6ee55af1456bef93cc9e8bd11a66859da0432b1ec70c9cde',
    checksum: '0xb31c1951',
  },
  {
    format: 'concord/key-share@1',
    address: FIXTURE_ADDRESS,
    k: 2,
    n: 3,
    index: 2,
    setId: FIXTURE_SET_ID,
    share: '0x6bf583e27077d77509a70c2928d2433005fd3f398fe9b1eb2ec742c37c0d5e0f46',
    checksum: '0x45770707',
  },
  {
    format: 'concord/key-share@1',
    address: FIXTURE_ADDRESS,
    k: 2,
    n: 3,
    index: 3,
    setId: FIXTURE_SET_ID,
    share: '0x43cb83e00c4dd593c55575ff12aaac21fc3f2f790525c422efebc33be3678245f0',
    checksum: '0x789f0994',
  },
] as const;

/** Share 1's printable text, exactly as `printShare` writes it. */
export const FIXTURE_SHARE_1_TEXT = `concord/key-share@1
# Share 1 of 3 of the key of 0x2c7536E3605D9C16a7a3D7b1898e529396a65c23.
# Any 2 of the 3 shares restore the key; 1 or fewer restore nothing. Keep it private.
# Restore with: concord backup recover --out <keystore> <share files>
address  0x2c7536E3605D9C16a7a3D7b1898e529396a65c23
index    1
k        2
n        3
setId    0x000102030405060708090a0b0c0d0e0f
share    efcf83 1e04ae 2bfefa 6ee55a
share    f1456b ef93cc 9e8bd1 1a6685
share    9da043 2b1ec7 0c9cde
checksum 0xb31c1951
`;
