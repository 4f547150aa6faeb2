/**
 * Starts the pack the way the Pulumi CLI does and talks to it over the analyzer's gRPC API, with the stubs
 * @pulumi/pulumi ships (the ones @pulumi/policy's server is built from).
 *
 * The CLI (pulumi/pulumi sdk/go/common/resource/plugin/analyzer_plugin.go, NewPolicyAnalyzer) runs the
 * `pulumi-analyzer-policy` plugin with cwd = the pack directory and args `<engine address> .` (plus one
 * `-key=value` per PulumiPolicy.yaml runtime option: this pack sets none). That script
 * (sdk/nodejs/dist/pulumi-analyzer-policy) is `node "$(require.resolve('@pulumi/pulumi/cmd/run-policy-pack'))" $@`,
 * resolved from that cwd. plugin.go then reads stdout up to the first newline as the port and dials
 * 127.0.0.1:<port>.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";
import { join } from "node:path";
import { credentials } from "@grpc/grpc-js";
import type * as AnalyzerGrpc from "@pulumi/pulumi/proto/analyzer_grpc_pb.js";
import type * as AnalyzerPb from "@pulumi/pulumi/proto/analyzer_pb.js";

// The generated stubs fill `exports` through goog.object.extend, which Node's ESM import of CommonJS cannot
// see as named exports; require() them as the runner does.
const require = createRequire(import.meta.url);
const analyzerGrpc = require("@pulumi/pulumi/proto/analyzer_grpc_pb.js") as typeof AnalyzerGrpc;
export const analyzerPb = require("@pulumi/pulumi/proto/analyzer_pb.js") as typeof AnalyzerPb;

type AnalyzerInfo = AnalyzerPb.AnalyzerInfo;
type AnalyzeDiagnostic = AnalyzerPb.AnalyzeDiagnostic;
type ProtoStruct = NonNullable<ReturnType<AnalyzerPb.AnalyzeRequest["getProperties"]>>;
type ProtoEmpty = Parameters<AnalyzerGrpc.AnalyzerClient["getAnalyzerInfo"]>[0];
// google-protobuf ships no types here; these are the two classes the requests need.
const { Struct } = require("google-protobuf/google/protobuf/struct_pb.js") as {
  Struct: { fromJavaScript(value: Record<string, unknown>): ProtoStruct };
};
const { Empty } = require("google-protobuf/google/protobuf/empty_pb.js") as { Empty: new () => ProtoEmpty };

export interface StartOptions {
  packDir: string;
  /** First argument, as the CLI passes its own engine server's address. */
  engineAddress: string;
  /** What the CLI adds to its environment (constructEnv): project, stack, dry run. */
  env: Record<string, string>;
  /** How long to wait for the port line. */
  timeoutMs?: number;
}

export interface AnalyzeInput {
  type: string;
  name: string;
  urn: string;
  props: Record<string, unknown>;
}

export interface RunningPack {
  port: number;
  info(): Promise<AnalyzerInfo>;
  analyze(resource: AnalyzeInput): Promise<AnalyzeDiagnostic[]>;
  stop(): Promise<void>;
}

/** Reads stdout up to the first newline, as plugin.go does; anything else is a clear error with stderr. */
const readPort = (child: ChildProcess, timeoutMs: number, stderr: () => string): Promise<number> =>
  new Promise((resolve, reject) => {
    let out = "";
    const fail = (why: string) => {
      cleanup();
      reject(new Error(`policy runner ${why}; stderr:\n${stderr()}`));
    };
    const onData = (chunk: Buffer) => {
      out += chunk.toString("utf8");
      const newline = out.indexOf("\n");
      if (newline === -1) return;
      const line = out.slice(0, newline);
      cleanup();
      if (/^\d+$/.test(line)) resolve(Number(line));
      else reject(new Error(`policy runner wrote a non-numeric port line ${JSON.stringify(line)}`));
    };
    const onExit = (code: number | null) => fail(`exited (code ${code}) before printing its port`);
    const timer = setTimeout(() => fail(`printed no port within ${timeoutMs} ms`), timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      child.stdout?.off("data", onData);
      child.off("exit", onExit);
    };
    child.stdout?.on("data", onData);
    child.on("exit", onExit);
  });

export const startPolicyPack = async (opts: StartOptions): Promise<RunningPack> => {
  const runner = createRequire(join(opts.packDir, "package.json")).resolve(
    "@pulumi/pulumi/cmd/run-policy-pack",
  );
  const child = spawn(process.execPath, [runner, opts.engineAddress, "."], {
    cwd: opts.packDir,
    env: { ...process.env, ...opts.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await exited;
  };

  let port: number;
  try {
    port = await readPort(child, opts.timeoutMs ?? 30_000, () => stderr);
  } catch (error) {
    await stop();
    throw error;
  }
  const client = new analyzerGrpc.AnalyzerClient(`127.0.0.1:${port}`, credentials.createInsecure());

  return {
    port,
    info: () =>
      new Promise((resolve, reject) =>
        client.getAnalyzerInfo(new Empty(), (err, info) => (err ? reject(err) : resolve(info))),
      ),
    analyze: (resource) => {
      const request = new analyzerPb.AnalyzeRequest()
        .setType(resource.type)
        .setName(resource.name)
        .setUrn(resource.urn)
        .setProperties(Struct.fromJavaScript(resource.props))
        // The CLI always sends options (marshalResourceOptions, custom timeouts included); @pulumi/policy
        // rejects a request without them as coming from an outdated CLI.
        .setOptions(
          new analyzerPb.AnalyzerResourceOptions().setCustomtimeouts(
            new analyzerPb.AnalyzerResourceOptions.CustomTimeouts(),
          ),
        );
      return new Promise((resolve, reject) =>
        client.analyze(request, (err, res) => (err ? reject(err) : resolve(res.getDiagnosticsList()))),
      );
    },
    stop: async () => {
      client.close();
      await stop();
    },
  };
};
