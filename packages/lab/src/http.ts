import {
  createServer,
  type IncomingMessage,
  type RequestListener,
  type Server,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";
import type * as z from "zod";

/** Reads a request body, refusing more than `limit` bytes (the lab's endpoints take small JSON bodies). */
export const readBody = (req: IncomingMessage, limit = 10 * 1024 * 1024): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new HttpError(413, `request body larger than ${limit} bytes`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export const readJson = async (req: IncomingMessage): Promise<unknown> => {
  const body = (await readBody(req, 1024 * 1024)).toString("utf8");
  if (body.trim() === "") return {};
  try {
    return JSON.parse(body);
  } catch (error) {
    throw new HttpError(400, `the request body is not JSON: ${(error as Error).message}`);
  }
};

export const sendJson = (
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void => {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
};

export interface Listening {
  server: Server;
  port: number;
  url: string;
  /** Set when the preferred port was busy and another was taken. */
  movedFrom?: number;
  close(): Promise<void>;
}

const listenOn = (server: Server, port: number, host: string) =>
  new Promise<void>((resolve, reject) => {
    const onError = (error: Error) => {
      server.off("listening", onListening);
      reject(error);
    };
    const onListening = () => {
      server.off("error", onError);
      resolve();
    };
    server.once("error", onError);
    server.once("listening", onListening);
    server.listen(port, host);
  });

/**
 * Listens on `port` (0: any free one). A busy port does not stop the lab: it takes a free one and says so
 * through `movedFrom`, which the caller prints.
 */
export const listen = async (
  handler: RequestListener,
  port: number,
  host = "127.0.0.1",
): Promise<Listening> => {
  const server = createServer(handler);
  let movedFrom: number | undefined;
  try {
    await listenOn(server, port, host);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EADDRINUSE" || port === 0) throw error;
    movedFrom = port;
    await listenOn(server, 0, host);
  }
  const actual = (server.address() as AddressInfo).port;
  return {
    server,
    port: actual,
    url: `http://${host === "0.0.0.0" ? "localhost" : host}:${actual}`,
    ...(movedFrom !== undefined ? { movedFrom } : {}),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};

/** Whether a TCP port on loopback is free right now (for servers the lab does not bind itself). */
export const isPortFree = async (port: number, host = "127.0.0.1"): Promise<boolean> => {
  const server = createServer();
  try {
    await listenOn(server, port, host);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    return true;
  } catch {
    return false;
  }
};

/** A free port chosen by the OS. */
export const freePort = async (): Promise<number> => {
  const server = createServer();
  await listenOn(server, 0, "127.0.0.1");
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
};

/** CORS for the lab's own APIs, which the page (and only loopback pages) calls. */
export const corsHeaders = (origin: string | undefined): Record<string, string> =>
  origin
    ? {
        "access-control-allow-origin": origin,
        "access-control-allow-methods": "GET, POST, PUT, DELETE, OPTIONS",
        "access-control-allow-headers": "content-type, authorization, x-amz-invocation-type, x-amz-log-type",
        "access-control-expose-headers":
          "x-amz-function-error, x-amz-log-result, x-amzn-requestid, x-amzn-errortype",
        "access-control-max-age": "600",
        vary: "origin",
      }
    : {};

/** Parses a request body with `schema`; a mismatch is a 400 naming every bad field. */
export const parseBody = <T>(schema: z.ZodType<T>, value: unknown): T => {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new HttpError(
    400,
    result.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; "),
  );
};
