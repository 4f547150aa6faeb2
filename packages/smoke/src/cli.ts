import { existsSync } from "node:fs";
import { appendFile, readFile, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { awsTarget, regionOfArn } from "./aws-target.js";
import { runnerRegion, userCwd } from "./env.js";
import { labTarget } from "./lab-target.js";
import { OutputsError, readOutputsFile, readPulumiOutputs, type StackOutputs } from "./outputs.js";
import { failed } from "./run.js";
import { newRunId, runSmoke, type SmokeTarget } from "./smoke.js";
import { formatDuration, renderMarkdown, renderTable } from "./table.js";

const USAGE = `Usage:
  pnpm smoke --stack <name>                         test a deployed stack (outputs from the pulumi CLI)
  pnpm smoke --stack <name> --outputs-file <file>   the same, outputs from \`pulumi stack output --json\` saved earlier
  pnpm smoke --lab [--data-dir .lab]                test the running local lab (pnpm dev)

Options:
  --region <region>          AWS region (default: AWS_REGION, else the alerts topic ARN's region)
  --token-parameter <name>   SSM SecureString with the upload token secret (default: the uploadTokenParameterName output)
  --timeout-seconds <n>      how long to wait for the variants and for the alerts function (default 120)
  --summary <file>           append the table as Markdown (e.g. "$GITHUB_STEP_SUMMARY")
  --json <file>              write the results as JSON
Exit status: 0 every step passed, 1 a step failed, 2 bad usage.`;

const usageError = (message: string): never => {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
};

const { values } = parseArgs({
  options: {
    stack: { type: "string", short: "s" },
    "outputs-file": { type: "string" },
    lab: { type: "boolean", default: false },
    "data-dir": { type: "string" },
    region: { type: "string" },
    "token-parameter": { type: "string" },
    "timeout-seconds": { type: "string" },
    summary: { type: "string" },
    json: { type: "string" },
    help: { type: "boolean", short: "h", default: false },
  },
  allowPositionals: false,
});

if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

/** The repository root: Pulumi.yaml lives there, so `pulumi stack output` runs there. */
const repoRoot = (() => {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    if (existsSync(join(dir, "pnpm-workspace.yaml"))) return dir;
    if (dirname(dir) === dir)
      throw new Error("no pnpm-workspace.yaml above packages/smoke: is this the repository?");
  }
})();
const cwd = userCwd();

if (values.lab && (values.stack || values["outputs-file"]))
  usageError("--lab tests the local lab: leave out --stack and --outputs-file");
if (!values.lab && !values.stack && !values["outputs-file"])
  usageError("name the stack to test: --stack <name> (or --lab)");
if (values["data-dir"] && !values.lab) usageError("--data-dir is the lab's data folder: use it with --lab");
if (values.stack !== undefined && !/^[A-Za-z0-9._/-]+$/.test(values.stack))
  usageError(`--stack ${JSON.stringify(values.stack)} is not a stack name`);
const timeoutSeconds = values["timeout-seconds"] === undefined ? 120 : Number(values["timeout-seconds"]);
if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 1 || timeoutSeconds > 900)
  usageError(`--timeout-seconds ${values["timeout-seconds"]}: a whole number of seconds, 1-900`);

const describeSource = values.lab
  ? `the lab (${values["data-dir"] ?? ".lab"})`
  : values["outputs-file"]
    ? `${values.stack ? `stack ${values.stack}, ` : ""}outputs from ${values["outputs-file"]}`
    : `stack ${values.stack}`;

let target: SmokeTarget | undefined;
const load = async (): Promise<SmokeTarget> => {
  if (values.lab) {
    target = await labTarget({
      dataDir: values["data-dir"] ? resolve(cwd, values["data-dir"]) : join(repoRoot, ".lab"),
    });
    return target;
  }
  const outputs: StackOutputs = values["outputs-file"]
    ? await readOutputsFile(resolve(cwd, values["outputs-file"]))
    : await readPulumiOutputs(values.stack!, { cwd: repoRoot });
  const region = values.region ?? runnerRegion() ?? regionOfArn(outputs.alertsTopicArn);
  if (!region) throw new OutputsError("no AWS region", "pass --region or set AWS_REGION");
  target = awsTarget({
    label: `${describeSource} (${region})`,
    outputs,
    region,
    tokenParameter: values["token-parameter"],
  });
  return target;
};

const runId = newRunId();
const image = {
  bytes: await readFile(fileURLToPath(new URL("../assets/Landscape_1.jpg", import.meta.url))),
  contentType: "image/jpeg" as const,
  filename: "Landscape_1.jpg",
};
console.error(`smoke test of ${describeSource}, run ${runId}`);
const results = await runSmoke(load, {
  image,
  source: values.lab
    ? join(values["data-dir"] ? resolve(cwd, values["data-dir"]) : join(repoRoot, ".lab"), "lab.json")
    : values["outputs-file"]
      ? resolve(cwd, values["outputs-file"])
      : `pulumi stack output --stack ${values.stack}`,
  runId,
  variantsTimeoutMs: timeoutSeconds * 1000,
  alertsTimeoutMs: timeoutSeconds * 1000,
  logPollMs: values.lab ? 500 : 3_000,
  pollMs: values.lab ? 250 : 1_000,
  onStep: (r) =>
    console.error(`  ${r.status.toUpperCase()}  ${r.name} (${formatDuration(r.durationMs, r.status)})`),
});
target?.close();

const title = `Smoke test: ${target?.label ?? describeSource}, run ${runId}`;
process.stdout.write(renderTable(title, results));
if (values.summary) await appendFile(resolve(cwd, values.summary), renderMarkdown(title, results));
if (values.json)
  await writeFile(
    resolve(cwd, values.json),
    `${JSON.stringify({ runId, target: target?.label ?? describeSource, passed: !failed(results), steps: results }, null, 2)}\n`,
  );
process.exitCode = failed(results) ? 1 : 0;
