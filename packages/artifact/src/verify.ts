import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { init as initLexer, parse as parseModule } from "es-module-lexer";
import yauzl from "yauzl";
import { binaryMismatch, detectBinaryFormat, looksNative } from "./binary-format.js";
import { type Arch, parseHandlerSetting } from "./lambda-config.js";
import { type NodeBinary, nodeBinary } from "./node-binary.js";
import { DEFAULT_NODE_RUNTIME, type NodeRuntime } from "./runtimes.js";

/** Lambda's documented package limits. */
export const LAMBDA_LIMITS = {
  /** A zip uploaded directly (not through S3). */
  zippedBytes: 50 * 1024 * 1024,
  /** The unzipped deployment package, layers included. */
  unzippedBytes: 250 * 1024 * 1024,
} as const;

export type ProblemCode =
  | "not-a-zip"
  | "handler-not-at-root"
  | "handler-missing"
  | "export-missing"
  | "export-not-function"
  | "init-failed"
  | "symlink"
  | "wrong-binary"
  | "too-large-zipped"
  | "too-large-unzipped";

export interface Problem {
  code: ProblemCode;
  /** The cause and the fix, in words a learner can act on. */
  message: string;
}

export interface VerifyOptions {
  handler: string;
  arch: Arch;
  /**
   * Import the handler module in a child process to prove the export is a function. Only possible when the
   * artifact's architecture is this machine's (native modules for another CPU cannot load here).
   */
  probe?: boolean;
  /** Environment for the probe import: an environment that passes the function's env schema. */
  env?: Record<string, string>;
  /**
   * The Lambda runtimes to probe on, each with its own Node.js binary (the one the lab runs), so "verified"
   * means it loaded on that runtime. Default: the default runtime.
   */
  runtimes?: readonly NodeRuntime[];
  /**
   * The probe of a folder holding exactly the zip's files (the one it is written from), started before the
   * zip was (`probeFolder`): used instead of extracting the zip to import it again. The static checks
   * still read the zip itself.
   */
  probeResult?: Promise<ProbeResult>;
  limits?: Partial<typeof LAMBDA_LIMITS>;
}

export interface VerifyReport {
  zipPath: string;
  ok: boolean;
  problems: Problem[];
  files: number;
  zippedBytes: number;
  unzippedBytes: number;
  nativeBinaries: string[];
  probed: boolean;
  /** The runtimes the probe imported the handler on, e.g. `nodejs24.x (v24.22.3)`. */
  probedOn: string[];
}

export class ArtifactError extends Error {
  override name = "ArtifactError";
  constructor(readonly report: VerifyReport) {
    super(
      `${report.zipPath} is not a deployable Lambda artifact:\n${report.problems.map((p) => `  - [${p.code}] ${p.message}`).join("\n")}`,
    );
  }
}

interface ZipEntry {
  name: string;
  mode: number;
  size: number;
  data: Buffer | undefined;
}

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
const HANDLER_EXTENSIONS = [".mjs", ".js", ".cjs"] as const;

