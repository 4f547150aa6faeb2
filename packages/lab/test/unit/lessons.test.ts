import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LESSONS } from "@lambda-lab/catalog";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LESSON_GUIDE, lessonsWithGuide } from "../../src/lessons/guide.js";
import { PAYLOAD_LIMITS, tooLargeMessage } from "../../src/lessons/payload-limit.js";
import { resolveSource, SourceRefused, sourcesOf } from "../../src/lessons/sources.js";
import { findRepoRoot } from "../../src/paths.js";

const repoRoot = findRepoRoot();

describe("the lessons on the page", () => {
  it("guide every catalog lesson, and nothing else", () => {
    expect(Object.keys(LESSON_GUIDE).sort()).toEqual(LESSONS.map((l) => l.id).sort());
  });

  it("keep each line short enough to read at a glance", () => {
    for (const lesson of lessonsWithGuide()) {
      expect(lesson.tryThis.length, lesson.id).toBeLessThanOrEqual(110);
      expect(lesson.lookFor.length, lesson.id).toBeLessThanOrEqual(110);
    }
  });

  it("list a function's real source files and README", async () => {
    const sources = await sourcesOf(repoRoot, "upload");

    expect(sources.readme).toBe("packages/functions/upload/README.md");
    expect(sources.files).toContain("packages/functions/upload/src/handler.ts");
    for (const f of sources.files) expect(() => resolveSource(repoRoot, f)).not.toThrow();
  });
});

describe("the read-only source route's path check", () => {
  let fakeRoot: string;
  beforeAll(() => {
    // A tree with a symlink inside an allowed folder pointing out of it.
    fakeRoot = mkdtempSync(join(tmpdir(), "lab-sources-"));
    mkdirSync(join(fakeRoot, "packages", "functions", "upload", "src"), { recursive: true });
    writeFileSync(join(fakeRoot, "secret.ts"), "export const secret = 1;");
    writeFileSync(join(fakeRoot, "packages", "functions", "upload", "src", "ok.ts"), "export {};");
    symlinkSync(
      join(fakeRoot, "secret.ts"),
      join(fakeRoot, "packages", "functions", "upload", "src", "link.ts"),
    );
  });
  afterAll(() => rmSync(fakeRoot, { recursive: true, force: true }));

  it.each([
    ["packages/functions/upload/src/../../../../.lab/secrets.json", 403],
    ["packages/functions/upload/../../../package.json", 403],
    ["/etc/passwd", 403],
    ["packages/functions/upload/src/..%2F..%2Fpackage.json", 403],
    ["packages\\functions\\upload\\src\\handler.ts", 400],
    [".lab/secrets.json", 403],
    ["packages/functions/upload/package.json", 403],
    ["packages/functions/upload/dist/x64/index.mjs", 403],
    ["packages/lab/src/lab.ts", 403],
    ["packages/functions/upload/src/nope.ts", 404],
  ])("refuses %s (%i)", (path, status) => {
    let error: unknown;
    try {
      resolveSource(repoRoot, path);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SourceRefused);
    expect((error as SourceRefused).status).toBe(status);
  });

  it("serves a function's source, its README and the lab's README", () => {
    expect(resolveSource(repoRoot, "packages/functions/upload/src/handler.ts")).toMatch(/handler\.ts$/);
    expect(resolveSource(repoRoot, "packages/functions/transform/README.md")).toMatch(/README\.md$/);
    expect(resolveSource(repoRoot, "packages/lab/README.md")).toMatch(/README\.md$/);
  });

  it("refuses a symlink that leads out of the repository", () => {
    expect(resolveSource(fakeRoot, "packages/functions/upload/src/ok.ts")).toMatch(/ok\.ts$/);
    expect(() => resolveSource(fakeRoot, "packages/functions/upload/src/link.ts")).toThrow(
      /leads outside the files the lab serves/,
    );
  });
});

describe("Lambda's payload limits", () => {
  it("use Lambda's own words and numbers", () => {
    expect(PAYLOAD_LIMITS.RequestResponse).toBe(6 * 1024 * 1024);
    expect(tooLargeMessage("RequestResponse", 7_000_000)).toBe(
      "Request must be smaller than 6291456 bytes for the InvokeFunction operation",
    );
    expect(tooLargeMessage("Event", 1_100_000)).toBe(
      "1100000 byte payload is too large for the Event invocation type (limit 1048576 bytes)",
    );
  });
});
