import * as AaveV3Ethereum from "@aave-dao/aave-address-book/AaveV3Ethereum";
import { describe, expect, it } from "vitest";
import { forkVenues } from "./fork.ts";

describe("forkVenues", () => {
  it("gives a mainnet fork Aave v3 Ethereum's Pool and data provider as the address book publishes them", () => {
    const venues = forkVenues(1);
    expect(venues?.aaveV3.pool).toBe(AaveV3Ethereum.POOL);
    expect(venues?.aaveV3.protocolDataProvider).toBe(AaveV3Ethereum.AAVE_PROTOCOL_DATA_PROVIDER);
    expect(venues?.aaveV3.reserves.weth.A_TOKEN).toBe(AaveV3Ethereum.ASSETS.WETH.A_TOKEN);
  });

  it("claims no venue addresses for any other origin (a devnet brings its manifest)", () => {
    expect(forkVenues(31337)).toBeUndefined();
    expect(forkVenues(10)).toBeUndefined();
  });
});
