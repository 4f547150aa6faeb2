import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Problem, verifyArtifact, writeDeterministicZip } from "@lambda-lab/artifact";
import type { InvocationRecord } from "../runtime/function-pool.js";

/** What the runtime offers the triggers: retire (as hot reload does) and invoke. */
export interface TriggerRuntime {
  retire(functionId: string): Promise<void>;
  invoke(functionId: string, payload: unknown, options?: { source?: string }): Promise<InvocationRecord>;
}

/**
 * Force a cold start: retire the function's environments (idle ones stop now, busy ones when they finish),
 * then invoke it with its sample event. The new environment runs the module's init first, so the record
 * has an init duration, split into its parts, beside the handler's own duration.
 */
export const forceColdStart = async (
  deps: { runtime: TriggerRuntime; samplePayload: (id: string) => Promise<unknown> },
  functionId: string,
) => {
  await deps.runtime.retire(functionId);
  const record = await deps.runtime.invoke(functionId, await deps.samplePayload(functionId), {
    source: "cold-start",
  });
  return {
    functionId,
    requestId: record.requestId,
    status: record.status,
    cold: record.cold,
    initDurationMs: record.initDurationMs ?? null,
    // Where the init went: runtime start, the bundle's load, its module initialisation (the lab's measure).
    initSplit: record.initSplit ?? null,
    handlerDurationMs: record.durationMs,
    report: record.report,
  };
};

/**
 * The 502 lesson, built on the fly: the function's real artifact folder zipped twice — once as the folder
 * itself (`upload/index.mjs`, what `zip -r function.zip upload/` makes) and once as its contents — and both
 * run through the artifact package's verifier, the check every build runs before a zip can deploy.
 */
export const verifyHandlerInFolder = async (artifactDir: string, folderName: string) => {
  const work = await mkdtemp(join(tmpdir(), "lab-502-"));
  try {
    const nestedRoot = join(work, "nested");
    await cp(artifactDir, join(nestedRoot, folderName), { recursive: true, dereference: true });
    const nestedZip = join(work, "in-a-folder.zip");
    const rootZip = join(work, "at-the-root.zip");
    await writeDeterministicZip(nestedRoot, nestedZip);
    await writeDeterministicZip(artifactDir, rootZip);
    const options = { handler: "index.handler", arch: "x64" as const, probe: false };
    const [nested, fixed] = await Promise.all([
      verifyArtifact(nestedZip, options),
      verifyArtifact(rootZip, options),
    ]);
    // Only the handler's place differs between the two zips; other findings (e.g. binaries for another CPU)
    // are not this lesson's.
    const layout = (problems: Problem[]) =>
      problems.filter((p) => p.code === "handler-not-at-root" || p.code === "handler-missing");
    return {
      inAFolder: {
        zip: `${folderName}/index.mjs`,
        ok: layout(nested.problems).length === 0,
        problems: layout(nested.problems),
      },
      atTheRoot: {
        zip: "index.mjs",
        ok: layout(fixed.problems).length === 0,
        problems: layout(fixed.problems),
      },
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
};

/** The lab's PostgreSQL, as the slow-query trigger needs it. */
export interface SlowQueryDatabase {
  query(sql: string, values?: unknown[]): Promise<unknown>;
}

/**
 * A real slow statement: `pg_sleep` a little over the stack's threshold (log_min_duration_statement), so
 * PostgreSQL logs it with its duration and the lab's log subscription forwards it to alerts → Slack.
 */
export const runSlowQuery = async (database: SlowQueryDatabase, thresholdMs: number) => {
  const seconds = Math.round(thresholdMs * 1.2 + 200) / 1000;
  const statement = `SELECT pg_sleep(${seconds}) /* lab: slow query lesson */`;
  const started = performance.now();
  await database.query(statement);
  return { statement, thresholdMs, tookMs: Math.round(performance.now() - started) };
};
