// SPDX-License-Identifier: MIT
//
// The transaction permission contract of a Concord consortium chain: placed in the genesis state with
// its code and storage (never a constructor), consulted by OpenEthereum and Nethermind before every
// transaction after genesis, and changed only by a threshold of the consortium members' EIP-712
// signatures. There is no owner and no admin key.
//
// Interface, version 2 (the newest every client since Parity 2.0 reads):
// - openethereum/parity-ethereum ethcore/res/contracts/tx_acl.json @ e0d5b42a: contractNameHash(),
//   contractName(), contractVersion(), allowedTxTypes(address sender, address to, uint256 value)
//   returns (uint32, bool);
// - openethereum/openethereum crates/ethcore/src/tx_filter.rs: the bits Basic 0x01 (call to an address
//   without code), Call 0x02 (to an address with code), Create 0x04; the call comes from 0x0 at the
//   parent block's state, `to` is 0x0 for a creation; a revert means "no permission";
// - NethermindEth/nethermind Nethermind.Consensus.AuRa/Contracts/TransactionPermissionContractV2.cs and
//   Transactions/PermissionBasedTxFilter.cs @ 539e9e4a: the same call; when the second return value is
//   true the mask *and* whether `to` had code are cached per (parent block, sender), so a later
//   transaction of that sender to another kind of address would be judged on the first one's kind.
//   This contract always answers false: the clients then ask for every transaction.
//
// Storage (read the exact slots and offsets from solc's storageLayout, never from this comment): one
// packed slot with the default mask, the governance threshold and the change nonce; the member list;
// the member set; one entry per listed sender, `LISTED | mask`, so that an explicit mask of 0 differs
// from "not listed".
pragma solidity 0.8.37;

