/**
 * Which IAM actions an S3 REST request is authorized as, on which resource, with which condition keys.
 *
 * Derived from AWS's tables, not guessed:
 * - Service Authorization Reference, "Actions, resources, and condition keys for Amazon S3"
 *   (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html): its "API
 *   operations" table maps each operation to its IAM actions (CopyObject → s3:GetObject on the source +
 *   s3:PutObject, with s3:PutObjectTagging / s3:PutObjectAcl when tags / an ACL come with the write);
 *   its "Actions" table lists the condition keys (s3:prefix, s3:delimiter, s3:max-keys on s3:ListBucket).
 * - S3 User Guide, "Required permissions for Amazon S3 API operations"
 *   (https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-with-s3-policy-actions.html): HeadObject
 *   needs s3:GetObject, ListObjectsV2 and HeadBucket s3:ListBucket, DeleteObjects s3:DeleteObject for every
 *   key in the request, a versionId turns GetObject/DeleteObject into s3:GetObjectVersion/DeleteObjectVersion,
 *   the multipart operations are s3:PutObject (Create, UploadPart, Complete), s3:AbortMultipartUpload and
 *   s3:ListMultipartUploadParts.
 * - S3 API Reference, "PostObject": a browser form POST is a PutObject of the form's key, authorized as
 *   whoever signed the form's policy (its X-Amz-Credential).
 * Anything not in the tables below is returned as `unmapped`, never silently allowed.
 */
import { decodeXml } from "@lambda-lab/shared";

export type ContextValues = Record<string, string | string[]>;

/** One authorization S3 would make for a request. */
export interface S3Call {
  action: string;
  /** `arn:aws:s3:::bucket`, `arn:aws:s3:::bucket/key`, or `*` for account-level actions. */
  resource: string;
  /** Condition keys the request sets (besides the global ones the evaluator adds). */
  context: ContextValues;
}

export interface S3Request {
  method: string;
  /** Decoded bucket name; undefined for the service (`GET /`). */
  bucket: string | undefined;
  /** Decoded object key; undefined for bucket-level requests. */
  key: string | undefined;
  query: URLSearchParams;
  /** Lower-case header names, as node:http gives them. */
  headers: Record<string, string | string[] | undefined>;
}

export type S3Operation =
  | { kind: "calls"; operation: string; calls: S3Call[] }
  /** A request the tables do not cover: reported as such, never evaluated as allowed. */
  | { kind: "unmapped"; operation: string; reason: string }
  /** Not an authorized call at all (a CORS preflight). */
  | { kind: "none"; operation: "CORS preflight" };

/**
 * Bucket and key of a path-style URL (`/bucket/a%20b/c.jpg`), decoded; the functions use path style on a
 * local endpoint (`forcePathStyle`, upload's `bucketUrlOf`). Throws URIError on a malformed escape.
 */
export const parseS3Path = (pathname: string): { bucket: string | undefined; key: string | undefined } => {
  const [, rawBucket = "", ...rest] = pathname.split("/");
  const rawKey = rest.join("/");
  return {
    bucket: rawBucket ? decodeURIComponent(rawBucket) : undefined,
    key: rawKey ? decodeURIComponent(rawKey) : undefined,
  };
};

export const bucketArn = (bucket: string) => `arn:aws:s3:::${bucket}`;
export const objectArn = (bucket: string, key: string) => `arn:aws:s3:::${bucket}/${key}`;

/** Bucket subresources: GET / PUT / DELETE on `/<bucket>?<sub>` and the action each is authorized as. */
const BUCKET_SUBRESOURCES: Record<string, { GET?: string; PUT?: string; DELETE?: string }> = {
  acl: { GET: "s3:GetBucketAcl", PUT: "s3:PutBucketAcl" },
  cors: { GET: "s3:GetBucketCORS", PUT: "s3:PutBucketCORS", DELETE: "s3:PutBucketCORS" },
  encryption: {
    GET: "s3:GetEncryptionConfiguration",
    PUT: "s3:PutEncryptionConfiguration",
    DELETE: "s3:PutEncryptionConfiguration",
  },
  lifecycle: {
    GET: "s3:GetLifecycleConfiguration",
    PUT: "s3:PutLifecycleConfiguration",
    DELETE: "s3:PutLifecycleConfiguration",
  },
  location: { GET: "s3:GetBucketLocation" },
  logging: { GET: "s3:GetBucketLogging", PUT: "s3:PutBucketLogging" },
  notification: { GET: "s3:GetBucketNotification", PUT: "s3:PutBucketNotification" },
  policy: { GET: "s3:GetBucketPolicy", PUT: "s3:PutBucketPolicy", DELETE: "s3:DeleteBucketPolicy" },
  publicAccessBlock: {
    GET: "s3:GetBucketPublicAccessBlock",
    PUT: "s3:PutBucketPublicAccessBlock",
    DELETE: "s3:PutBucketPublicAccessBlock",
  },
  tagging: { GET: "s3:GetBucketTagging", PUT: "s3:PutBucketTagging", DELETE: "s3:PutBucketTagging" },
  versioning: { GET: "s3:GetBucketVersioning", PUT: "s3:PutBucketVersioning" },
  website: { GET: "s3:GetBucketWebsite", PUT: "s3:PutBucketWebsite", DELETE: "s3:DeleteBucketWebsite" },
};

