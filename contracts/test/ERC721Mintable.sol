// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";

/// @title ERC721Mintable
/// @notice OpenZeppelin's ERC-721 with an open mint, for contract tests: the owner of any token id a test mints,
/// as Uniswap v4's PositionManager reports it (ownerOf reverts for an unminted id).
contract ERC721Mintable is ERC721("Test positions", "TP") {
    function mint(address to, uint256 tokenId) external {
        _mint(to, tokenId);
    }
}
