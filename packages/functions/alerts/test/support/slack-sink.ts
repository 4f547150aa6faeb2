import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

export type SinkResponse = { status: number; body?: string; headers?: Record<string, string> } | "hang-up";

export interface ReceivedMessage {
  path: string;
  contentType: string | undefined;
  raw: string;
  // biome-ignore lint/suspicious/noExplicitAny: bodies are asserted structurally and snapshotted
  body: any;
}

export interface SlackSink {
  /** Includes a random secret-looking path, like a real `hooks.slack.com/services/T…/B…/…` URL. */
  url: string;
  secretPath: string;
  /** Every request, in arrival order, including refused ones. */
  requests: ReceivedMessage[];
  /** Requests answered 2xx: what Slack would have shown. */
  delivered: ReceivedMessage[];
  /** Queue responses for the next requests; once empty, answers 200 `ok` like Slack. */
  respondWith(...responses: SinkResponse[]): void;
  stop(): Promise<void>;
}

const readBody = (request: IncomingMessage) =>
  new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });

/** A local HTTP server playing a Slack incoming webhook. */
export const startSlackSink = async (): Promise<SlackSink> => {
  const secretPath = `/services/T0LAB/B0ALERTS/${randomBytes(12).toString("hex")}`;
  const requests: ReceivedMessage[] = [];
  const delivered: ReceivedMessage[] = [];
  const queue: SinkResponse[] = [];
  const server = createServer(async (request, response) => {
    const raw = await readBody(request);
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      body = undefined;
    }
    const received = { path: request.url ?? "", contentType: request.headers["content-type"], raw, body };
    requests.push(received);
    const next = queue.shift() ?? { status: 200, body: "ok" };
    if (next === "hang-up") {
      request.socket.destroy();
      return;
    }
    if (request.url !== secretPath) {
      response.writeHead(404).end("no_service");
      return;
    }
    if (next.status >= 200 && next.status < 300) delivered.push(received);
    response.writeHead(next.status, { "content-type": "text/plain", ...next.headers }).end(next.body ?? "");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${secretPath}`,
    secretPath,
    requests,
    delivered,
    respondWith: (...responses) => void queue.push(...responses),
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
};
