/// <reference path="../../../shared/src/testing/s3rver.d.ts" />
import type { AddressInfo } from "node:net";
import type { S3Client } from "@aws-sdk/client-s3";
import type { S3rverEvent } from "@lambda-lab/shared/testing";
import { createLocalS3Client } from "@lambda-lab/shared/testing";

export interface LabS3 {
  endpoint: string;
  port: number;
  bucket: string;
  client: S3Client;
  movedFrom?: number;
  onEvent(listener: (event: S3rverEvent) => void): void;
  stop(): Promise<void>;
}

const xmlEscape = (value: string) => value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/**
 * The bucket's CORS rules, as the Pulumi program sets them: the browser POSTs the presigned form and reads
 * variants straight from S3, from the stack's origins and the lab page's.
 */
export const corsConfiguration = (origins: readonly string[]): string =>
  [
    "<CORSConfiguration>",
    "<CORSRule>",
    ...origins.map((origin) => `<AllowedOrigin>${xmlEscape(origin)}</AllowedOrigin>`),
    "<AllowedMethod>GET</AllowedMethod>",
    "<AllowedMethod>HEAD</AllowedMethod>",
    "<AllowedMethod>POST</AllowedMethod>",
    "<AllowedHeader>*</AllowedHeader>",
    "<ExposeHeader>ETag</ExposeHeader>",
    "<MaxAgeSeconds>600</MaxAgeSeconds>",
    "</CORSRule>",
    "</CORSConfiguration>",
  ].join("");

/**
 * The local S3: s3rver with its data in `directory` (kept across runs), on `port` or, when that is busy,
 * on a free one. Like startLocalS3 from @lambda-lab/shared/testing, but persistent and with bucket CORS.
 */
export const startLabS3 = async (options: {
  directory: string;
  bucket: string;
  port: number;
  corsOrigins: readonly string[];
}): Promise<LabS3> => {
  const { default: S3rver } = await import("s3rver");
  const make = (port: number) =>
    new S3rver({
      address: "127.0.0.1",
      port,
      silent: true,
      directory: options.directory,
      configureBuckets: [{ name: options.bucket, configs: [corsConfiguration(options.corsOrigins)] }],
    });
  let server = make(options.port);
  let movedFrom: number | undefined;
  let address: AddressInfo;
  try {
    address = (await server.run()) as AddressInfo;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EADDRINUSE" || options.port === 0) throw error;
    movedFrom = options.port;
    server = make(0);
    address = (await server.run()) as AddressInfo;
  }
  const endpoint = `http://127.0.0.1:${address.port}`;
  const listeners: ((event: S3rverEvent) => void)[] = [];
  server.on("event", (event: S3rverEvent) => {
    for (const listener of listeners) listener(event);
  });
  const client = createLocalS3Client(endpoint);
  return {
    endpoint,
    port: address.port,
    bucket: options.bucket,
    client,
    ...(movedFrom !== undefined ? { movedFrom } : {}),
    onEvent: (listener) => void listeners.push(listener),
    async stop() {
      client.destroy();
      await server.close();
    },
  };
};
