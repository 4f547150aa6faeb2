/**
 * A minimal Chrome DevTools Protocol client over the Node inspector's WebSocket, as VS Code and Chrome
 * DevTools speak it: numbered requests, and events by method name. Node 22+ has a global WebSocket; on
 * Node 20 it comes from undici (the implementation Node's global is built on).
 */
export interface CdpEvent {
  method: string;
  params: Record<string, unknown>;
}

export interface Cdp {
  send(method: string, params?: Record<string, unknown>): Promise<Record<string, unknown>>;
  /** Resolves with the next event of that method (or one already received and not yet taken). */
  next(method: string, timeoutMs?: number): Promise<CdpEvent>;
  close(): void;
}

export const connectCdp = async (url: string): Promise<Cdp> => {
  const WebSocketImpl =
    (globalThis as { WebSocket?: typeof import("undici").WebSocket }).WebSocket ??
    (await import("undici")).WebSocket;
  const ws = new WebSocketImpl(url);
  let id = 0;
  const pending = new Map<
    number,
    { resolve: (r: Record<string, unknown>) => void; reject: (e: Error) => void }
  >();
  const queued: CdpEvent[] = [];
  const waiting: { method: string; resolve: (e: CdpEvent) => void }[] = [];
  ws.addEventListener("message", (event) => {
    const message = JSON.parse(String(event.data)) as {
      id?: number;
      result?: Record<string, unknown>;
      error?: { message: string };
      method?: string;
      params?: Record<string, unknown>;
    };
    if (message.id !== undefined) {
      const call = pending.get(message.id);
      pending.delete(message.id);
      if (message.error) call?.reject(new Error(message.error.message));
      else call?.resolve(message.result ?? {});
      return;
    }
    const cdpEvent = { method: message.method ?? "", params: message.params ?? {} };
    const waiter = waiting.findIndex((w) => w.method === cdpEvent.method);
    if (waiter >= 0) waiting.splice(waiter, 1)[0]?.resolve(cdpEvent);
    else queued.push(cdpEvent);
  });
  await new Promise<void>((resolve, reject) => {
    ws.addEventListener("open", () => resolve());
    ws.addEventListener("error", () => reject(new Error(`cannot connect to ${url}`)));
  });
  return {
    send: (method, params = {}) =>
      new Promise((resolve, reject) => {
        const callId = ++id;
        pending.set(callId, { resolve, reject });
        ws.send(JSON.stringify({ id: callId, method, params }));
      }),
    next: (method, timeoutMs = 10_000) => {
      const index = queued.findIndex((e) => e.method === method);
      if (index >= 0) return Promise.resolve(queued.splice(index, 1)[0] as CdpEvent);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${method} within ${timeoutMs} ms`)), timeoutMs);
        waiting.push({
          method,
          resolve: (e) => {
            clearTimeout(timer);
            resolve(e);
          },
        });
      });
    },
    close: () => ws.close(),
  };
};
