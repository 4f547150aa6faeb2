// Runs in a worker thread of an execution environment started for `pnpm dev --inspect <function>`. It
// holds its own inspector session on the main thread, so it hears Debugger.paused / Debugger.resumed even
// while the main thread (the handler) is held at a breakpoint, and tells the lab, whose timeout clock stops
// for as long as the pause lasts. Its own session never causes a pause: its breakpoints are inactive.
import { Agent, request } from "node:http";
import { Session } from "node:inspector";
import { parentPort, workerData } from "node:worker_threads";

const { shared, api } = workerData;
const [apiHost, ...apiPath] = String(api).split("/");
const [host, port] = (apiHost ?? "").split(":");
const path = `/${apiPath.join("/")}/2018-06-01/runtime/lab/debugger`;
// One socket, so the lab hears the states in the order they happened.
const agent = new Agent({ keepAlive: true, maxSockets: 1 });

const report = (state) => {
  const body = JSON.stringify({ state });
  const req = request({
    host,
    port: Number(port),
    method: "POST",
    path,
    agent,
    headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
  });
  req.on("response", (res) => res.resume());
  req.on("error", () => {});
  req.end(body);
};

let pausedAt;
const session = new Session();
session.connectToMainThread();
session.on("Debugger.paused", () => {
  if (pausedAt !== undefined) return;
  pausedAt = Date.now();
  report("paused");
});
session.on("Debugger.resumed", () => {
  if (pausedAt === undefined) return;
  // The main thread reads the total to keep context.getRemainingTimeInMillis() honest.
  Atomics.add(shared, 0, Date.now() - pausedAt);
  pausedAt = undefined;
  report("resumed");
});
session.post("Debugger.enable", () =>
  session.post("Debugger.setBreakpointsActive", { active: false }, () => parentPort.postMessage("ready")),
);
// The session alone does not keep this thread's event loop alive.
setInterval(() => {}, 2 ** 30);
