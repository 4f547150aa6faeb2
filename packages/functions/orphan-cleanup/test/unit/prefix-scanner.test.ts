import { createMemoryObjectStore } from "@lambda-lab/shared/testing";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compareKeys } from "../../src/key-order.js";
import { createPrefixScanner } from "../../src/prefix-scanner.js";

const idOf = (n: number) => `id${String(n).padStart(4, "0")}`;

describe("prefix scanner", () => {
  it("finds exactly the keys under each asked-for prefix, whatever the page size", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.tuple(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 4 })), {
          maxLength: 120,
        }),
        fc.uniqueArray(fc.integer({ min: 0, max: 60 }), { maxLength: 30 }),
        fc.integer({ min: 1, max: 7 }),
        async (objects, asked, pageSize) => {
          const store = createMemoryObjectStore();
          for (const [id, file] of objects) store.seed(`variants/${idOf(id)}/f${file}.webp`, "x");
          store.seed("variants.txt", "outside the root");
          const scanner = createPrefixScanner(store, "variants/", pageSize);
          for (const id of [...asked].sort((a, b) => a - b)) {
            const prefix = `variants/${idOf(id)}/`;
            const expected = [...store.objects.keys()]
              .filter((key) => key.startsWith(prefix))
              .sort(compareKeys);
            expect(await scanner.keysUnder(prefix)).toEqual(expected);
          }
        },
      ),
    );
  });

  it("answers a dense run of prefixes from one page, and seeks past gaps", async () => {
    const store = createMemoryObjectStore();
    for (let id = 0; id < 3000; id++)
      for (const file of ["a", "b"]) store.seed(`variants/${idOf(id)}/${file}`, "x");
    const scanner = createPrefixScanner(store, "variants/");

    for (let id = 0; id < 400; id++) await scanner.keysUnder(`variants/${idOf(id)}/`);
    expect(store.calls.listPage).toBe(1);
    await scanner.keysUnder(`variants/${idOf(2900)}/`);
    expect(store.calls.listPage).toBe(2);
    expect(await scanner.keysUnder(`variants/${idOf(2999)}/`)).toEqual([
      `variants/${idOf(2999)}/a`,
      `variants/${idOf(2999)}/b`,
    ]);
    expect(store.calls.listPage).toBe(2);
  });

  it("refuses prefixes out of order, which would silently miss keys", async () => {
    const scanner = createPrefixScanner(createMemoryObjectStore(), "variants/");
    await scanner.keysUnder("variants/b/");
    await expect(scanner.keysUnder("variants/a/")).rejects.toThrow(/ascend/);
  });
});
