import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { pipeline } from "node:stream/promises";
import yazl from "yazl";

/**
 * 1980-01-01 00:00 in *local* time: zip stores DOS times in local fields, so a local-time constant gives
 * the same bytes in every time zone (and `forceDosTimestamp` keeps yazl from adding a UTC timestamp field).
 */
const FIXED_MTIME = new Date(1980, 0, 1, 0, 0, 0);
const FILE_MODE = 0o100644;

/** Every regular file under `dir`, as zip paths with forward slashes, in byte order. */
export const listFiles = async (dir: string): Promise<string[]> => {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries) {
    const full = join(entry.parentPath, entry.name);
    if (entry.isSymbolicLink()) throw new Error(`${full} is a symlink: copy real files into the artifact`);
    if (entry.isFile()) files.push(relative(dir, full).split(sep).join("/"));
  }
  return files.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
};

/**
 * Zips the contents of `dir` (not the folder itself: its files sit at the zip root) with fixed timestamps,
 * modes and order, so the same files always give a byte-identical zip and an unchanged function is never
 * redeployed. Returns the zip's sha256.
 */
export const writeDeterministicZip = async (dir: string, zipPath: string): Promise<string> => {
  const zip = new yazl.ZipFile();
  for (const file of await listFiles(dir)) {
    zip.addBuffer(await readFile(join(dir, file)), file, {
      mtime: FIXED_MTIME,
      mode: FILE_MODE,
      forceDosTimestamp: true,
      compress: true,
    });
  }
  zip.end();
  const hash = createHash("sha256");
  zip.outputStream.on("data", (chunk: Buffer) => hash.update(chunk));
  await pipeline(zip.outputStream, createWriteStream(zipPath));
  return hash.digest("hex");
};
