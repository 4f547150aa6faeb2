import { describe, expect, it } from "vitest";
import { ofType, T } from "../src/inventory.js";
import { inventoryOf } from "../src/program.js";

describe("mocked runs of the program", () => {
  it("record each their own stack when started at once (Pulumi's mocks are process-wide)", async () => {
    const [dev, prod] = await Promise.all([inventoryOf({ stack: "dev" }), inventoryOf({ stack: "prod" })]);
    expect(ofType(dev, T.instance)).toHaveLength(0);
    expect(ofType(prod, T.instance)).toHaveLength(1);
    const again = await inventoryOf({ stack: "prod" });
    expect(ofType(prod, T.alarm).length).toBe(ofType(again, T.alarm).length);
    expect(prod.resources.length).toBe(again.resources.length);
  });

  it("take the region from the stack file", async () => {
    expect((await inventoryOf({ stack: "dev" })).region).toBe("eu-west-1");
  });
});
