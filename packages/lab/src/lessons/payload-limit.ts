import type { IncomingMessage } from "node:http";

/**
 * Lambda's invocation payload quotas (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html):
 * 6 MB for a synchronous request (and its response), 1 MB for an asynchronous one. The Invoke API refuses
 * a larger request with HTTP 413 `RequestEntityTooLargeException`; these are its messages, word for word.
 * This is why the upload API hands out presigned S3 POST forms: image bytes never pass through an invoke.
 */
export const PAYLOAD_LIMITS = { RequestResponse: 6_291_456, Event: 1_048_576 } as const;

/** Past this the lab stops reading and drops the connection (nobody sends 64 MB to a lab on purpose). */
const DRAIN_LIMIT = 64 * 1024 * 1024;

export const tooLargeMessage = (invocationType: string, bytes: number): string =>
  invocationType === "Event"
    ? `${bytes} byte payload is too large for the Event invocation type (limit ${PAYLOAD_LIMITS.Event} bytes)`
    : `Request must be smaller than ${PAYLOAD_LIMITS.RequestResponse} bytes for the InvokeFunction operation`;

export type InvokeBody = { ok: true; payload: Buffer } | { ok: false; bytes: number; message: string };

/**
 * Reads an Invoke request's body against its invocation type's limit. An oversized body is read to its end
 * (and discarded) so the client receives the 413 instead of a reset connection, as it does from AWS.
 */
export const readInvokeBody = (req: IncomingMessage, invocationType: string): Promise<InvokeBody> =>
  new Promise((resolve, reject) => {
    const limit = invocationType === "Event" ? PAYLOAD_LIMITS.Event : PAYLOAD_LIMITS.RequestResponse;
    const chunks: Buffer[] = [];
    let bytes = 0;
    req.on("data", (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes <= limit) chunks.push(chunk);
      else chunks.length = 0;
      if (bytes > DRAIN_LIMIT) req.destroy();
    });
    req.on("end", () =>
      resolve(
        bytes <= limit
          ? { ok: true, payload: Buffer.concat(chunks) }
          : { ok: false, bytes, message: tooLargeMessage(invocationType, bytes) },
      ),
    );
    req.on("error", reject);
  });
