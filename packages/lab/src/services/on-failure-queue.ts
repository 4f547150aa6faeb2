import { appendFile, mkdir, readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { makeInvocationFailureRecord, makeSqsEvent } from "@lambda-lab/testing";
import type { AsyncFailure } from "../runtime/function-pool.js";

export type FailureRecord = ReturnType<typeof makeInvocationFailureRecord>;

/** A redrive of one record: the original event sent again as a fresh async invocation, and how it ended. */
export interface Redrive {
  /** The failed invocation's request id (the record's `requestContext.requestId`). */
  requestId: string;
  /** The new invocation's request id: a redrive is a new Invoke, so Lambda gives it a new one. */
  redrivenAs: string;
  functionId: string;
  at: number;
  outcome: "pending" | "succeeded" | "failed";
  settledAt?: number;
}

/** A record in the queue, with its redrives (kept beside it: the record keeps Lambda's own shape). */
export interface QueueEntry {
  record: FailureRecord;
  redrives: Redrive[];
}

export class RedriveError extends Error {
  override name = "RedriveError";
  constructor(
    readonly status: 404 | 409,
    message: string,
  ) {
    super(message);
  }
}

const readLines = async <T>(file: string): Promise<T[]> => {
  try {
    return (await readFile(file, "utf8"))
      .split("\n")
      .filter((line) => line.trim())
      .map((line) => JSON.parse(line) as T);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
};

/**
 * The stack's on-failure destination, locally: each async event that failed its last retry becomes the
 * invocation record Lambda would send, kept in a JSON-lines file (the queue) and handed to the alerts
 * function as an SQS event. A failed alerts invocation is only kept, or it would feed itself.
 *
 * Redrive follows what AWS offers for it: the destination holds the record, not the event's queue entry,
 * so there is nothing to move back (SQS's DLQ redrive moves messages to a source *queue*); the way back is
 * to re-invoke the function asynchronously with the record's `requestPayload` ("To retry, you can manually
 * re-invoke your function", https://docs.aws.amazon.com/lambda/latest/dg/invocation-retries.html). Each
 * redrive is appended to `redrives.jsonl` beside the queue, with its outcome once known.
 */
export const createOnFailureQueue = async (options: {
  file: string;
  region: string;
  /** The failing function's own destination queue (the program gives each async function one). */
  queueArn: (functionId: string) => string;
  functionArn: (functionId: string) => string;
  deliver: (event: unknown, source: FailureRecord) => void;
  alertsFunctionId: string;
}) => {
  await mkdir(dirname(options.file), { recursive: true });
  const redrivesFile = join(dirname(options.file), "redrives.jsonl");
  const records = await readLines<FailureRecord>(options.file);
  const redrives: Redrive[] = [];
  // The file holds each redrive, then its outcome as a later line: the last line for a redrive wins.
  for (const line of await readLines<Redrive>(redrivesFile)) {
    const known = redrives.find((r) => r.redrivenAs === line.redrivenAs);
    if (known) Object.assign(known, line);
    else redrives.push(line);
  }
  const listeners: ((record: FailureRecord) => void)[] = [];
  const saveRedrive = (redrive: Redrive) => appendFile(redrivesFile, `${JSON.stringify(redrive)}\n`);

  return {
    records: () => [...records],
    /** Every record with its redrives, oldest first. */
    entries: (): QueueEntry[] =>
      records.map((record) => ({
        record,
        redrives: redrives.filter((r) => r.requestId === record.requestContext.requestId),
      })),
    /** Called with each record as it is added (the retries timeline shows it). */
    onRecord(listener: (record: FailureRecord) => void) {
      listeners.push(listener);
    },
    async add(failure: AsyncFailure): Promise<FailureRecord> {
      let payload: unknown = failure.payload;
      try {
        payload = JSON.parse(failure.payload);
      } catch {
        // Keep a payload that is not JSON as text.
      }
      let error: { errorType?: string; errorMessage?: string } = {};
      try {
        error = JSON.parse(failure.last.body) as typeof error;
      } catch {
        error = { errorMessage: failure.last.body };
      }
      const record = makeInvocationFailureRecord({
        function: `${options.functionArn(failure.functionId)}:$LATEST`,
        region: options.region,
        requestId: failure.requestId,
        condition: "RetriesExhausted",
        attempts: failure.attempts,
        requestPayload: payload,
        errorType: error.errorType ?? failure.last.errorType ?? "Error",
        errorMessage: error.errorMessage ?? failure.last.status,
      });
      records.push(record);
      await appendFile(options.file, `${JSON.stringify(record)}\n`);
      for (const listener of listeners) listener(record);
      if (failure.functionId !== options.alertsFunctionId)
        options.deliver(makeSqsEvent([record], options.queueArn(failure.functionId)), record);
      return record;
    },
    /**
     * Sends a record's original event to its function again, as a fresh async invocation (`invokeAsync`
     * returns the new request id). A record whose last redrive is still running is refused (409): one
     * redrive at a time, as a consumer deletes the message once it has re-invoked.
     */
    async redrive(
      requestId: string,
      deps: {
        functionIdOf: (functionArn: string) => string | undefined;
        invokeAsync: (functionId: string, payload: unknown) => string;
      },
    ): Promise<Redrive> {
      const record = records.find((r) => r.requestContext.requestId === requestId);
      if (!record)
        throw new RedriveError(404, `the on-failure queue holds no record of request ${requestId}`);
      const functionId = deps.functionIdOf(record.requestContext.functionArn);
      if (!functionId)
        throw new RedriveError(
          404,
          `${record.requestContext.functionArn} is not a function of this lab: nothing to redrive to`,
        );
      if (redrives.some((r) => r.requestId === requestId && r.outcome === "pending"))
        throw new RedriveError(409, `request ${requestId} is being redriven already; wait for its outcome`);
      const redrive: Redrive = {
        requestId,
        redrivenAs: deps.invokeAsync(functionId, record.requestPayload),
        functionId,
        at: Date.now(),
        outcome: "pending",
      };
      redrives.push(redrive);
      await saveRedrive(redrive);
      return redrive;
    },
    /** Records how a redriven invocation ended (its request id is `redrivenAs`); undefined if it is not one. */
    async settleRedrive(redrivenAs: string, outcome: "succeeded" | "failed"): Promise<Redrive | undefined> {
      const redrive = redrives.find((r) => r.redrivenAs === redrivenAs && r.outcome === "pending");
      if (!redrive) return undefined;
      Object.assign(redrive, { outcome, settledAt: Date.now() });
      await saveRedrive(redrive);
      return redrive;
    },
    /** The redrive whose invocation is `requestId`, if it is one. */
    redriveOf: (requestId: string): Redrive | undefined => redrives.find((r) => r.redrivenAs === requestId),
  };
};
export type OnFailureQueue = Awaited<ReturnType<typeof createOnFailureQueue>>;
