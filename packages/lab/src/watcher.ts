import { type FSWatcher, watch } from "node:fs";
import { join } from "node:path";

export interface FolderWatcher {
  /** Replaces the watched folders (after a rebuild the bundle may read files elsewhere). */
  setFolders(folders: Iterable<string>): void;
  close(): void;
}

/**
 * Watches folders (each non-recursively: inotify on Linux, no polling) and reports the paths of the files
 * that changed in them. Editors save in several steps (write, rename, chmod); the changes of one burst
 * reach `onChange` once, `debounceMs` after the last event.
 */
export const watchFolders = (
  folders: Iterable<string>,
  onChange: (changed: string[]) => void,
  debounceMs = 20,
): FolderWatcher => {
  const watchers = new Map<string, FSWatcher>();
  const pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const flush = () => {
    timer = undefined;
    const changed = [...pending];
    pending.clear();
    if (changed.length > 0 && !closed) onChange(changed);
  };
  const onEvent = (dir: string, name: string | Buffer | null) => {
    if (name === null) return;
    pending.add(join(dir, name.toString()));
    clearTimeout(timer);
    timer = setTimeout(flush, debounceMs);
  };
  const setFolders = (next: Iterable<string>) => {
    if (closed) return;
    const wanted = new Set(next);
    for (const [dir, watcher] of watchers)
      if (!wanted.has(dir)) {
        watcher.close();
        watchers.delete(dir);
      }
    for (const dir of wanted) {
      if (watchers.has(dir)) continue;
      try {
        const watcher = watch(dir, { persistent: false }, (_event, name) => onEvent(dir, name));
        // A folder deleted under the watch: stop watching it; the next rebuild names the files again.
        watcher.on("error", () => {
          watcher.close();
          watchers.delete(dir);
        });
        watchers.set(dir, watcher);
      } catch {
        // The folder is gone already; nothing in it is bundled any more.
      }
    }
  };
  setFolders(folders);
  return {
    setFolders,
    close: () => {
      closed = true;
      clearTimeout(timer);
      for (const watcher of watchers.values()) watcher.close();
      watchers.clear();
    },
  };
};
