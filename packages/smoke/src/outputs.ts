import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import * as z from "zod";

/**
 * The stack outputs the smoke test reads, by the names packages/infra/src/index.ts exports (a type test,
 * test/unit/outputs-contract.test.ts, fails if one is renamed there). Loose: other outputs are ignored.
 */
const FunctionName = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, { error: "must be a Lambda function name (1-64 letters, digits, - or _)" });

export const StackOutputs = z.looseObject({
  bucketName: z.string().min(3, { error: "must be an S3 bucket name" }),
  uploadApiUrl: z.url({ protocol: /^https?$/, error: "must be the HTTP API's invoke URL (https://…)" }),
  functionNames: z.looseObject({
    upload: FunctionName,
    transform: FunctionName,
    "orphan-cleanup": FunctionName,
    "daily-stats": FunctionName,
    alerts: FunctionName,
  }),
  alertsTopicArn: z
    .string()
    .regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_.-]+$/, { error: "must be an SNS topic ARN" }),
  /**
   * The SSM SecureString holding the upload token secret, when the stack runs `uploadAuthMode: token`. Not
   * exported by the program yet: `--token-parameter` names it meanwhile (see the README).
   */
  uploadTokenParameterName: z.string().min(1).optional(),
});
export type StackOutputs = z.infer<typeof StackOutputs>;

/** The outputs without which no step can run, for the error message. */
export const REQUIRED_OUTPUTS = ["bucketName", "uploadApiUrl", "functionNames", "alertsTopicArn"] as const;

/** The outputs could not be read: `message` says what, `hint` what to do about it. */
export class OutputsError extends Error {
  override name = "OutputsError";
  constructor(
    message: string,
    readonly hint = "did pulumi up finish for this stack, on this backend? (pulumi stack output --stack <name>)",
  ) {
    super(message);
  }
}

/**
 * The Automation API (and some CI actions) write outputs as `{ value, secret }`; `pulumi stack output --json`
 * writes bare values. Both are accepted.
 */
const unwrap = (raw: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(
    Object.entries(raw).map(([name, v]) => {
      const o = v as { value?: unknown; secret?: unknown } | null;
      const wrapped =
        typeof o === "object" &&
        o !== null &&
        "value" in o &&
        Object.keys(o).every((k) => k === "value" || k === "secret");
      return [name, wrapped ? o.value : v];
    }),
  );

/** Validates outputs read from `source`; the error names every missing or bad output, never a value. */
export const parseOutputs = (raw: unknown, source: string): StackOutputs => {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw))
    throw new OutputsError(
      `${source}: expected a JSON object of stack outputs`,
      "pulumi stack output --json prints one",
    );
  const parsed = StackOutputs.safeParse(unwrap(raw as Record<string, unknown>));
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const name = issue.path.map(String).join(".");
    return issue.code === "invalid_type" && issue.input === undefined
      ? `missing output ${name} (packages/infra/src/index.ts must export it)`
      : `${name}: ${issue.message}`;
  });
  throw new OutputsError(
    `${source}: ${problems.join("; ")}`,
    "the program does not export what the smoke test reads, or this is another project's stack: packages/infra/src/index.ts",
  );
};

export const readOutputsFile = async (path: string): Promise<StackOutputs> => {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new OutputsError(
      `--outputs-file ${path}: ${(error as Error).message}`,
      "the file the workflow wrote with pulumi stack output --json",
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    // Never echo the text: it may hold secret outputs.
    throw new OutputsError(
      `--outputs-file ${path}: not JSON`,
      "write it with pulumi stack output --json --show-secrets > file",
    );
  }
  return parseOutputs(raw, path);
};

export type RunFile = (
  file: string,
  args: readonly string[],
  options: { cwd: string },
) => Promise<{ stdout: string; stderr: string }>;

const runFile: RunFile = (file, args, options) =>
  new Promise((resolve, reject) => {
    execFile(file, args, { ...options, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(Object.assign(error, { stderr }));
      else resolve({ stdout, stderr });
    });
  });

/**
 * `pulumi stack output --json --show-secrets --stack <name>` in the project folder (Pulumi.yaml at the repo
 * root). https://www.pulumi.com/docs/iac/cli/commands/pulumi_stack_output/
 */
export const readPulumiOutputs = async (
  stack: string,
  options: { cwd: string; run?: RunFile },
): Promise<StackOutputs> => {
  const args = ["stack", "output", "--json", "--show-secrets", "--non-interactive", "--stack", stack];
  let stdout: string;
  try {
    ({ stdout } = await (options.run ?? runFile)("pulumi", args, { cwd: options.cwd }));
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === "ENOENT")
      throw new OutputsError(
        "the pulumi CLI is not on PATH",
        "install it (https://www.pulumi.com/docs/install/) or pass --outputs-file with `pulumi stack output --json` saved elsewhere",
      );
    const said = (e.stderr ?? "").trim().split("\n").slice(-3).join(" ").slice(0, 400);
    throw new OutputsError(
      `pulumi stack output --stack ${stack} failed${said ? `: ${said}` : ""}`,
      "pulumi login to the stack's backend (PULUMI_ACCESS_TOKEN, or pulumi login s3://…), and check the stack name",
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(stdout);
  } catch {
    throw new OutputsError(
      `pulumi stack output --stack ${stack} printed something that is not JSON`,
      "a pulumi CLI too old for --json, or a wrapper script printing to stdout",
    );
  }
  return parseOutputs(raw, `stack ${stack}`);
};
