import { describe, expect, it } from "vitest";
import {
  GITHUB_SUBJECT,
  type PolicyDocument,
  type PulumiCloudOidc,
  ROLES,
  type RoleName,
  render,
  SAMPLE,
  trustedSubjects,
} from "./bootstrap.js";
import { type JobRun, loadWorkflows, runsOf, type Scenario } from "./workflow-model.js";

// The closing argument of docs/security.md, as tests: what each trigger starts, the subject GitHub gives each
// job, which AWS role and Pulumi team that subject can get, and what those can read or change.

const workflows = await loadWorkflows();

/** Repository secrets hold identifiers only: any same-repository pull request can read them. */
const REPOSITORY_SECRETS = [
  "AWS_PREVIEW_ROLE_ARN",
  "AWS_PREVIEW_MAIN_ROLE_ARN",
  "PULUMI_BACKEND_URL",
  "PULUMI_ORG",
];
/** Environment secrets: only jobs in that environment (main only, prod behind reviewers) ever see them. */
const ENVIRONMENT_SECRETS = ["AWS_DEPLOY_ROLE_ARN", "PULUMI_CONFIG_PASSPHRASE"];

const BACKENDS = { "Pulumi Cloud": "", "S3 backend": "s3://lambda-lab-state?region=eu-west-1" };

const scenarios = (backend: string): Scenario[] => {
  const secrets = { PULUMI_ORG: SAMPLE.PULUMI_ORG, PULUMI_BACKEND_URL: backend, AWS_PREVIEW_ROLE_ARN: "arn" };
  const needs = { stacks: { outputs: { stacks: '["prod"]' } } };
  return [
    { name: "pull request from a branch", event: "pull_request", ref: "refs/pull/7/merge", secrets },
    {
      name: "pull request from a fork",
      event: "pull_request",
      ref: "refs/pull/8/merge",
      fork: true,
      secrets,
    },
    { name: "push to main", event: "push", ref: "refs/heads/main", secrets, needs },
    { name: "push to another branch", event: "push", ref: "refs/heads/feature", secrets, needs },
    {
      name: "dispatch prod from main",
      event: "workflow_dispatch",
      ref: "refs/heads/main",
      inputs: { stack: "prod" },
      secrets,
    },
    {
      name: "dispatch dev from main",
      event: "workflow_dispatch",
      ref: "refs/heads/main",
      inputs: { stack: "dev" },
      secrets,
    },
    {
      name: "dispatch prod from a branch",
      event: "workflow_dispatch",
      ref: "refs/heads/feature",
      inputs: { stack: "prod" },
      secrets,
    },
  ];
};

/** Which role a role-to-assume secret names: repository secrets name one role, environment secrets one per environment. */
const roleOf = (secret: string, environment: string | undefined): RoleName | undefined => {
  if (secret === "AWS_PREVIEW_ROLE_ARN") return "lambda-lab-preview-pr";
  if (secret === "AWS_PREVIEW_MAIN_ROLE_ARN") return "lambda-lab-preview-main";
  if (secret === "AWS_DEPLOY_ROLE_ARN" && environment) return `lambda-lab-deploy-${environment}` as RoleName;
  return undefined;
};

const trusts = Object.fromEntries(
  Object.entries(ROLES).map(([role, { trust }]) => [
    role,
    trustedSubjects(trust, render<PolicyDocument>(trust)),
  ]),
) as Record<RoleName, string[]>;
const cloud = render<PulumiCloudOidc>("pulumi-cloud/oidc-policies.json");
const prefix = `${GITHUB_SUBJECT}:`;

/** What a job's credentials reach: `read dev`, `write prod`… (AWS role or Pulumi team, whichever it holds). */
const reach = (run: JobRun): string[] => {
  const out = new Set<string>();
  for (const secret of run.awsRoleSecrets) {
    const role = roleOf(secret, run.environment);
    if (!role) continue;
    out.add(`${role.includes("deploy") ? "write" : "read"} ${ROLES[role].stateStack}`);
  }
  for (const scope of run.pulumiScopes) {
    const team = scope.replace(/^team:/, "");
    for (const [stack, level] of Object.entries(cloud.teamStackPermissions[team] ?? {}))
      out.add(`${level} ${stack}`);
  }
  return [...out].sort();
};

