/// <reference path="./s3rver.d.ts" />
import { mkdtemp, rm } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { S3Client } from "@aws-sdk/client-s3";

/** The S3 event records s3rver emits for each write (its own shape: keys are NOT URL-encoded). */
export interface S3rverEvent {
  Records: {
    eventName: string;
    s3: { bucket: { name: string }; object: { key: string; size?: number; eTag?: string } };
  }[];
}

export interface LocalS3 {
  endpoint: string;
  port: number;
  bucket: string;
  client: S3Client;
  /** Every event s3rver emitted since start, in order. */
  events: S3rverEvent[];
  onEvent(listener: (event: S3rverEvent) => void): void;
  stop(): Promise<void>;
}

export const LOCAL_S3_CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" } as const;

/**
 * An S3 client for a local endpoint: path-style addressing, and checksums only when S3 requires them
 * (s3rver predates the SDK's default CRC32 checksums and aws-chunked uploads).
 */
export const createLocalS3Client = (endpoint: string, region = "us-east-1"): S3Client =>
  new S3Client({
    endpoint,
    region,
    forcePathStyle: true,
    credentials: LOCAL_S3_CREDENTIALS,
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });

export interface LocalS3Options {
  bucket?: string;
  /** Data folder, kept on stop; a temp folder (deleted on stop) when omitted. */
  directory?: string;
  /** Loopback port; 0 (default) picks a free one. */
  port?: number;
  /** Bucket sub-resource documents s3rver applies at start, e.g. a CORSConfiguration XML. */
  bucketConfigs?: string[];
  /** Keep every event in `events` (tests); a long-running lab only listens. Default true. */
  recordEvents?: boolean;
}

/** Starts a real local S3 server (s3rver) on loopback with one bucket. */
export const startLocalS3 = async (options: LocalS3Options = {}): Promise<LocalS3> => {
  const bucket = options.bucket ?? "lab-images";
  const directory = options.directory ?? (await mkdtemp(join(tmpdir(), "s3rver-")));
  const { default: S3rver } = await import("s3rver");
  const server = new S3rver({
    address: "127.0.0.1",
    port: options.port ?? 0,
    silent: true,
    directory,
    configureBuckets: [
      { name: bucket, ...(options.bucketConfigs ? { configs: options.bucketConfigs } : {}) },
    ],
  });
  const address = (await server.run()) as AddressInfo;
  const endpoint = `http://127.0.0.1:${address.port}`;
  const events: S3rverEvent[] = [];
  const listeners: ((event: S3rverEvent) => void)[] = [];
  server.on("event", (event: S3rverEvent) => {
    if (options.recordEvents !== false) events.push(event);
    for (const listener of listeners) listener(event);
  });
  const client = createLocalS3Client(endpoint);
  return {
    endpoint,
    port: address.port,
    bucket,
    client,
    events,
    onEvent: (listener) => void listeners.push(listener),
    async stop() {
      client.destroy();
      await server.close();
      if (!options.directory) await rm(directory, { recursive: true, force: true });
    },
  };
};