contract ConsortiumPermissions {
    uint32 internal constant BASIC = 0x01;
    uint32 internal constant CALL = 0x02;
    uint32 internal constant CREATE = 0x04;
    uint32 internal constant ALL_KNOWN = BASIC | CALL | CREATE;
    uint256 internal constant LISTED = 1 << 32;
    uint256 internal constant MAX_MEMBERS = 200;
    // secp256k1 n / 2: a higher s is the other signature of the same message (EIP-2).
    uint256 internal constant HALF_ORDER = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0;

    bytes32 internal constant DOMAIN_TYPEHASH =
        keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");
    bytes32 internal constant NAME_HASH = keccak256("Concord Permissions");
    bytes32 internal constant VERSION_HASH = keccak256("1");
    bytes32 internal constant ENTRY_TYPEHASH = keccak256("Entry(address account,uint32 mask,bool listed)");
    bytes32 internal constant SET_PERMISSIONS_TYPEHASH = keccak256(
        "SetPermissions(Entry[] entries,uint32 defaultMask,uint256 nonce)Entry(address account,uint32 mask,bool listed)"
    );
    bytes32 internal constant SET_MEMBERS_TYPEHASH =
        keccak256("SetMembers(address[] members,uint32 threshold,uint256 nonce)");

    /// One sender's permissions in a change: `listed` false removes the sender's entry (mask must be 0).
    struct Entry {
        address account;
        uint32 mask;
        bool listed;
    }

    /// The mask of every sender without an entry.
    uint32 public defaultMask;
    /// How many distinct members must sign a change.
    uint32 public threshold;
    /// The nonce the next change must carry; every change increments it.
    uint64 public nonce;
    address[] internal memberList;
    mapping(address => bool) public isMember;
    mapping(address => uint256) internal entries;

    event PermissionsChanged(uint256 indexed nonce);
    event MembersChanged(uint256 indexed nonce);

    error StaleNonce();
    error TooFewSignatures();
    error BadSignature(uint256 index);
    error NotMember(uint256 index);
    error DuplicateSigner(uint256 index);
    error SignersNotAscending(uint256 index);
    error BadMask(uint256 index);
    error BadDefaultMask();
    error BadMembers();

    function contractNameHash() external pure returns (bytes32) {
        return keccak256("TX_PERMISSION_CONTRACT");
    }

    function contractName() external pure returns (string memory) {
        return "TX_PERMISSION_CONTRACT";
    }

    function contractVersion() external pure returns (uint256) {
        return 2;
    }

    /// The permission mask of `sender`. A member may always call this contract, so that no policy can
    /// lock the consortium out of changing it.
    function allowedTxTypes(address sender, address to, uint256) external view returns (uint32 mask, bool cache) {
        uint256 entry = entries[sender];
        mask = entry & LISTED != 0 ? uint32(entry) : defaultMask;
        if (to == address(this) && isMember[sender]) mask |= CALL;
        return (mask, false);
    }

    /// `sender`'s own entry: its mask and whether it has one (otherwise `defaultMask` applies).
    function permissionOf(address sender) external view returns (uint32 mask, bool listed) {
        uint256 entry = entries[sender];
        return (uint32(entry), entry & LISTED != 0);
    }

    /// The members, in ascending address order.
    function members() external view returns (address[] memory) {
        return memberList;
    }

    function domainSeparator() public view returns (bytes32) {
        return keccak256(abi.encode(DOMAIN_TYPEHASH, NAME_HASH, VERSION_HASH, block.chainid, address(this)));
    }

    /// Sets the given entries and the default mask, with `threshold` member signatures over exactly this.
    function setPermissions(Entry[] calldata changes, uint32 newDefaultMask, uint256 changeNonce, bytes[] calldata signatures)
        external
    {
        if (newDefaultMask & ~ALL_KNOWN != 0) revert BadDefaultMask();
        bytes32[] memory entryHashes = new bytes32[](changes.length);
        for (uint256 i; i < changes.length; ++i) {
            Entry calldata change = changes[i];
            if (change.mask & ~ALL_KNOWN != 0 || (!change.listed && change.mask != 0)) revert BadMask(i);
            entryHashes[i] = keccak256(abi.encode(ENTRY_TYPEHASH, change.account, change.mask, change.listed));
        }
        bytes32 structHash = keccak256(
            abi.encode(SET_PERMISSIONS_TYPEHASH, keccak256(abi.encodePacked(entryHashes)), newDefaultMask, changeNonce)
        );
        authorize(structHash, changeNonce, signatures);
        for (uint256 i; i < changes.length; ++i) {
            Entry calldata change = changes[i];
            entries[change.account] = change.listed ? LISTED | change.mask : 0;
        }
        defaultMask = newDefaultMask;
        emit PermissionsChanged(changeNonce);
    }

    /// Replaces the members (strictly ascending addresses) and the threshold, with `threshold` signatures
    /// of the current members over exactly this.
    function setMembers(address[] calldata newMembers, uint32 newThreshold, uint256 changeNonce, bytes[] calldata signatures)
        external
    {
        uint256 count = newMembers.length;
        if (count == 0 || count > MAX_MEMBERS || newThreshold == 0 || newThreshold > count) revert BadMembers();
        address previous = address(0);
        for (uint256 i; i < count; ++i) {
            if (newMembers[i] <= previous) revert BadMembers();
            previous = newMembers[i];
        }
        bytes32 structHash = keccak256(
            abi.encode(SET_MEMBERS_TYPEHASH, keccak256(abi.encodePacked(newMembers)), newThreshold, changeNonce)
        );
        authorize(structHash, changeNonce, signatures);
        for (uint256 i; i < memberList.length; ++i) {
            isMember[memberList[i]] = false;
        }
        delete memberList;
        for (uint256 i; i < count; ++i) {
            isMember[newMembers[i]] = true;
            memberList.push(newMembers[i]);
        }
        threshold = newThreshold;
        emit MembersChanged(changeNonce);
    }

    /// Reverts unless `changeNonce` is the current nonce and at least `threshold` distinct members, in
    /// ascending address order, signed the EIP-712 digest of `structHash`; then consumes the nonce.
    function authorize(bytes32 structHash, uint256 changeNonce, bytes[] calldata signatures) internal {
        if (changeNonce != nonce) revert StaleNonce();
        if (signatures.length < threshold) revert TooFewSignatures();
        bytes32 digest = keccak256(abi.encodePacked("\x19\x01", domainSeparator(), structHash));
        address previous = address(0);
        for (uint256 i; i < signatures.length; ++i) {
            address signer = recover(digest, signatures[i], i);
            if (signer == previous) revert DuplicateSigner(i);
            if (signer < previous) revert SignersNotAscending(i);
            if (!isMember[signer]) revert NotMember(i);
            previous = signer;
        }
        nonce += 1;
    }

    function recover(bytes32 digest, bytes calldata signature, uint256 index) internal pure returns (address signer) {
        if (signature.length != 65) revert BadSignature(index);
        bytes32 r = bytes32(signature[0:32]);
        bytes32 s = bytes32(signature[32:64]);
        uint8 v = uint8(signature[64]);
        if (uint256(s) > HALF_ORDER || (v != 27 && v != 28)) revert BadSignature(index);
        signer = ecrecover(digest, v, r, s);
        if (signer == address(0)) revert BadSignature(index);
    }
}