/** Reads every entry; keeps the bytes of the handler candidates and native binaries only. */
const readZip = (zipPath: string, keep: (name: string, head: Buffer) => boolean): Promise<ZipEntry[]> =>
  new Promise((resolve, reject) => {
    yauzl.open(zipPath, { lazyEntries: true, autoClose: true, strictFileNames: false }, (openError, zip) => {
      if (openError || !zip) return reject(openError ?? new Error("cannot open zip"));
      const entries: ZipEntry[] = [];
      zip.on("error", reject);
      zip.on("end", () => resolve(entries));
      zip.on("entry", (entry: yauzl.Entry) => {
        const mode = (entry.externalFileAttributes >>> 16) & 0xffff;
        if (entry.fileName.endsWith("/")) {
          zip.readEntry();
          return;
        }
        zip.openReadStream(entry, (streamError, stream) => {
          if (streamError || !stream)
            return reject(streamError ?? new Error(`cannot read ${entry.fileName}`));
          const chunks: Buffer[] = [];
          stream.on("data", (chunk: Buffer) => chunks.push(chunk));
          stream.on("error", reject);
          stream.on("end", () => {
            const data = Buffer.concat(chunks);
            entries.push({
              name: entry.fileName,
              mode,
              size: entry.uncompressedSize,
              data: keep(entry.fileName, data) ? data : undefined,
            });
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  });

type ProbeAnswer = { type: string } | { error: string };

/** One probe process: started now, told later which module to import (see prepareProbe). */
interface ProbeProcess {
  /** Imports `moduleFile` and reports the type of its export `exportName`; once. */
  run(moduleFile: string, exportName: string): Promise<ProbeAnswer>;
  kill(): void;
}

/**
 * Starts the runtime's Node.js with only a Lambda-like environment, waiting on stdin for the module to
 * import: Node's own start is most of a probe's time, so it can be paid while the bundle is still being
 * built. The import itself is the one a fresh process makes, once, from the module's folder.
 */
const startProbe = (nodePath: string, env: Record<string, string>): ProbeProcess => {
  const script = `import { fileURLToPath } from "node:url";
let line = "";
process.stdin.setEncoding("utf8");
process.stdin.on("end", () => { if (!line.includes("\\n")) process.exit(0); });
process.stdin.on("data", (chunk) => {
  line += chunk;
  if (!line.includes("\\n")) return;
  process.stdin.destroy();
  const { file, exportName } = JSON.parse(line);
  process.chdir(fileURLToPath(new URL(".", file)));
  import(file).then((m) => process.stdout.write(JSON.stringify({ type: typeof m[exportName] })), (e) => process.stdout.write(JSON.stringify({ error: String(e && e.stack || e).split("\\n").slice(0, 3).join(" | ") })));
});`;
  const child = spawn(nodePath, ["--input-type=module", "-e", script], {
    // Only what a Lambda environment would have, plus the function's own example settings.
    env: {
      PATH: process.env.PATH ?? "",
      AWS_REGION: "us-east-1",
      AWS_LAMBDA_FUNCTION_NAME: "verify",
      ...env,
    },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout.on("data", (c: Buffer) => (out += c));
  child.stderr.on("data", (c: Buffer) => (err += c));
  // A probe killed unused (its build failed) must not fail the lab with EPIPE.
  child.stdin.on("error", () => undefined);
  const closed = new Promise<void>((resolve) => child.on("close", () => resolve()));
  return {
    run: async (moduleFile, exportName) => {
      child.stdin.end(`${JSON.stringify({ file: pathToFileURL(moduleFile).href, exportName })}\n`);
      const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
      await closed;
      clearTimeout(timer);
      try {
        return JSON.parse(out) as ProbeAnswer;
      } catch {
        return {
          error: `the import did not finish: ${err.trim().split("\n").slice(-3).join(" | ") || "no output"}`,
        };
      }
    },
    kill: () => child.kill("SIGKILL"),
  };
};

export interface ProbeResult {
  /** The runtimes the handler was imported on, e.g. `nodejs24.x (Node.js v24.22.3)`. */
  probedOn: string[];
  problems: Problem[];
}

/** Probe processes started ahead of the folder they will import: see prepareProbe. */
export interface PreparedProbe {
  /** probeFolder on the processes already started; once. */
  probe(folder: string): Promise<ProbeResult>;
  /** Stops the processes if the folder never comes (a failed build). */
  dispose(): void;
}

/**
 * Starts the probe's processes now — one per runtime, each on its own Node.js binary and waiting for the
 * folder — so a build can overlap Node's start with its bundling. `probe(folder)` then checks exactly what
 * probeFolder does, in fresh processes that have imported nothing yet: verified still means imported on
 * that runtime, in a process of its own.
 */
export const prepareProbe = (options: Pick<VerifyOptions, "handler" | "env" | "runtimes">): PreparedProbe => {
  const runtimes = options.runtimes ?? [DEFAULT_NODE_RUNTIME];
  const started = runtimes.map((runtime) => {
    const binary = nodeBinary(runtime);
    return { binary, process: startProbe(binary.path, options.env ?? {}) };
  });
  let used = false;
  const dispose = () => {
    for (const s of started) s.process.kill();
  };
  return {
    probe: async (folder) => {
      if (used) throw new Error("a prepared probe imports one folder, once");
      used = true;
      try {
        return await probeWith(folder, options.handler, started);
      } finally {
        dispose();
      }
    },
    dispose,
  };
};

const probeWith = async (
  folder: string,
  handler: string,
  started: { binary: NodeBinary; process: ProbeProcess }[],
): Promise<ProbeResult> => {
  const { module, exportName } = parseHandlerSetting(handler);
  const file = HANDLER_EXTENSIONS.map((ext) => `${module}${ext}`).find((name) =>
    existsSync(join(folder, name)),
  );
  if (!file)
    return {
      probedOn: [],
      problems: [
        { code: "handler-missing", message: `no ${module}.mjs / .js / .cjs in ${folder} to import` },
      ],
    };
  const probedOn: string[] = [];
  const problems: Problem[] = [];
  for (const { binary, process: probe } of started) {
    const result = await probe.run(join(folder, file), exportName);
    const on = `${binary.runtime} (Node.js ${binary.version})`;
    probedOn.push(on);
    if ("error" in result)
      problems.push({
        code: "init-failed",
        message: `importing ${file} on ${on} failed, as Lambda's init would (Runtime.ImportModuleError or an init error): ${result.error}`,
      });
    else if (result.type !== "function")
      problems.push({
        code: result.type === "undefined" ? "export-missing" : "export-not-function",
        message:
          result.type === "undefined"
            ? `${file} has no export "${exportName}" on ${on}: Lambda fails with Runtime.HandlerNotFound`
            : `the export "${exportName}" of ${file} is a ${result.type}, not a function, on ${on}: Lambda fails with Runtime.HandlerNotFound`,
      });
    // Oldest runtime first: stop at the first it fails on (the message names it).
    if (problems.length > 0) break;
  }
  return { probedOn, problems };
};

/**
 * Imports the handler module found in `folder` (an unzipped artifact) on each runtime's own Node.js, in a
 * child process with only a Lambda-like environment, and reports what Lambda's init would: a load error, a
 * missing export, an export that is not a function.
 */
export const probeFolder = (
  folder: string,
  options: Pick<VerifyOptions, "handler" | "env" | "runtimes">,
): Promise<ProbeResult> => prepareProbe(options).probe(folder);

/**
 * Checks a zip the way Lambda will load it, so a broken artifact fails the build instead of answering 502
 * in the cloud. Usable on any zip, not only ours.
 */
export const verifyArtifact = async (zipPath: string, options: VerifyOptions): Promise<VerifyReport> => {
  const limits = { ...LAMBDA_LIMITS, ...options.limits };
  const { module, exportName } = parseHandlerSetting(options.handler);
  const handlerNames = HANDLER_EXTENSIONS.map((ext) => `${module}${ext}`);
  const isHandlerCandidate = (name: string) => handlerNames.some((h) => name === h || name.endsWith(`/${h}`));
  const problems: Problem[] = [];
  const zippedBytes = (await stat(zipPath)).size;
  const report = (extra: Partial<VerifyReport> = {}): VerifyReport => ({
    zipPath,
    ok: problems.length === 0,
    problems,
    files: 0,
    zippedBytes,
    unzippedBytes: 0,
    nativeBinaries: [],
    probed: false,
    probedOn: [],
    ...extra,
  });

  let entries: ZipEntry[];
  try {
    entries = await readZip(
      zipPath,
      (name, data) =>
        isHandlerCandidate(name) ||
        looksNative(name) ||
        (data.length >= 4 && data.readUInt32BE(0) === 0x7f454c46),
    );
  } catch (error) {
    problems.push({ code: "not-a-zip", message: `cannot read it as a zip: ${(error as Error).message}` });
    return report();
  }
  const unzippedBytes = entries.reduce((sum, e) => sum + e.size, 0);

  if (zippedBytes > limits.zippedBytes)
    problems.push({
      code: "too-large-zipped",
      message: `the zip is ${mb(zippedBytes)}, over Lambda's ${mb(limits.zippedBytes)} limit for a direct upload: upload it through S3, trim dependencies, or use a container image`,
    });
  if (unzippedBytes > limits.unzippedBytes)
    problems.push({
      code: "too-large-unzipped",
      message: `the unzipped contents are ${mb(unzippedBytes)}, over Lambda's ${mb(limits.unzippedBytes)} limit (layers included): bundle and tree-shake, drop unused native modules, or use a container image`,
    });

  for (const entry of entries) {
    if ((entry.mode & S_IFMT) === S_IFLNK)
      problems.push({
        code: "symlink",
        message: `${entry.name} is a symlink: Lambda zips cannot hold symlinks (pnpm's node_modules are made of them); copy real files, e.g. fs.cp with dereference`,
      });
  }

  const nativeBinaries: string[] = [];
  for (const entry of entries) {
    if (!entry.data) continue;
    const format = detectBinaryFormat(entry.data);
    if (format.kind === "not-binary" || (format.kind !== "elf" && !looksNative(entry.name))) continue;
    nativeBinaries.push(entry.name);
    const mismatch = binaryMismatch(format, options.arch);
    if (mismatch)
      problems.push({
        code: "wrong-binary",
        message: `${entry.name} ${mismatch}: it will fail to load on Lambda; build on (or install for) linux-${options.arch} glibc — pnpm's supportedArchitectures installs the right prebuilt package`,
      });
  }

  const rootHandler = entries.find((e) => handlerNames.includes(e.name));
  const probedOn: string[] = [];
  if (!rootHandler) {
    const nested = entries.find((e) => isHandlerCandidate(e.name));
    problems.push(
      nested
        ? {
            code: "handler-not-at-root",
            message: `the handler file is at ${nested.name}, not at the zip root: Lambda looks for ${handlerNames.join(" / ")} at the root and fails with Runtime.ImportModuleError (API Gateway answers 502). Zip the folder's contents, not the folder: cd ${nested.name.slice(0, nested.name.lastIndexOf("/"))} && zip -r ../function.zip .`,
          }
        : {
            code: "handler-missing",
            message: `no ${handlerNames.join(" / ")} anywhere in the zip: the handler setting "${options.handler}" names a file that does not exist (Runtime.ImportModuleError)`,
          },
    );
  } else if (rootHandler.name.endsWith(".mjs") && rootHandler.data) {
    await initLexer;
    const [, exports] = parseModule(rootHandler.data.toString("utf8"));
    const names = exports.flatMap((e) => ("name" in e ? [e.name] : []));
    // `export * from` hides names from a static read; the probe import settles those.
    if (!names.includes(exportName) && !exports.some((e) => e.type === "reexport-all"))
      problems.push({
        code: "export-missing",
        message: `${rootHandler.name} does not export "${exportName}" (it exports: ${names.join(", ") || "nothing"}): Lambda fails with Runtime.HandlerNotFound; export the handler or fix the handler setting "${options.handler}"`,
      });
  }

  if (
    rootHandler &&
    options.probe &&
    !problems.some((p) => p.code === "export-missing" || p.code === "wrong-binary")
  ) {
    let result: ProbeResult;
    if (options.probeResult) result = await options.probeResult;
    else {
      // Resolved before extracting: a missing runtime binary is this machine's problem, not the zip's.
      for (const r of options.runtimes ?? [DEFAULT_NODE_RUNTIME]) nodeBinary(r);
      const dir = await mkdtemp(join(tmpdir(), "lambda-verify-"));
      try {
        await extractAll(zipPath, dir);
        result = await probeFolder(dir, options);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    }
    probedOn.push(...result.probedOn);
    problems.push(...result.problems);
  }

  return report({
    files: entries.length,
    unzippedBytes,
    nativeBinaries,
    probed: probedOn.length > 0,
    probedOn,
  });
};

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** Extracts regular files (symlinks are reported, never followed) for the probe import. */
const extractAll = (zipPath: string, dir: string): Promise<void> =>
  new Promise((resolve, reject) => {
    yauzl.open(zipPath, { lazyEntries: true, autoClose: true }, (openError, zip) => {
      if (openError || !zip) return reject(openError ?? new Error("cannot open zip"));
      zip.on("error", reject);
      zip.on("end", () => resolve());
      zip.on("entry", (entry: yauzl.Entry) => {
        const mode = (entry.externalFileAttributes >>> 16) & 0xffff;
        if (entry.fileName.endsWith("/") || (mode & S_IFMT) === S_IFLNK) return zip.readEntry();
        zip.openReadStream(entry, (streamError, stream) => {
          if (streamError || !stream) return reject(streamError);
          const chunks: Buffer[] = [];
          stream.on("data", (c: Buffer) => chunks.push(c));
          stream.on("error", reject);
          stream.on("end", () => {
            const target = join(dir, entry.fileName);
            mkdir(dirname(target), { recursive: true })
              .then(() => writeFile(target, Buffer.concat(chunks)))
              .then(() => zip.readEntry(), reject);
          });
        });
      });
      zip.readEntry();
    });
  });