/** Object subresources: each method on `/<bucket>/<key>?<sub>`, plain and for a specific version. */
const OBJECT_SUBRESOURCES: Record<
  string,
  Partial<Record<"GET" | "PUT" | "DELETE", { plain: string; version: string }>>
> = {
  acl: {
    GET: { plain: "s3:GetObjectAcl", version: "s3:GetObjectVersionAcl" },
    PUT: { plain: "s3:PutObjectAcl", version: "s3:PutObjectVersionAcl" },
  },
  tagging: {
    GET: { plain: "s3:GetObjectTagging", version: "s3:GetObjectVersionTagging" },
    PUT: { plain: "s3:PutObjectTagging", version: "s3:PutObjectVersionTagging" },
    DELETE: { plain: "s3:DeleteObjectTagging", version: "s3:DeleteObjectVersionTagging" },
  },
  attributes: { GET: { plain: "s3:GetObjectAttributes", version: "s3:GetObjectVersionAttributes" } },
  "legal-hold": {
    GET: { plain: "s3:GetObjectLegalHold", version: "s3:GetObjectLegalHold" },
    PUT: { plain: "s3:PutObjectLegalHold", version: "s3:PutObjectLegalHold" },
  },
  retention: {
    GET: { plain: "s3:GetObjectRetention", version: "s3:GetObjectRetention" },
    PUT: { plain: "s3:PutObjectRetention", version: "s3:PutObjectRetention" },
  },
  torrent: { GET: { plain: "s3:GetObjectTorrent", version: "s3:GetObjectVersionTorrent" } },
};

