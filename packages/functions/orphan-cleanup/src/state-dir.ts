import { randomUUID } from "node:crypto";
import { link, mkdir, open, readFile, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { IN_ENGLISH } from "@lambda-lab/shared";
import * as z from "zod/mini";
import type { CleanupReport } from "./report.js";
import { RunState } from "./run-state.js";

/**
 * How old a lock must be before another invocation may take it over. Longer than Lambda's 15-minute
 * maximum, so only a holder that died without releasing (killed at the timeout, out of memory) loses it.
 */
export const LOCK_STALE_MS = 20 * 60 * 1000;

/** Another invocation holds the lock: overlapping runs are refused. */
export class LockHeldError extends Error {
  override name = "LockHeldError";
}

/** The checkpoint on EFS cannot be read as a run: never guess where a half-understood run stopped. */
export class CorruptStateError extends Error {
  override name = "CorruptStateError";
}

const LockFile = z.object({ token: z.string(), owner: z.string(), acquiredAt: z.iso.datetime() });
type LockFile = z.infer<typeof LockFile>;

const parseLock = (text: string): LockFile | undefined => {
  try {
    return LockFile.parse(JSON.parse(text), IN_ENGLISH);
  } catch {
    return undefined;
  }
};

const isCode = (error: unknown, code: string): boolean => (error as { code?: unknown }).code === code;

/** Writes a file so readers see the old content or the new, never a torn one: temp file, fsync, rename. */
const writeAtomically = async (path: string, content: string): Promise<void> => {
  const temp = `${path}.${process.pid}.${randomUUID()}.tmp`;
  const handle = await open(temp, "w");
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, path);
};

/** Creates `path` only if it does not exist (O_CREAT | O_EXCL): atomic on EFS (NFSv4.1) as on local disks. */
const createExclusively = async (path: string, content: string): Promise<void> => {
  const handle = await open(path, "wx");
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
};

const readIfExists = async (path: string): Promise<string | undefined> => {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    if (isCode(error, "ENOENT")) return undefined;
    throw error;
  }
};

export interface Lock {
  release(): Promise<void>;
}

export type RunMode = "real" | "dry-run";

/** This function's folder on the shared EFS mount: lock, run checkpoints and per-run reports. */
export const createStateDir = (root: string) => {
  const dir = join(root, "orphan-cleanup");
  const lockPath = join(dir, "lock");
  const runPath = (mode: RunMode) => join(dir, mode === "dry-run" ? "run.dry-run.json" : "run.json");
  const ensureDir = () => mkdir(join(dir, "reports"), { recursive: true });

  /** The lock's content, or for an unreadable lock (a writer died mid-write) its file time. */
  const readLock = async (): Promise<LockFile | undefined> => {
    const text = await readIfExists(lockPath);
    if (text === undefined) return undefined;
    const parsed = parseLock(text);
    if (parsed) return parsed;
    const info = await stat(lockPath).catch(() => undefined);
    return { token: "", owner: "unknown", acquiredAt: (info?.mtime ?? new Date(0)).toISOString() };
  };

  return {
    dir,

    /** Takes the lock or throws LockHeldError; a lock older than LOCK_STALE_MS is taken over. */
    async acquireLock(owner: string, now: Date): Promise<Lock> {
      await ensureDir();
      const mine: LockFile = { token: randomUUID(), owner, acquiredAt: now.toISOString() };
      const release = async () => {
        // Only remove our own lock: after a stale takeover the file may belong to someone else.
        if ((await readLock())?.token === mine.token) await rm(lockPath, { force: true });
      };
      try {
        await createExclusively(lockPath, JSON.stringify(mine));
        return { release };
      } catch (error) {
        if (!isCode(error, "EEXIST")) throw error;
      }
      const held = await readLock();
      const heldFor = held ? now.getTime() - Date.parse(held.acquiredAt) : Number.POSITIVE_INFINITY;
      if (held && heldFor < LOCK_STALE_MS)
        throw new LockHeldError(
          `another orphan-cleanup invocation (${held.owner}) has held the lock since ${held.acquiredAt}; refusing to overlap`,
        );
      // Move the stale lock aside (rename is atomic), then check it really was the stale one before retrying.
      const aside = `${lockPath}.stale-${mine.token}`;
      const movedAside = await rename(lockPath, aside).then(
        () => true,
        (error: unknown) => {
          if (isCode(error, "ENOENT")) return false;
          throw error;
        },
      );
      if (movedAside) {
        const moved = parseLock((await readIfExists(aside)) ?? "");
        if (held?.token && moved?.token !== held.token) {
          // We moved a fresh lock another taker had just made: put it back (link fails if one exists).
          await link(aside, lockPath).catch(() => undefined);
          await rm(aside, { force: true });
          throw new LockHeldError("the lock changed hands while a stale lock was being taken over");
        }
        await rm(aside, { force: true });
      }
      try {
        await createExclusively(lockPath, JSON.stringify(mine));
      } catch (error) {
        if (isCode(error, "EEXIST"))
          throw new LockHeldError("another invocation took over the stale lock first; refusing to overlap");
        throw error;
      }
      return { release };
    },

    async readRun(mode: RunMode): Promise<RunState | undefined> {
      const text = await readIfExists(runPath(mode));
      if (text === undefined) return undefined;
      try {
        return RunState.parse(JSON.parse(text), IN_ENGLISH);
      } catch (error) {
        throw new CorruptStateError(
          `${runPath(mode)} is not a valid run checkpoint (${error instanceof Error ? error.message : String(error)}); invoke with { "restart": true } to discard it`,
        );
      }
    },

    async writeRun(mode: RunMode, run: RunState): Promise<void> {
      await ensureDir();
      await writeAtomically(runPath(mode), JSON.stringify(run));
    },

    async removeRun(mode: RunMode): Promise<void> {
      await rm(runPath(mode), { force: true });
    },

    async writeReport(report: CleanupReport): Promise<string> {
      await ensureDir();
      const path = join(dir, "reports", `${report.runId}.json`);
      await writeAtomically(path, `${JSON.stringify(report, null, 2)}\n`);
      return path;
    },
  };
};

export type StateDir = ReturnType<typeof createStateDir>;
