import { type Hex, keccak256, toHex } from "viem";

/**
 * A book's key in HedgeGuard's plan record: keccak256 of the book id's UTF-8 bytes (Solidity's
 * `keccak256(bytes(bookId))`). The guard admits a plan of a book only if it is newer than the book's last one.
 */
export function bookKey(bookId: string): Hex {
  return keccak256(toHex(bookId));
}
