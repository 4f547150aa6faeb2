import type { IncomingMessage, ServerResponse } from "node:http";
import type { ScheduledFunctionId } from "@lambda-lab/catalog";
import type { InvocationRecord } from "../runtime/function-pool.js";
import type { FunctionState } from "../runtime/lambda-runtime.js";

/**
 * What the lab's HTTP API needs from the rest of the lab, and nothing more: each route depends on one of
 * these narrow interfaces, never on the lab as a whole (so the server has no import of the root, and its
 * unit tests pass small fakes).
 */

/** One lab event on the page's stream. */
export interface StreamedEvent {
  type: string;
  at: number;
  data: unknown;
}

/** The lab's event stream (server-sent events to each open page). */
export interface EventSource {
  on(name: "event", listener: (event: StreamedEvent) => void): unknown;
  off(name: "event", listener: (event: StreamedEvent) => void): unknown;
}

/** The functions, as the Invoke API and the page's invoke and burst buttons use them. */
export interface InvokeTarget {
  readonly functionIds: readonly string[];
  has(functionId: string): boolean;
  /** The deployed name of a function (`lambda-lab-dev-upload`): the Invoke API accepts it too. */
  functionName(functionId: string): string;
  invoke(
    functionId: string,
    payload: unknown,
    options?: { source?: string; clientContext?: string },
  ): Promise<InvocationRecord>;
  invokeAsync(functionId: string, payload: unknown, options?: { source?: string }): string;
  state(): FunctionState[];
}

/** What the page reads. */
export interface LabQueries {
  /** Every URL the lab serves (the page's stream says hello with them). */
  urls: object;
  /** The stack's name: the architecture diagram is per stack. */
  stackName: string;
  state(): Promise<unknown>;
  cost(): unknown;
  invocations(filter?: { functionId?: string; limit?: number }): InvocationRecord[];
  concurrencyHistory(): Record<string, { at: number; concurrent: number }[]>;
  batchRuns(): unknown[];
  onFailureRecords(): unknown[];
  uploads(): Promise<unknown>;
  slackMessages(): unknown[];
  posts(): Promise<unknown>;
}

/** What the page can make the lab do. */
export interface LabActions {
  burst(functionId: string, count: number, payload: unknown): Promise<unknown>;
  /** A batch function (the catalog's scheduled ones) now, as "run now" does. */
  runNow(functionId: ScheduledFunctionId, options?: { dryRun?: boolean; date?: string }): Promise<unknown>;
  ageUpload(key: string, hours: number): Promise<unknown>;
}

/** A function's default payload for an invoke or burst from the page: its sample event. */
export type SamplePayload = (functionId: string) => Promise<unknown>;

/** A route module (lesson-routes.ts, invocation-detail-route.ts, …): true when it answered the request. */
export type Route = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean>;
