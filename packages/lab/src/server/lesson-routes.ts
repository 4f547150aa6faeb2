import { createReadStream } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { corsHeaders, readBody, sendJson } from "../http.js";
import { lessonsWithGuide } from "../lessons/guide.js";
import { resolveSource, SourceRefused, sourcesOf } from "../lessons/sources.js";
import {
  forceColdStart,
  runSlowQuery,
  type SlowQueryDatabase,
  type TriggerRuntime,
  verifyHandlerInFolder,
} from "../lessons/triggers.js";

export interface LessonRouteDeps {
  repoRoot: string;
  runtime: TriggerRuntime & { has(functionId: string): boolean; functionIds: readonly string[] };
  samplePayload: (functionId: string) => Promise<unknown>;
  database: SlowQueryDatabase;
  slowQueryMs: number;
  /** `packages/functions/<id>/dist/<arch>/` of a built function: the 502 lesson zips it. */
  artifactDir: (functionId: string) => string;
}

/**
 * The lessons' routes on the lab API (documented in packages/lab/README.md):
 * `GET /api/lessons`, `GET /api/source?path=…` (read-only, src/lessons/sources.ts decides what),
 * `POST /api/lessons/cold-start/:function`, `POST /api/lessons/handler-at-root`, `POST /api/lessons/slow-query`.
 * Returns a handler that answers true when it took the request.
 */
export const lessonRoutes = (deps: LessonRouteDeps) => {
  const functionsWithSources = deps.runtime.functionIds.filter((id) => !id.startsWith("probe"));
  return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> => {
    const path = url.pathname;
    const method = req.method ?? "GET";
    const cors = corsHeaders(req.headers.origin);
    const json = (status: number, body: unknown) => {
      sendJson(res, status, body, cors);
      return true;
    };
    if (path === "/api/lessons" && method === "GET") {
      const sources = Object.fromEntries(
        await Promise.all(
          functionsWithSources.map(async (id) => [id, await sourcesOf(deps.repoRoot, id)] as const),
        ),
      );
      return json(200, {
        lessons: lessonsWithGuide().map((l) => ({
          ...l,
          sources: l.functions.flatMap((id) => (sources[id] ? [{ functionId: id, ...sources[id] }] : [])),
        })),
        labReadme: "packages/lab/README.md",
      });
    }
    if (path === "/api/source" && method === "GET") {
      try {
        const file = resolveSource(deps.repoRoot, url.searchParams.get("path") ?? "");
        res.writeHead(200, {
          "content-type": "text/plain; charset=utf-8",
          "cache-control": "no-cache",
          "x-content-type-options": "nosniff",
          ...cors,
        });
        createReadStream(file).pipe(res);
        return true;
      } catch (error) {
        if (error instanceof SourceRefused) return json(error.status, { error: error.message });
        throw error;
      }
    }
    const cold = /^\/api\/lessons\/cold-start\/([a-z0-9-]+)$/.exec(path);
    if (cold && method === "POST") {
      await readBody(req, 1024).catch(() => undefined);
      const functionId = cold[1]!;
      if (!deps.runtime.has(functionId))
        return json(404, {
          error: `no function ${functionId} (the lab has ${deps.runtime.functionIds.join(", ")})`,
        });
      return json(200, await forceColdStart(deps, functionId));
    }
    if (path === "/api/lessons/handler-at-root" && method === "POST") {
      await readBody(req, 1024).catch(() => undefined);
      return json(200, await verifyHandlerInFolder(deps.artifactDir("upload"), "upload"));
    }
    if (path === "/api/lessons/slow-query" && method === "POST") {
      await readBody(req, 1024).catch(() => undefined);
      return json(200, await runSlowQuery(deps.database, deps.slowQueryMs));
    }
    return false;
  };
};
