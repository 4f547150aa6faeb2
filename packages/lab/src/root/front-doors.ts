import type { IncomingMessage, ServerResponse } from "node:http";
import { type Listening, listen } from "../http.js";
import type { LabPorts } from "./types.js";

export type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;
export type DoorName = "lab" | "uploadApi" | "webApp" | "slack";

const LABELS: Record<DoorName, string> = {
  lab: "lab page",
  uploadApi: "upload API",
  webApp: "web app",
  slack: "Slack sink",
};

export interface FrontDoors {
  url: Record<DoorName, string>;
  /** The lab page's own origins (127.0.0.1 and localhost): CORS rules and the upload function allow them. */
  labOrigins: string[];
  /** The Slack sink's incoming-webhook URL, in Slack's own path shape. */
  slackWebhook: string;
  /** Puts the real handlers in place once everything behind them runs; until then each answers 503. */
  open(handlers: Record<DoorName, Handler>): void;
  close(): Promise<void>;
}

/**
 * The lab's four HTTP ports, bound first: their URLs go into CORS rules and function environments before
 * the services behind them exist. A busy port moves to a free one and says so.
 */
export const bindFrontDoors = async (ports: LabPorts, log: (line: string) => void): Promise<FrontDoors> => {
  const notReady: Handler = (_req, res) => {
    res.writeHead(503, { "content-type": "text/plain", "retry-after": "1" });
    res.end("the lab is starting");
  };
  const handlers: Record<DoorName, Handler> = {
    lab: notReady,
    uploadApi: notReady,
    webApp: notReady,
    slack: notReady,
  };
  const serve = (name: DoorName) => (req: IncomingMessage, res: ServerResponse) => {
    Promise.resolve(handlers[name](req, res)).catch((error: Error) => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: error.message }));
    });
  };
  const names = Object.keys(LABELS) as DoorName[];
  const bound = await Promise.allSettled(names.map((name) => listen(serve(name), ports[name])));
  const servers = bound.flatMap((b) => (b.status === "fulfilled" ? [b.value] : []));
  const close = async () => void (await Promise.all(servers.map((s) => s.close())));
  const failed = bound.find((b) => b.status === "rejected");
  if (failed) {
    await close();
    throw (failed as PromiseRejectedResult).reason;
  }
  const listening = Object.fromEntries(names.map((name, i) => [name, servers[i]!])) as Record<
    DoorName,
    Listening
  >;
  for (const name of names) {
    const l = listening[name];
    if (l.movedFrom !== undefined)
      log(`port ${l.movedFrom} (${LABELS[name]}) is busy: using ${l.port} instead`);
  }
  const url = Object.fromEntries(names.map((name) => [name, listening[name].url])) as Record<
    DoorName,
    string
  >;
  return {
    url,
    labOrigins: [url.lab, url.lab.replace("127.0.0.1", "localhost")],
    slackWebhook: `${url.slack}/services/T0LAB/B0LAB/local-sink`,
    open: (real) => Object.assign(handlers, real),
    close,
  };
};
