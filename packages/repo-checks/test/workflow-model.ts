import { parse } from "yaml";
import { type Context, condition, interpolate, type Value } from "./expressions.js";
import { listDir, readRepoFile } from "./repo.js";

export type Step = {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  if?: string | boolean;
  with?: Record<string, string | number | boolean>;
  env?: Record<string, string>;
};
export type Job = {
  if?: string | boolean;
  needs?: string | string[];
  environment?: string | { name: string };
  permissions?: Record<string, string>;
  env?: Record<string, string>;
  strategy?: { matrix?: Record<string, unknown> };
  steps?: Step[];
};
export type Workflow = {
  file: string;
  source: string;
  on: Record<string, unknown>;
  permissions?: unknown;
  env?: Record<string, string>;
  jobs: Record<string, Job>;
};

export const loadWorkflows = async (): Promise<Workflow[]> => {
  const files = (await listDir(".github/workflows")).filter((f) => /\.ya?ml$/.test(f));
  return Promise.all(
    files.map(async (file) => {
      const source = await readRepoFile(`.github/workflows/${file}`);
      return { file, source, ...(parse(source) as Omit<Workflow, "file" | "source">) };
    }),
  );
};

/** `owner/repo` of a `uses:` (without a sub-path or ref). */
export const actionName = (uses: string) => uses.split("@")[0]?.split("/").slice(0, 2).join("/") ?? "";

/** What fired a run, as far as the security rules care. */
export interface Scenario {
  name: string;
  event: "pull_request" | "push" | "workflow_dispatch";
  /** GITHUB_REF: refs/heads/<branch>, or refs/pull/<n>/merge for a pull request. */
  ref: string;
  /** A pull request from a fork: GitHub passes it no secrets and no OIDC token. */
  fork?: boolean;
  inputs?: Record<string, string>;
  /** Repository (and environment) secrets as the run would see them. */
  secrets: Record<string, string>;
  /** Outputs of jobs named in `needs`, where a job reads them. */
  needs?: Record<string, { outputs: Record<string, string> }>;
}

export const REPOSITORY = "octo-org/lambda-lab";

const triggers = (wf: Workflow, s: Scenario): boolean => {
  if (!(s.event in wf.on)) return false;
  const filter = wf.on[s.event] as { branches?: string[] } | null;
  if (s.event !== "push" || !filter?.branches) return true;
  for (const b of filter.branches)
    if (/[*?[\]!]/.test(b))
      throw new Error(`${wf.file}: branch pattern ${b} is not modelled by the security test`);
  return filter.branches.some((b) => s.ref === `refs/heads/${b}`);
};

const str = (v: Value): string => (v === null ? "" : typeof v === "object" ? JSON.stringify(v) : String(v));

/** One job as it would run in a scenario: what it is, what it holds and what it points at. */
export interface JobRun {
  workflow: string;
  job: string;
  environment: string | undefined;
  /** The OIDC `sub` suffix after repo:OWNER/REPO:, or undefined when the job cannot request a token. */
  subject: string | undefined;
  /** Secret names the role-to-assume of each AWS credentials step that runs reads. */
  awsRoleSecrets: string[];
  /** `team:<name>` scopes of the Pulumi OIDC token steps that run. */
  pulumiScopes: string[];
  /** Stack names of the pulumi/actions steps that run a command. */
  stacks: string[];
  /** Every secret the job's text references (GitHub resolves them all when the job starts). */
  secrets: string[];
  steps: Step[];
  permissions: Record<string, string>;
}

const SECRET_REFERENCE = /secrets\.([A-Z0-9_]+)/g;

/**
 * The subject GitHub puts in a job's OIDC token under the default subject template ("OpenID Connect
 * reference", docs.github.com/en/actions/reference/security/oidc): the environment when the job references
 * one; else `pull_request` for pull-request events; else the ref.
 */
