import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeJson, encodeJson } from "./plan-codec.ts";

describe("plan codec", () => {
  it("round-trips any structure of bigints, numbers, strings and booleans exactly", () => {
    const leaf = fc.oneof(fc.bigInt(), fc.integer(), fc.string(), fc.boolean(), fc.constant(null));
    const tree = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: "small" },
        leaf,
        fc.array(tie("node")),
        fc.dictionary(fc.stringMatching(/^[a-z][a-zA-Z0-9]{0,8}$/), tie("node"), { noNullPrototype: true }),
      ),
    })).node;
    fc.assert(
      fc.property(tree, (value) => {
        expect(decodeJson(encodeJson(value))).toEqual(value);
      }),
    );
  });
});
