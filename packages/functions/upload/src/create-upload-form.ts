import { originalKey } from "@lambda-lab/shared";
import { createPostForm, type PolicySigner, type SigningCredentials } from "./post-policy.js";
import type { UploadRequest } from "./upload-request.js";

export interface UploadFormConfig {
  bucket: string;
  /** Where the browser POSTs the form: the bucket's URL. */
  bucketUrl: string;
  region: string;
  credentials: SigningCredentials;
  ttlSeconds: number;
}

export interface UploadForm {
  /** The public id (a ULID): poll `GET /uploads/{id}` with it. */
  id: string;
  key: string;
  url: string;
  fields: Record<string, string>;
  expiresAt: string;
  /** The largest file the form accepts: the size the client declared. */
  maxBytes: number;
}

export interface UploadFormContext {
  now: Date;
  /** A ULID whose timestamp is `now`, so the key's date folder is the day the form was issued. */
  newId: (now: Date) => string;
  /** Built once per cold start: it caches the derived SigV4 signing key across invocations. */
  signer: PolicySigner;
}

/**
 * Issues the presigned POST form for one upload. The key is made here, from a fresh ULID and the
 * declared type's extension; the file's size may not exceed what the client declared, so a form asked
 * for a small file cannot carry a large one. Nothing is written to S3.
 */
export const createUploadForm = async (
  request: UploadRequest,
  owner: string,
  context: UploadFormContext,
  config: UploadFormConfig,
): Promise<UploadForm> => {
  const id = context.newId(context.now);
  const key = originalKey(id, request.contentType);
  const form = await createPostForm(
    {
      bucket: config.bucket,
      region: config.region,
      credentials: config.credentials,
      key,
      contentType: request.contentType,
      maxBytes: request.size,
      metadata: { owner, ...(request.filename ? { "original-filename": request.filename } : {}) },
      now: context.now,
      ttlSeconds: config.ttlSeconds,
    },
    context.signer,
  );
  return {
    id,
    key,
    url: config.bucketUrl,
    fields: form.fields,
    expiresAt: form.expiresAt,
    maxBytes: request.size,
  };
};
