import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

export interface SsmRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * A local HTTP server speaking SSM's JSON protocol for GetParameter: it records each request and answers
 * from `parameters` (200 with the SecureString), `answers` (queued raw answers), or ParameterNotFound.
 */
export const startFakeSsm = async (parameters: Record<string, string> = {}) => {
  const requests: SsmRequest[] = [];
  const answers: { status: number; body: unknown }[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      requests.push({
        method: request.method ?? "",
        path: request.url ?? "",
        headers: request.headers,
        body,
      });
      const name = (JSON.parse(body || "{}") as { Name?: string }).Name ?? "";
      const value = parameters[name];
      const answer =
        answers.shift() ??
        (value === undefined
          ? { status: 400, body: { __type: "ParameterNotFound", message: "" } }
          : {
              status: 200,
              body: { Parameter: { Name: name, Type: "SecureString", Value: value, Version: 1 } },
            });
      response
        .writeHead(answer.status, { "content-type": "application/x-amz-json-1.1" })
        .end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    answers,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};
export type FakeSsm = Awaited<ReturnType<typeof startFakeSsm>>;
