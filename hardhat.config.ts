import { createRequire } from "node:module";
import hardhatViem from "@nomicfoundation/hardhat-viem";
import { defineConfig } from "hardhat/config";

// No compiler can be downloaded on the machines this project targets: compile with the WASM
// build shipped in the npm `solc` package (its version must equal `version` below).
const solcWasmPath = createRequire(import.meta.url).resolve("solc/soljson.js");

export default defineConfig({
  plugins: [hardhatViem],
  solidity: {
    version: "0.8.30",
    // Contracts that live in packages get artifacts only when listed here (used by contract tests).
    npmFilesToBuild: [
      "@chainlink/contracts/src/v0.8/shared/mocks/MockV3Aggregator.sol",
      "@chainlink/contracts/src/v0.8/shared/mocks/ERC20Mock.sol",
    ],
    path: solcWasmPath,
    settings: {
      optimizer: { enabled: true, runs: 10_000 },
      evmVersion: "cancun",
    },
  },
  paths: {
    sources: "./contracts",
    tests: { solidity: "./contracts/test" },
  },
  // Forking a chain runs its historical blocks by its own hardfork history. The devnet (chain 31337, cancun from
  // block 0) has none on record, so `hardhat node --fork <devnet>` needs it spelled out here.
  chainDescriptors: {
    31337: { name: "hedgekeeper devnet", chainType: "l1", hardforkHistory: { cancun: { blockNumber: 0 } } },
  },
  networks: {
    // In-process chain for contract tests (`hre.network.connect()`): mainnet rules, contract size limit on.
    default: {
      type: "edr-simulated",
      chainType: "l1",
      chainId: 31337,
      hardfork: "cancun",
    },
  },
});
