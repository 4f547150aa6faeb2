import { appendFile, mkdir, readFile } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { dirname } from "node:path";
import { readBody } from "../http.js";

/** One message the sink received, as Slack's incoming-webhook API would have taken it. */
export interface SlackMessage {
  id: number;
  receivedAt: string;
  /** The webhook path (`/services/T…/B…/…`); the lab's URL uses one fixed path. */
  path: string;
  /** The JSON payload: `text` and/or Block Kit `blocks` (and `attachments`). */
  payload: unknown;
}

export interface SlackSink {
  messages(): SlackMessage[];
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
  onMessage(listener: (message: SlackMessage) => void): void;
}

/**
 * A stand-in for Slack's incoming webhooks: accepts what Slack accepts (a JSON object with `text` or
 * `blocks`), answers `ok` as Slack does, and keeps every message in a JSON-lines file so they survive restarts.
 */
export const createSlackSink = async (file: string): Promise<SlackSink> => {
  await mkdir(dirname(file), { recursive: true });
  const stored: SlackMessage[] = [];
  try {
    for (const line of (await readFile(file, "utf8")).split("\n")) {
      if (line.trim()) stored.push(JSON.parse(line) as SlackMessage);
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  const listeners: ((message: SlackMessage) => void)[] = [];
  const answer = (res: ServerResponse, status: number, text: string) => {
    res.writeHead(status, { "content-type": "text/plain; charset=utf-8" });
    res.end(text);
  };
  return {
    messages: () => [...stored],
    onMessage: (listener) => void listeners.push(listener),
    async handle(req, res) {
      if (req.method !== "POST") return answer(res, 405, "invalid_method");
      const body = (await readBody(req, 1024 * 1024)).toString("utf8");
      let payload: unknown;
      try {
        payload = JSON.parse(body);
      } catch {
        // Slack's own answer to a body it cannot parse.
        return answer(res, 400, "invalid_payload");
      }
      const p = payload as Record<string, unknown> | null;
      if (
        typeof p !== "object" ||
        p === null ||
        (p.text === undefined && p.blocks === undefined && p.attachments === undefined)
      )
        return answer(res, 400, "no_text");
      const message: SlackMessage = {
        id: (stored.at(-1)?.id ?? 0) + 1,
        receivedAt: new Date().toISOString(),
        path: req.url ?? "/",
        payload,
      };
      stored.push(message);
      await appendFile(file, `${JSON.stringify(message)}\n`);
      for (const listener of listeners) listener(message);
      answer(res, 200, "ok");
    },
  };
};
