import {
  type ImageContentType,
  imageIdOfKey,
  manifestKeyOf,
  originalKey,
  type QuarantineMarker,
  quarantineKeyOf,
  type VariantManifest,
} from "@lambda-lab/shared";
import { makeScheduledEvent as scheduledEvent } from "@lambda-lab/testing/scheduler";
import type { Context } from "aws-lambda";

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** A ULID minted at `time` (the `n`th of that millisecond): keys dated like the upload function's. */
export const ulidAt = (time: Date, n = 0): string => {
  let stamp = time.getTime();
  let head = "";
  for (let i = 0; i < 10; i++) {
    head = CROCKFORD[stamp % 32] + head;
    stamp = Math.floor(stamp / 32);
  }
  let tail = "";
  for (let i = 0, rest = n; i < 16; i++, rest = Math.floor(rest / 32)) tail = CROCKFORD[rest % 32] + tail;
  return head + tail;
};

/** The original's key for an upload URL issued at `issuedAt`. */
export const uploadKey = (issuedAt: Date, contentType: ImageContentType = "image/jpeg", n = 0): string =>
  originalKey(ulidAt(issuedAt, n), contentType);

export const imageIdOf = (key: string): string => {
  const id = imageIdOfKey(key);
  if (id === undefined) throw new Error(`not an original key: ${key}`);
  return id;
};

/** A manifest as the transform function writes it, with `variantCount` webp variants. */
export const makeManifest = (
  sourceKey: string,
  createdAt: Date,
  variantCount: number,
): { key: string; body: string; manifest: VariantManifest } => {
  const imageId = imageIdOf(sourceKey);
  const widths = [160, 480, 960, 1440, 1920, 2560].slice(0, variantCount);
  const manifest: VariantManifest = {
    version: 1,
    imageId,
    sourceKey,
    sourceEtag: '"0123456789abcdef0123456789abcdef"',
    sourceFormat: "jpeg",
    width: 2560,
    height: 1920,
    animated: false,
    variants: widths.map((width) => ({
      name: `w${width}`,
      format: "webp",
      key: `variants/${imageId}/w${width}.webp`,
      contentType: "image/webp",
      width,
      height: (width * 3) / 4,
      bytes: width * 10,
    })),
    createdAt: createdAt.toISOString(),
  };
  return { key: manifestKeyOf(imageId), body: JSON.stringify(manifest), manifest };
};

/** A quarantine marker as the transform function writes it. */
export const makeMarker = (sourceKey: string, quarantinedAt: Date): { key: string; body: string } => {
  const imageId = imageIdOf(sourceKey);
  const marker: QuarantineMarker = {
    version: 1,
    imageId,
    sourceKey,
    sourceEtag: '"0123456789abcdef0123456789abcdef"',
    reason: "corrupt",
    detail: "Input buffer has corrupt header",
    quarantinedAt: quarantinedAt.toISOString(),
  };
  return { key: quarantineKeyOf(imageId), body: JSON.stringify(marker) };
};

/** The envelope EventBridge (rule or Scheduler templated target) delivers for a schedule firing at `time`. */
export const makeScheduledEvent = (time: Date, overrides: Record<string, unknown> = {}) => ({
  ...scheduledEvent({ time, source: "aws.scheduler", region: "ap-northeast-2" }),
  ...overrides,
});

export const makeContext = (remainingMs = 900_000): Context => ({
  callbackWaitsForEmptyEventLoop: true,
  functionName: "lab-daily-stats",
  functionVersion: "$LATEST",
  invokedFunctionArn: "arn:aws:lambda:ap-northeast-2:123456789012:function:lab-daily-stats",
  memoryLimitInMB: "256",
  awsRequestId: "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
  logGroupName: "/aws/lambda/lab-daily-stats",
  logStreamName: "2025/11/25/[$LATEST]abcdef",
  getRemainingTimeInMillis: () => remainingMs,
  done: () => {},
  fail: () => {},
  succeed: () => {},
});

/** A logger that keeps what it was told, so tests can read warnings. */
export const makeLogger = () => {
  const lines: { level: "info" | "warn"; message: string; extra: unknown[] }[] = [];
  return {
    lines,
    info: (message: string, ...extra: unknown[]) => void lines.push({ level: "info", message, extra }),
    warn: (message: string, ...extra: unknown[]) => void lines.push({ level: "warn", message, extra }),
    addContext: (_context: Context) => {},
  };
};
