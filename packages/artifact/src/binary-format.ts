import type { Arch } from "./lambda-config.js";

export type BinaryFormat =
  | {
      kind: "elf";
      machine: "x64" | "arm64" | "arm" | "x86" | `machine ${number}`;
      libc: "glibc" | "musl" | "unknown";
    }
  | { kind: "mach-o" }
  | { kind: "pe" }
  | { kind: "not-binary" };

const ELF_MACHINES: Record<number, "x64" | "arm64" | "arm" | "x86"> = {
  62: "x64",
  183: "arm64",
  40: "arm",
  3: "x86",
};
const MUSL_MARKERS = [Buffer.from("ld-musl-"), Buffer.from("libc.musl-")];
const MACH_O_MAGICS = [0xfeedface, 0xfeedfacf, 0xcefaedfe, 0xcffaedfe, 0xcafebabe];

/**
 * What a file is built for, from its header: ELF (Linux) with its CPU and libc, Mach-O (macOS) or PE
 * (Windows). musl binaries name their loader (`ld-musl-*`) or libc (`libc.musl-*`); glibc ones do neither.
 */
/** File names that are native code whatever their header says (Mach-O and PE magics also occur in data). */
export const looksNative = (name: string): boolean => /\.(node|dylib|dll|exe)$|\.so(\.\d+)*$/.test(name);

export const detectBinaryFormat = (bytes: Buffer): BinaryFormat => {
  if (bytes.length >= 20 && bytes.readUInt32BE(0) === 0x7f454c46) {
    const littleEndian = bytes[5] === 1;
    const machineCode = littleEndian ? bytes.readUInt16LE(18) : bytes.readUInt16BE(18);
    const machine = ELF_MACHINES[machineCode] ?? (`machine ${machineCode}` as const);
    const isMusl = MUSL_MARKERS.some((marker) => bytes.includes(marker));
    const mentionsGlibc = bytes.includes(Buffer.from("libc.so.6")) || bytes.includes(Buffer.from("GLIBC_"));
    return { kind: "elf", machine, libc: isMusl ? "musl" : mentionsGlibc ? "glibc" : "unknown" };
  }
  if (bytes.length >= 4 && MACH_O_MAGICS.includes(bytes.readUInt32BE(0))) return { kind: "mach-o" };
  if (bytes.length >= 0x40 && bytes[0] === 0x4d && bytes[1] === 0x5a) {
    const peOffset = bytes.readUInt32LE(0x3c);
    if (peOffset + 4 <= bytes.length && bytes.readUInt32BE(peOffset) === 0x50450000) return { kind: "pe" };
  }
  return { kind: "not-binary" };
};

/** Why a binary cannot load on Lambda for `arch`, or undefined when it can. */
export const binaryMismatch = (format: BinaryFormat, arch: Arch): string | undefined => {
  switch (format.kind) {
    case "not-binary":
      return undefined;
    case "mach-o":
      return "is a macOS (Mach-O) binary; Lambda runs Linux";
    case "pe":
      return "is a Windows (PE) binary; Lambda runs Linux";
    case "elf":
      if (format.machine !== arch) return `is built for ${format.machine} but the function runs on ${arch}`;
      if (format.libc === "musl")
        return "is linked against musl (Alpine); Lambda runs Amazon Linux with glibc";
      return undefined;
  }
};
