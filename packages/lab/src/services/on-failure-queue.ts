import { appendFile, mkdir, readFile } from "node:fs/promises";
import { dirname } from "node:path";
import { makeInvocationFailureRecord, makeSqsEvent } from "@lambda-lab/testing";
import type { AsyncFailure } from "../runtime/function-pool.js";

export type FailureRecord = ReturnType<typeof makeInvocationFailureRecord>;

/**
 * The stack's on-failure destination, locally: each async event that failed its last retry becomes the
 * invocation record Lambda would send, kept in a JSON-lines file (the queue) and handed to the alerts
 * function as an SQS event. A failed alerts invocation is only kept, or it would feed itself.
 */
export const createOnFailureQueue = async (options: {
  file: string;
  region: string;
  queueArn: string;
  functionArn: (functionId: string) => string;
  deliver: (event: unknown, source: FailureRecord) => void;
  alertsFunctionId: string;
}) => {
  await mkdir(dirname(options.file), { recursive: true });
  const records: FailureRecord[] = [];
  try {
    for (const line of (await readFile(options.file, "utf8")).split("\n"))
      if (line.trim()) records.push(JSON.parse(line) as FailureRecord);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  return {
    records: () => [...records],
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
      if (failure.functionId !== options.alertsFunctionId)
        options.deliver(makeSqsEvent([record], options.queueArn), record);
      return record;
    },
  };
};