describe.each(Object.entries(BACKENDS))("with the %s", (_, backend) => {
  const cases = scenarios(backend).map((s) => ({ s, runs: runsOf(workflows, s) }));

  it("gives each trigger exactly the reach docs/security.md's table states", () => {
    const table = Object.fromEntries(
      cases.map(({ s, runs }) => [
        s.name,
        runs
          .filter((r) => r.subject)
          .map((r) => `${r.workflow}:${r.job} ${r.subject} → ${reach(r).join(", ")}`),
      ]),
    );
    expect(table).toEqual({
      "pull request from a branch": ["preview.yml:pull-request pull_request → read dev"],
      "pull request from a fork": [],
      "push to main": [
        "deploy.yml:deploy environment:dev → write dev",
        "preview.yml:main-branch ref:refs/heads/main → read prod",
      ],
      "push to another branch": [],
      "dispatch prod from main": ["deploy.yml:deploy environment:prod → write prod"],
      "dispatch dev from main": ["deploy.yml:deploy environment:dev → write dev"],
      "dispatch prod from a branch": [],
    });
  });

  it("asks only for credentials the job's own OIDC subject is trusted for", () => {
    for (const { s, runs } of cases) {
      for (const run of runs) {
        for (const secret of run.awsRoleSecrets) {
          const role = roleOf(secret, run.environment);
          expect(role, `${s.name}: ${run.job} names a role through ${secret}`).toBeDefined();
          expect(trusts[role as RoleName], `${s.name}: ${run.job} → ${role}`).toContain(run.subject);
        }
        for (const scope of run.pulumiScopes) {
          const policy = cloud.policies.find((p) => `team:${p.teamName}` === scope);
          expect(policy?.rules.sub, `${s.name}: ${run.job} → ${scope}`).toBe(`${prefix}${run.subject}`);
        }
      }
    }
  });

  it("previews only dev on a pull request, outside any environment, with identifier secrets only", () => {
    const prRuns = cases.filter(({ s }) => s.event === "pull_request").flatMap(({ runs }) => runs);
    for (const run of prRuns) {
      expect(run.environment, `${run.workflow}:${run.job}`).toBeUndefined();
      expect(
        run.stacks.every((stack) => stack === "dev"),
        `${run.job} previews ${run.stacks}`,
      ).toBe(true);
      expect(
        run.secrets.filter((n) => !REPOSITORY_SECRETS.includes(n)),
        `${run.workflow}:${run.job}`,
      ).toEqual([]);
    }
    expect(prRuns.flatMap((r) => r.stacks)).toEqual(["dev"]);
  });

  it("starts nothing for a fork that holds a secret, an OIDC token or a write permission", () => {
    const fork = cases.find(({ s }) => s.fork)?.runs ?? [];
    expect(fork.map((r) => `${r.workflow}:${r.job}`)).toEqual(["ci.yml:check"]);
    for (const run of fork) {
      expect(run.secrets).toEqual([]);
      expect(Object.values(run.permissions).filter((p) => p !== "read")).toEqual([]);
    }
  });
});

