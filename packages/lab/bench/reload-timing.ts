import { readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { performance } from "node:perf_hooks";

/**
 * Prepares a function in the fresh clone for timing: its real handler.ts gets a marker export the bench
 * rewrites on each edit, and its index.ts wraps the real handler to answer with that marker, so "the new
 * behaviour answers" is observable from outside. The rest of the function is untouched: the bundle, and so
 * the rebuild, the verification and the cold start's module init, are the real ones, AWS SDK and all.
 */
export const instrument = async (functionDir: string): Promise<void> => {
  const src = join(functionDir, "src");
  await rename(join(src, "index.ts"), join(src, "index-real.ts"));
  await writeFile(
    join(src, "index.ts"),
    [
      "// Written by the lab bench in a temporary copy: the real handler, answering with the marker too.",
      'import { handler as real } from "./index-real.js";',
      'import { BENCH_MARKER } from "./handler.js";',
      "// A ping answers at once: the bench times the reload and the cold start, not the handler's own work.",
      "export const handler = async (event: unknown, context: unknown) =>",
      "  (event as { benchPing?: boolean } | null)?.benchPing",
      "    ? { benchMarker: BENCH_MARKER }",
      "    : { benchMarker: BENCH_MARKER, response: await (real as (e: unknown, c: unknown) => Promise<unknown>)(event, context) };",
      "",
    ].join("\n"),
  );
  await setMarker(functionDir, "0");
};

const MARKER_LINE = /\nexport const BENCH_MARKER = "[^"]*";\n$/;

/** Edits the real handler.ts: replaces (or adds) its last line, the marker. */
export const setMarker = async (functionDir: string, marker: string): Promise<void> => {
  const file = join(functionDir, "src", "handler.ts");
  const text = (await readFile(file, "utf8")).replace(MARKER_LINE, "\n");
  await writeFile(
    file,
    `${text.endsWith("\n") ? text : `${text}\n`}export const BENCH_MARKER = "${marker}";\n`,
  );
};

/** Invokes through the Lambda Invoke API: the marker the answering code carries, and the lab's REPORT line. */
export const invokeReal = async (lambdaApi: string, id: string, payload: unknown) => {
  const { marker } = await invokeMarker(lambdaApi, id, payload);
  if (marker === undefined) throw new Error(`${id}: the instrumented handler did not answer`);
};

const invokeMarker = async (
  lambdaApi: string,
  id: string,
  payload: unknown,
): Promise<{ marker: string | undefined; report: string }> => {
  const response = await fetch(`${lambdaApi}/2015-03-31/functions/${id}/invocations`, {
    method: "POST",
    body: JSON.stringify(payload),
  });
  const body = (await response.json().catch(() => undefined)) as { benchMarker?: string } | undefined;
  return { marker: body?.benchMarker, report: response.headers.get("x-lab-report") ?? "" };
};

export interface EditTiming {
  /** Save to the first answer from the new code. */
  ms: number;
  /** That answer's cold start (Init Duration) and handler time (Duration), from its REPORT line. */
  initMs: number;
  durationMs: number;
}

const figure = (report: string, name: string) =>
  Number(new RegExp(`${name}: ([\\d.]+) ms`).exec(report)?.[1] ?? Number.NaN);

/**
 * One edit: rewrite the marker, then ping until the function answers with it. The time from the write to
 * that answer is what a developer waits between save and the new code serving (its cold start included);
 * a ping skips the handler's own work, which would otherwise hold each poll (alerts takes ~1 s warm here).
 */
export const timeOneEdit = async (
  lambdaApi: string,
  functionDir: string,
  id: string,
  marker: string,
  timeoutMs = 30_000,
): Promise<EditTiming> => {
  const started = performance.now();
  await setMarker(functionDir, marker);
  for (;;) {
    const answer = await invokeMarker(lambdaApi, id, { benchPing: true });
    if (answer.marker === marker)
      return {
        ms: performance.now() - started,
        initMs: figure(answer.report, "Init Duration"),
        durationMs: figure(answer.report, "(?<!Billed )Duration"),
      };
    if (performance.now() - started > timeoutMs)
      throw new Error(`${id}: marker ${marker} not answered within ${timeoutMs} ms`);
    // Often enough to see the new code within 20 ms; rarely enough not to compete with the rebuild.
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

export const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
};
