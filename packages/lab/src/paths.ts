import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root: the nearest folder above this package with pnpm-workspace.yaml. */
export const findRepoRoot = (from = dirname(fileURLToPath(import.meta.url))): string => {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    if (existsSync(join(dir, "pnpm-workspace.yaml"))) return dir;
    if (dirname(dir) === dir)
      throw new Error(`no pnpm-workspace.yaml above ${from}: is this the Lambda Lab repository?`);
  }
};

/** The lab's persistent data: everything `pnpm lab reset` deletes. */
export const dataLayout = (dataDir: string) => ({
  root: dataDir,
  s3: join(dataDir, "s3"),
  postgres: join(dataDir, "postgres"),
  /** The EFS access point's folder: orphan-cleanup's checkpoints, lock and reports. */
  efs: join(dataDir, "efs"),
  slack: join(dataDir, "slack", "messages.jsonl"),
  onFailure: join(dataDir, "on-failure", "queue.jsonl"),
  pendingEvents: join(dataDir, "pending-events.json"),
  secrets: join(dataDir, "secrets.json"),
  /** Written while a lab runs: its URLs and pid, so `lab invoke` finds it. */
  running: join(dataDir, "lab.json"),
});
export type DataLayout = ReturnType<typeof dataLayout>;

export const PACKAGE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const PAGE_DIR = join(PACKAGE_DIR, "page");
export const EVENTS_DIR = join(PACKAGE_DIR, "events");
