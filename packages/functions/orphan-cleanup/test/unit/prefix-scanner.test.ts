import type { ObjectStore } from "@lambda-lab/shared";
import { createMemoryObjectStore } from "@lambda-lab/shared/testing";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compareKeys } from "../../src/key-order.js";
import { createPrefixScanner, PrefixWithoutDelimiterError } from "../../src/prefix-scanner.js";

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

  it("answers an exact key with that key alone, never the keys that merely start with it", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(
          fc.tuple(
            fc.integer({ min: 0, max: 30 }),
            fc.constantFrom("", ".bak", "-old", "_1", "/x", ".", "\u{1F600}"),
          ),
          { maxLength: 80 },
        ),
        fc.uniqueArray(fc.integer({ min: 0, max: 30 }), { maxLength: 20 }),
        fc.integer({ min: 1, max: 7 }),
        async (objects, asked, pageSize) => {
          const store = createMemoryObjectStore();
          for (const [id, suffix] of objects) store.seed(`quarantine/${idOf(id)}.json${suffix}`, "x");
          const scanner = createPrefixScanner(store, "quarantine/", pageSize);
          for (const id of [...asked].sort((a, b) => a - b)) {
            const key = `quarantine/${idOf(id)}.json`;
            expect(await scanner.exactKey(key)).toEqual(store.objects.has(key) ? [key] : []);
          }
        },
      ),
    );
  });

  it("refuses a prefix without a trailing delimiter, which would match look-alikes", async () => {
    const scanner = createPrefixScanner(createMemoryObjectStore(), "quarantine/");

    await expect(scanner.keysUnder("quarantine/id0001.json")).rejects.toThrow(PrefixWithoutDelimiterError);
  });

  it("finds the exact key in a page that orders its block as s3rver does (K-old before K)", async () => {
    // s3rver walks one directory per "/" and names files `<name>._S3rver_object`, so `K-old` (".", "-"
    // compared at the suffix) lists before `K`; S3 lists `K` first. The block is the same set either way.
    const keys = ["quarantine/a.json-old", "quarantine/a.json", "quarantine/a.json.bak", "quarantine/b.json"];
    const store: Pick<ObjectStore, "listPage"> = {
      async listPage() {
        return { objects: keys.map((key) => ({ key, size: 1, etag: '"x"', lastModified: new Date(0) })) };
      },
    };
    const scanner = createPrefixScanner(store as ObjectStore, "quarantine/");

    expect(await scanner.exactKey("quarantine/a.json")).toEqual(["quarantine/a.json"]);
    expect(await scanner.exactKey("quarantine/b.json")).toEqual(["quarantine/b.json"]);
  });
});
