import { expect, it } from "vitest";
import { TEST_HALT_ENV, testInstrumentationHooks } from "./test-instrumentation.ts";

it("adds no hook unless its environment variable asks for one", () => {
  expect(testInstrumentationHooks({})).toEqual({});
  expect(testInstrumentationHooks({ [TEST_HALT_ENV]: "0" })).toEqual({});
});

it("halts the first signed plan forever and lets later ones through", async () => {
  const { afterSigned } = testInstrumentationHooks({ [TEST_HALT_ENV]: "1" });
  const first = afterSigned!("0xplan1", "0xtx1");
  const outcome = await Promise.race([
    first.then(() => "returned"),
    new Promise((resolve) => setTimeout(() => resolve("still halted"), 50)),
  ]);
  expect(outcome).toBe("still halted");
  await expect(afterSigned!("0xplan2", "0xtx2")).resolves.toBeUndefined();
});