const header = (headers: S3Request["headers"], name: string): string | undefined => {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/** The listing's condition keys, set only when the request carries the parameter (as S3 does). */
const listingContext = (query: URLSearchParams): ContextValues => {
  const context: ContextValues = {};
  for (const [param, key] of [
    ["prefix", "s3:prefix"],
    ["delimiter", "s3:delimiter"],
    ["max-keys", "s3:max-keys"],
  ] as const) {
    const value = query.get(param);
    if (value !== null) context[key] = value;
  }
  return context;
};

/** `bucket/key?versionId=…` from x-amz-copy-source (URL-encoded, optional leading slash). */
export const parseCopySource = (raw: string): { bucket: string; key: string; versionId?: string } => {
  const [path = "", search = ""] = raw.replace(/^\//, "").split("?");
  const decoded = decodeURIComponent(path);
  const slash = decoded.indexOf("/");
  if (slash <= 0) throw new Error(`x-amz-copy-source "${raw}" names no bucket/key`);
  const versionId = new URLSearchParams(search).get("versionId") ?? undefined;
  return {
    bucket: decoded.slice(0, slash),
    key: decoded.slice(slash + 1),
    ...(versionId ? { versionId } : {}),
  };
};

/** What a write brings along that S3 authorizes separately: tags and a canned ACL (SAR, PutObject row). */
const writeExtras = (bucket: string, key: string, headers: S3Request["headers"]): S3Call[] => {
  const extras: S3Call[] = [];
  if (header(headers, "x-amz-tagging"))
    extras.push({ action: "s3:PutObjectTagging", resource: objectArn(bucket, key), context: {} });
  const acl = header(headers, "x-amz-acl");
  if (acl || header(headers, "x-amz-grant-full-control") || header(headers, "x-amz-grant-read"))
    extras.push({ action: "s3:PutObjectAcl", resource: objectArn(bucket, key), context: {} });
  return extras;
};

const unmapped = (request: S3Request, sub: string | undefined): S3Operation => ({
  kind: "unmapped",
  operation: `${request.method} ${request.key === undefined ? "bucket" : "object"}`,
  reason: `${request.method} ${request.key === undefined ? "bucket" : "object"}${sub ? ` ?${sub}` : ""} is not in the lab's S3 action table`,
});

/** The first query parameter that names a subresource (S3 allows one per request). */
const subresourceOf = (query: URLSearchParams, table: Record<string, unknown>): string | undefined =>
  [...query.keys()].find((k) => k in table);

/**
 * The authorizations for one request. A multi-object delete (`POST ?delete`) needs its body: pass the
 * keys (`deleteKeys`); a form POST is mapped by `postObjectCalls`.
 */
export const s3CallsOf = (
  request: S3Request,
  deleteKeys?: readonly { key: string; versionId?: string }[],
): S3Operation => {
  const { method, bucket, key, query, headers } = request;
  if (method === "OPTIONS") return { kind: "none", operation: "CORS preflight" };
  if (bucket === undefined) {
    if (method === "GET")
      return {
        kind: "calls",
        operation: "ListBuckets",
        calls: [{ action: "s3:ListAllMyBuckets", resource: "*", context: {} }],
      };
    return unmapped(request, undefined);
  }
  const versionId = query.get("versionId");

  if (key === undefined) {
    const b = bucketArn(bucket);
    if (method === "HEAD")
      return {
        kind: "calls",
        operation: "HeadBucket",
        calls: [{ action: "s3:ListBucket", resource: b, context: {} }],
      };
    if (method === "POST" && query.has("delete")) {
      if (!deleteKeys) throw new Error("a DeleteObjects request is mapped with the keys of its body");
      return {
        kind: "calls",
        operation: "DeleteObjects",
        calls: deleteKeys.map((k) => ({
          action: k.versionId ? "s3:DeleteObjectVersion" : "s3:DeleteObject",
          resource: objectArn(bucket, k.key),
          context: {},
        })),
      };
    }
    if (method === "GET") {
      if (query.has("versions"))
        return {
          kind: "calls",
          operation: "ListObjectVersions",
          calls: [{ action: "s3:ListBucketVersions", resource: b, context: listingContext(query) }],
        };
      if (query.has("uploads"))
        return {
          kind: "calls",
          operation: "ListMultipartUploads",
          calls: [{ action: "s3:ListBucketMultipartUploads", resource: b, context: listingContext(query) }],
        };
      const sub = subresourceOf(query, BUCKET_SUBRESOURCES);
      if (sub) {
        const action = BUCKET_SUBRESOURCES[sub]?.GET;
        return action
          ? { kind: "calls", operation: `GetBucket:${sub}`, calls: [{ action, resource: b, context: {} }] }
          : unmapped(request, sub);
      }
      return {
        kind: "calls",
        operation: query.get("list-type") === "2" ? "ListObjectsV2" : "ListObjects",
        calls: [{ action: "s3:ListBucket", resource: b, context: listingContext(query) }],
      };
    }
    if (method === "PUT" || method === "DELETE") {
      const sub = subresourceOf(query, BUCKET_SUBRESOURCES);
      if (!sub)
        return method === "PUT"
          ? {
              kind: "calls",
              operation: "CreateBucket",
              calls: [{ action: "s3:CreateBucket", resource: b, context: {} }],
            }
          : {
              kind: "calls",
              operation: "DeleteBucket",
              calls: [{ action: "s3:DeleteBucket", resource: b, context: {} }],
            };
      const action = BUCKET_SUBRESOURCES[sub]?.[method];
      return action
        ? {
            kind: "calls",
            operation: `${method === "PUT" ? "Put" : "Delete"}Bucket:${sub}`,
            calls: [{ action, resource: b, context: {} }],
          }
        : unmapped(request, sub);
    }
    return unmapped(request, [...query.keys()][0]);
  }

  const o = objectArn(bucket, key);
  const sub = subresourceOf(query, OBJECT_SUBRESOURCES);
  if (sub) {
    const entry = OBJECT_SUBRESOURCES[sub]?.[method as "GET" | "PUT" | "DELETE"];
    if (!entry) return unmapped(request, sub);
    return {
      kind: "calls",
      operation: `${method}Object:${sub}`,
      calls: [{ action: versionId ? entry.version : entry.plain, resource: o, context: {} }],
    };
  }
  const uploadId = query.get("uploadId");
  switch (method) {
    case "GET":
    case "HEAD":
      if (uploadId !== null && method === "GET")
        return {
          kind: "calls",
          operation: "ListParts",
          calls: [{ action: "s3:ListMultipartUploadParts", resource: o, context: {} }],
        };
      return {
        kind: "calls",
        operation: method === "GET" ? "GetObject" : "HeadObject",
        calls: [{ action: versionId ? "s3:GetObjectVersion" : "s3:GetObject", resource: o, context: {} }],
      };
    case "PUT": {
      const copySource = header(headers, "x-amz-copy-source");
      const isPart = uploadId !== null && query.has("partNumber");
      if (copySource) {
        const source = parseCopySource(copySource);
        return {
          kind: "calls",
          operation: isPart ? "UploadPartCopy" : "CopyObject",
          calls: [
            {
              action: source.versionId ? "s3:GetObjectVersion" : "s3:GetObject",
              resource: objectArn(source.bucket, source.key),
              context: {},
            },
            { action: "s3:PutObject", resource: o, context: { "s3:x-amz-copy-source": copySource } },
            ...(isPart ? [] : writeExtras(bucket, key, headers)),
          ],
        };
      }
      return {
        kind: "calls",
        operation: isPart ? "UploadPart" : "PutObject",
        calls: [
          { action: "s3:PutObject", resource: o, context: {} },
          ...(isPart ? [] : writeExtras(bucket, key, headers)),
        ],
      };
    }
    case "DELETE":
      if (uploadId !== null)
        return {
          kind: "calls",
          operation: "AbortMultipartUpload",
          calls: [{ action: "s3:AbortMultipartUpload", resource: o, context: {} }],
        };
      return {
        kind: "calls",
        operation: "DeleteObject",
        calls: [
          { action: versionId ? "s3:DeleteObjectVersion" : "s3:DeleteObject", resource: o, context: {} },
        ],
      };
    case "POST":
      if (query.has("uploads"))
        return {
          kind: "calls",
          operation: "CreateMultipartUpload",
          calls: [{ action: "s3:PutObject", resource: o, context: {} }, ...writeExtras(bucket, key, headers)],
        };
      if (uploadId !== null)
        return {
          kind: "calls",
          operation: "CompleteMultipartUpload",
          calls: [{ action: "s3:PutObject", resource: o, context: {} }],
        };
      if (query.has("restore"))
        return {
          kind: "calls",
          operation: "RestoreObject",
          calls: [{ action: "s3:RestoreObject", resource: o, context: {} }],
        };
      if (query.has("select"))
        return {
          kind: "calls",
          operation: "SelectObjectContent",
          calls: [{ action: "s3:GetObject", resource: o, context: {} }],
        };
      return unmapped(request, [...query.keys()][0]);
    default:
      return unmapped(request, undefined);
  }
};

/** A browser's form POST (PostObject): a PutObject of the form's key, plus tagging / ACL fields. */
export const postObjectCalls = (
  bucket: string,
  key: string,
  fields: ReadonlyMap<string, string>,
): S3Operation => {
  const calls: S3Call[] = [{ action: "s3:PutObject", resource: objectArn(bucket, key), context: {} }];
  if (fields.has("tagging"))
    calls.push({ action: "s3:PutObjectTagging", resource: objectArn(bucket, key), context: {} });
  if (fields.has("acl"))
    calls.push({ action: "s3:PutObjectAcl", resource: objectArn(bucket, key), context: {} });
  return { kind: "calls", operation: "PostObject", calls };
};

/** The `<Object><Key>…</Key>[<VersionId>…</VersionId>]</Object>` entries of a DeleteObjects body. */
export const deleteKeysOf = (xml: string): { key: string; versionId?: string }[] =>
  [...xml.matchAll(/<Object>([\s\S]*?)<\/Object>/g)].map(([, block = ""]) => {
    const key = /<Key>([\s\S]*?)<\/Key>/.exec(block)?.[1];
    if (key === undefined) throw new Error("a DeleteObjects <Object> without a <Key>");
    const versionId = /<VersionId>([\s\S]*?)<\/VersionId>/.exec(block)?.[1];
    return { key: decodeXml(key), ...(versionId ? { versionId: decodeXml(versionId) } : {}) };
  });

/**
 * The access key id a request is signed with: the SigV4 (or V2) Authorization header, or a presigned
 * URL's X-Amz-Credential / AWSAccessKeyId. Undefined for an unsigned request.
 */
export const accessKeyOf = (headers: S3Request["headers"], query: URLSearchParams): string | undefined => {
  const authorization = header(headers, "authorization");
  if (authorization) {
    const v4 = /Credential=([^/,\s]+)\//.exec(authorization);
    if (v4) return v4[1];
    const v2 = /^AWS ([^:\s]+):/.exec(authorization);
    return v2?.[1];
  }
  const credential = query.get("X-Amz-Credential");
  if (credential) return credential.split("/")[0];
  return query.get("AWSAccessKeyId") ?? undefined;
};

/** How the request was authenticated, as S3's `s3:authType` and `s3:signatureversion` condition keys say. */
export const authContextOf = (headers: S3Request["headers"], query: URLSearchParams): ContextValues => {
  const authorization = header(headers, "authorization");
  if (authorization)
    return {
      "s3:authType": "REST-HEADER",
      "s3:signatureversion": authorization.startsWith("AWS4-") ? "AWS4-HMAC-SHA256" : "AWS",
    };
  if (query.has("X-Amz-Credential"))
    return { "s3:authType": "REST-QUERY-STRING", "s3:signatureversion": "AWS4-HMAC-SHA256" };
  return {};
};