export const subjectOf = (environment: string | undefined, s: Scenario) =>
  environment ? `environment:${environment}` : s.event === "pull_request" ? "pull_request" : `ref:${s.ref}`;

const matrixRows = (job: Job, ctx: Context): Record<string, Value>[] => {
  const matrix = job.strategy?.matrix;
  if (!matrix) return [{}];
  let rows: Record<string, Value>[] = [{}];
  for (const [key, raw] of Object.entries(matrix)) {
    const values = typeof raw === "string" ? interpolate(raw, ctx) : (raw as Value);
    if (!Array.isArray(values)) throw new Error(`matrix.${key} is not a list`);
    rows = rows.flatMap((row) => values.map((v) => ({ ...row, [key]: v })));
  }
  return rows;
};

/** Every job of every workflow that the scenario would start, with what it holds. */
export const runsOf = (workflows: Workflow[], s: Scenario): JobRun[] => {
  const runs: JobRun[] = [];
  for (const wf of workflows.filter((w) => triggers(w, s))) {
    for (const [id, job] of Object.entries(wf.jobs)) {
      const github: Value = {
        event_name: s.event,
        ref: s.ref,
        repository: REPOSITORY,
        event:
          s.event === "pull_request"
            ? {
                pull_request: {
                  number: 7,
                  head: { repo: { full_name: s.fork ? "someone/lambda-lab" : REPOSITORY } },
                },
              }
            : {},
      };
      const secrets = s.fork ? {} : s.secrets;
      const base: Context = { github, inputs: s.inputs ?? {}, secrets, needs: s.needs ?? {}, env: {} };
      if (!condition(job.if, base)) continue;
      for (const row of matrixRows(job, base)) {
        const ctx: Context = { ...base, matrix: row };
        const environmentRaw = typeof job.environment === "object" ? job.environment.name : job.environment;
        const environment = environmentRaw === undefined ? undefined : str(interpolate(environmentRaw, ctx));
        const env: Record<string, Value> = {};
        for (const [k, v] of Object.entries({ ...wf.env, ...job.env }))
          env[k] = str(interpolate(String(v), ctx));
        const jobCtx: Context = { ...ctx, env };
        const permissions = job.permissions ?? {};
        // A fork's pull request never gets an OIDC token, whatever the workflow asks for.
        const subject =
          permissions["id-token"] === "write" && !s.fork ? subjectOf(environment || undefined, s) : undefined;
        const run: JobRun = {
          workflow: wf.file,
          job: id,
          environment: environment || undefined,
          subject,
          awsRoleSecrets: [],
          pulumiScopes: [],
          stacks: [],
          secrets: [...new Set([...JSON.stringify(job).matchAll(SECRET_REFERENCE)].map((m) => m[1] ?? ""))],
          steps: [],
          permissions,
        };
        for (const step of job.steps ?? []) {
          const stepCtx: Context = { ...jobCtx, env: { ...env, ...(step.env ?? {}) } };
          if (!condition(step.if, stepCtx)) continue;
          run.steps.push(step);
          const name = step.uses ? actionName(step.uses) : "";
          const input = (key: string) => {
            const raw = step.with?.[key];
            return raw === undefined ? undefined : str(interpolate(String(raw), stepCtx));
          };
          if (name === "aws-actions/configure-aws-credentials") {
            const role = String(step.with?.["role-to-assume"] ?? "");
            const secret = /^\$\{\{\s*secrets\.([A-Z0-9_]+)\s*\}\}$/.exec(role)?.[1];
            run.awsRoleSecrets.push(secret ?? `<not a secret reference: ${role}>`);
          }
          if (name === "pulumi/auth-actions") run.pulumiScopes.push(input("scope") ?? "<no scope>");
          if (name === "pulumi/actions" && step.with?.command !== undefined)
            run.stacks.push(input("stack-name") ?? "");
        }
        runs.push(run);
      }
    }
  }
  return runs;
};