describe("any workflow a pull request could write", () => {
  // A pull request runs its own copy of the workflow files, so the YAML cannot be what keeps it out of prod.
  // What can: its OIDC subject is always repo:…:pull_request (GitHub puts an environment in the subject
  // only for jobs that pass that environment's protection rules, and dev and prod admit main only), and a
  // fork gets no token at all. So: which role or team trusts that subject, and what can it reach?
  const prSubject = "pull_request";

  it("lets exactly one role and one team trust a pull request, and neither reaches beyond reading dev", () => {
    const roles = Object.entries(trusts).filter(([, subs]) => subs.includes(prSubject));
    expect(roles.map(([role]) => role)).toEqual(["lambda-lab-preview-pr"]);
    expect(ROLES["lambda-lab-preview-pr"].stateStack).toBe("dev");
    const teams = cloud.policies.filter((p) => p.rules.sub === `${prefix}${prSubject}`);
    expect(teams.map((p) => p.teamName)).toEqual(["lambda-lab-preview-pr"]);
    expect(cloud.teamStackPermissions["lambda-lab-preview-pr"]).toEqual({ dev: "read" });
  });

  it("pins every role to one subject of this repository, and the four roles to four different events", () => {
    expect(trusts).toEqual({
      "lambda-lab-preview-pr": ["pull_request"],
      "lambda-lab-preview-main": ["ref:refs/heads/main"],
      "lambda-lab-deploy-dev": ["environment:dev"],
      "lambda-lab-deploy-prod": ["environment:prod"],
    });
  });

  it("reads trust policies strictly: a wildcard, a StringLike, another repository or a loose aud is refused", () => {
    const good = render<PolicyDocument>("aws/trust-deploy-prod.json");
    const variant = (edit: (condition: Record<string, Record<string, string>>) => void) => {
      const copy = structuredClone(good);
      edit((copy.Statement[0]?.Condition ?? {}) as Record<string, Record<string, string>>);
      return () => trustedSubjects("variant", copy);
    };
    const SUB = "token.actions.githubusercontent.com:sub";
    const AUD = "token.actions.githubusercontent.com:aud";
    expect(trustedSubjects("prod", good)).toEqual(["environment:prod"]);
    expect(
      variant((c) => {
        if (c.StringEquals) c.StringEquals[SUB] = `${prefix}*`;
      }),
    ).toThrow(/wildcard/);
    expect(
      variant((c) => {
        c.StringLike = { [SUB]: `${prefix}environment:prod` };
      }),
    ).toThrow(/only StringEquals/);
    expect(
      variant((c) => {
        if (c.StringEquals) c.StringEquals[SUB] = "repo:someone/lambda-lab:environment:prod";
      }),
    ).toThrow(/not this repository/);
    expect(
      variant((c) => {
        if (c.StringEquals) delete c.StringEquals[AUD];
      }),
    ).toThrow(/exactly/);
  });

  it("accepts only Pulumi team tokens, pinned to the organisation audience and one exact subject", () => {
    for (const policy of cloud.policies) {
      // Organization tokens are org-wide admins and personal ones carry a person's access: neither can be
      // limited to a stack, so a subject a pull request can present must never map to them.
      expect(policy.tokenType, policy.teamName).toBe("team");
      expect(policy.decision).toBe("allow");
      expect(policy.rules).toEqual({
        aud: `urn:pulumi:org:${SAMPLE.PULUMI_ORG}`,
        sub: expect.stringMatching(new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}[^*?]+$`)),
      });
    }
    expect(Object.keys(cloud.teamStackPermissions).sort()).toEqual(
      cloud.policies.map((p) => p.teamName ?? "").sort(),
    );
    const subjectOfTeam = Object.fromEntries(
      cloud.policies.map((p) => [p.teamName ?? "", (p.rules.sub ?? "").slice(prefix.length)]),
    );
    // The same subject gets the same reach from AWS and from Pulumi Cloud.
    for (const [role, subjects] of Object.entries(trusts)) {
      const team = Object.entries(subjectOfTeam).find(([, sub]) => subjects.includes(sub))?.[0] ?? "";
      const level = role.includes("deploy") ? "write" : "read";
      expect(cloud.teamStackPermissions[team], `${role} ↔ ${team}`).toEqual({
        [ROLES[role as RoleName].stateStack]: level,
      });
    }
  });
});

describe("secrets in the workflows", () => {
  it("never name a Pulumi access token: every Pulumi credential is minted per job through OIDC", () => {
    for (const wf of workflows) expect(wf.source, wf.file).not.toMatch(/secrets\.PULUMI_ACCESS_TOKEN/);
  });

  it("keep environment secrets in jobs that run in an environment", () => {
    for (const wf of workflows) {
      for (const [id, job] of Object.entries(wf.jobs)) {
        const used = [...JSON.stringify(job).matchAll(/secrets\.([A-Z0-9_]+)/g)].map((m) => m[1] ?? "");
        for (const name of used) {
          expect([...REPOSITORY_SECRETS, ...ENVIRONMENT_SECRETS], `${wf.file}:${id} uses ${name}`).toContain(
            name,
          );
          if (ENVIRONMENT_SECRETS.includes(name))
            expect(job.environment, `${wf.file}:${id} uses ${name}`).toBeDefined();
        }
      }
    }
  });

  it("let only the three Pulumi jobs request an OIDC token, and only the PR preview write to pull requests", () => {
    const ids = (permission: string) =>
      workflows.flatMap((wf) =>
        Object.entries(wf.jobs)
          .filter(([, job]) => job.permissions?.[permission] === "write")
          .map(([id]) => `${wf.file}:${id}`),
      );
    expect(ids("id-token").sort()).toEqual([
      "deploy.yml:deploy",
      "preview.yml:main-branch",
      "preview.yml:pull-request",
    ]);
    expect(ids("pull-requests")).toEqual(["preview.yml:pull-request"]);
    expect(ids("contents")).toEqual([]);
  });
});
