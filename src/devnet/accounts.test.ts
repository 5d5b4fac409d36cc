import { mnemonicToAccount } from "viem/accounts";
import { describe, expect, it } from "vitest";
import { DEVNET_MNEMONIC, devnetAccount, devnetAddress } from "./accounts.ts";

describe("devnet accounts", () => {
  it("derives the same accounts as viem's mnemonicToAccount (Hardhat's default accounts)", () => {
    for (const index of [0, 1, 7]) {
      expect(devnetAddress(index)).toBe(mnemonicToAccount(DEVNET_MNEMONIC, { addressIndex: index }).address);
    }
    expect(devnetAddress(0)).toBe("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
  });

  it("returns one cached account per index", () => {
    expect(devnetAccount(3)).toBe(devnetAccount(3));
  });
});
