import { createWriteStream } from "node:fs";
import { pipeline } from "node:stream/promises";
import yazl from "yazl";

export interface FixtureEntry {
  name: string;
  data: Buffer | string;
  /** Unix mode; 0o120777 makes a symlink entry whose data is the link target. */
  mode?: number;
  compress?: boolean;
}

/** Writes a zip with exactly these entries: how the tests make deliberately broken artifacts. */
export const writeFixtureZip = async (path: string, entries: readonly FixtureEntry[]): Promise<string> => {
  const zip = new yazl.ZipFile();
  for (const e of entries)
    zip.addBuffer(Buffer.isBuffer(e.data) ? e.data : Buffer.from(e.data), e.name, {
      mode: e.mode ?? 0o100644,
      compress: e.compress ?? true,
    });
  zip.end();
  await pipeline(zip.outputStream, createWriteStream(path));
  return path;
};

/**
 * A minimal 64-bit ELF shared-object header for `machine` (62 x86-64, 183 aarch64), followed by the
 * strings a dynamic section would name: enough for the verifier's header and libc checks.
 */
export const elfHeader = (machine: number, strings: readonly string[]): Buffer => {
  const header = Buffer.alloc(64);
  header.writeUInt32BE(0x7f454c46, 0);
  header[4] = 2; // 64-bit
  header[5] = 1; // little endian
  header[6] = 1; // ELF version
  header.writeUInt16LE(3, 16); // ET_DYN
  header.writeUInt16LE(machine, 18);
  return Buffer.concat([header, Buffer.from(`\0${strings.join("\0")}\0`)]);
};
