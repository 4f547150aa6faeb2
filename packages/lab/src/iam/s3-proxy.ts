import { createHash, randomBytes } from "node:crypto";
import {
  Agent,
  type IncomingHttpHeaders,
  type IncomingMessage,
  request,
  type ServerResponse,
} from "node:http";
import { HttpError, type Listening, listen, readBody } from "../http.js";
import type { Caller, CallOutcome, IamPreflight } from "./preflight.js";
import {
  accessKeyOf,
  authContextOf,
  bucketArn,
  type ContextValues,
  deleteKeysOf,
  objectArn,
  parseS3Path,
  postObjectCalls,
  type S3Call,
  type S3Operation,
  type S3Request,
  s3CallsOf,
} from "./s3-actions.js";

/**
 * The IAM preflight's eye: an HTTP proxy in front of s3rver that the functions' S3_ENDPOINT points at. It
 * reads who signed each request (the function's own `LAB-<ID>` key), maps it to the IAM actions S3 would
 * authorize (s3-actions.ts), hands them to the preflight, and forwards the request with s3rver's key in
 * place of the function's: s3rver looks the key id up but does not verify SigV4 signatures
 * (s3rver/lib/middleware/authentication.js: "Signature version 4 calculation is unimplemented"), so no
 * re-signing is needed. In `enforce` mode a denied call gets S3's own 403 AccessDenied instead.
 */

export interface S3Proxy {
  endpoint: string;
  port: number;
  movedFrom?: number;
  stop(): Promise<void>;
}

/**
 * S3 answers a GET or HEAD of a missing key with 404 only to a caller allowed s3:ListBucket on the bucket,
 * with 403 otherwise (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html, "Permissions").
 */
export const MISSING_KEY_NOTE =
  "S3 answers a missing key with 404 only to a caller allowed s3:ListBucket on the bucket (without an s3:prefix); this one would get 403 AccessDenied in AWS";

/** Browsers post forms of at most a few MB here (the stack's maxUploadBytes); this only stops a runaway. */
const MAX_FORM_BYTES = 256 * 1024 * 1024;

const xmlEscape = (value: string) =>
  value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** S3's enhanced AccessDenied message (S3 User Guide, "Troubleshoot access denied (403 Forbidden) errors"). */
export const accessDeniedMessage = (outcome: CallOutcome): string => {
  const { call, verdict } = outcome;
  const principal = verdict?.principal ?? "the function's role";
  const reason =
    verdict?.decision === "ExplicitlyDenied"
      ? `with an explicit deny in a ${verdict.deniedBy?.startsWith("the bucket policy") ? "resource-based" : "identity-based"} policy`
      : `because no identity-based policy allows the ${call.action} action`;
  return `User: ${principal} is not authorized to perform: ${call.action} on resource: "${call.resource}" ${reason}`;
};

const requestId = () => randomBytes(8).toString("hex").toUpperCase();

const sendAccessDenied = (req: IncomingMessage, res: ServerResponse, outcome: CallOutcome) => {
  const id = requestId();
  const body =
    req.method === "HEAD"
      ? ""
      : `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>${xmlEscape(accessDeniedMessage(outcome))}</Message><RequestId>${id}</RequestId><HostId>lab-iam-preflight</HostId></Error>`;
  const origin = req.headers.origin;
  res.writeHead(403, {
    "content-type": "application/xml",
    "content-length": Buffer.byteLength(body),
    "x-amz-request-id": id,
    "x-lab-iam-preflight": `denied ${outcome.call.action}`,
    // S3 adds the bucket's CORS headers to errors too; without them a browser sees only a CORS failure.
    ...(origin ? { "access-control-allow-origin": origin, vary: "Origin" } : {}),
  });
  res.end(body);
};

const headerValue = (headers: IncomingHttpHeaders, name: string) => {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
};

/** Replaces a function's key id with s3rver's in the Authorization header and a presigned URL's query. */
const withUpstreamKey = (
  headers: IncomingHttpHeaders,
  query: URLSearchParams,
  key: string,
  upstreamKey: string,
): { headers: IncomingHttpHeaders; query: URLSearchParams } => {
  const out = { ...headers };
  const authorization = headerValue(headers, "authorization");
  if (authorization)
    out.authorization = authorization.replace(`Credential=${key}/`, `Credential=${upstreamKey}/`);
  const q = new URLSearchParams(query);
  const credential = q.get("X-Amz-Credential");
  if (credential?.startsWith(`${key}/`))
    q.set("X-Amz-Credential", upstreamKey + credential.slice(key.length));
  return { headers: out, query: q };
};

interface ParsedForm {
  key: string | undefined;
  fields: Map<string, string>;
}

/** A form POST's fields (names are case-insensitive in S3), with `${filename}` filled in as S3 does. */
const parseForm = async (body: Buffer, contentType: string): Promise<ParsedForm> => {
  const form = await new Response(new Uint8Array(body), {
    headers: { "content-type": contentType },
  }).formData();
  const fields = new Map<string, string>();
  let filename = "";
  for (const [name, value] of form.entries()) {
    if (typeof value === "string") fields.set(name.toLowerCase(), value);
    else if (name.toLowerCase() === "file") filename = value.name;
  }
  // biome-ignore lint/suspicious/noTemplateCurlyInString: S3's literal placeholder in a form's key field.
  const key = fields.get("key")?.replaceAll("${filename}", filename);
  return { key, fields };
};

const withAuthContext = (operation: S3Operation, context: ContextValues): S3Operation =>
  operation.kind === "calls"
    ? { ...operation, calls: operation.calls.map((c) => ({ ...c, context: { ...context, ...c.context } })) }
    : operation;

/** A DeleteObjects body with only `keys`, and the result entries S3 gives the keys it refused. */
const deleteBody = (keys: { key: string; versionId?: string }[], quiet: boolean) =>
  `<?xml version="1.0" encoding="UTF-8"?><Delete>${quiet ? "<Quiet>true</Quiet>" : ""}${keys
    .map(
      (k) =>
        `<Object><Key>${xmlEscape(k.key)}</Key>${k.versionId ? `<VersionId>${xmlEscape(k.versionId)}</VersionId>` : ""}</Object>`,
    )
    .join("")}</Delete>`;
const deniedEntries = (keys: string[]) =>
  keys
    .map(
      (k) =>
        `<Error><Key>${xmlEscape(k)}</Key><Code>AccessDenied</Code><Message>Access Denied</Message></Error>`,
    )
    .join("");

export const startS3Proxy = async (options: {
  /** s3rver's endpoint, `http://127.0.0.1:<port>`. */
  upstream: string;
  /** The key s3rver knows (LOCAL_CREDENTIALS). */
  upstreamAccessKeyId: string;
  /** Whether a key is one the proxy hands out (only those are swapped for s3rver's). */
  isLabKey(accessKeyId: string): boolean;
  preflight: Pick<IamPreflight, "check" | "mode">;
  port?: number;
}): Promise<S3Proxy> => {
  const upstream = new URL(options.upstream);
  const agent = new Agent({ keepAlive: true });
  const enforce = options.preflight.mode === "enforce";

  const forward = (
    req: IncomingMessage,
    res: ServerResponse,
    target: { path: string; headers: IncomingHttpHeaders; body?: Buffer },
    onResponse?: (upstreamRes: IncomingMessage) => Promise<boolean>,
  ) =>
    new Promise<void>((resolve, reject) => {
      const out = request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: target.path,
          headers: target.headers,
          agent,
        },
        (upstreamRes) => {
          void (async () => {
            // onResponse may answer in place of the upstream (the 404 rule under enforce).
            if (onResponse && (await onResponse(upstreamRes))) {
              upstreamRes.resume();
              return resolve();
            }
            res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
            upstreamRes.pipe(res);
            upstreamRes.on("end", resolve);
            upstreamRes.on("error", reject);
          })().catch(reject);
        },
      );
      out.on("error", reject);
      if (target.body) out.end(target.body);
      else req.pipe(out);
    });

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://s3-proxy.local");
    let bucket: string | undefined;
    let key: string | undefined;
    try {
      ({ bucket, key } = parseS3Path(url.pathname));
    } catch {
      // Let s3rver give its own answer to a malformed path; nothing to authorize.
      return forward(req, res, { path: req.url ?? "/", headers: req.headers });
    }
    const method = req.method ?? "GET";
    const s3Request: S3Request = { method, bucket, key, query: url.searchParams, headers: req.headers };
    const contentType = headerValue(req.headers, "content-type") ?? "";

    let caller: Caller;
    let operation: S3Operation;
    let body: Buffer | undefined;
    let deleteKeys: { key: string; versionId?: string }[] | undefined;
    if (
      method === "POST" &&
      bucket !== undefined &&
      key === undefined &&
      contentType.startsWith("multipart/form-data")
    ) {
      body = await readBody(req, MAX_FORM_BYTES);
      const form = await parseForm(body, contentType);
      const credential = form.fields.get("x-amz-credential");
      caller = { accessKeyId: credential?.split("/")[0], via: "presigned-post" };
      operation =
        form.key === undefined
          ? { kind: "unmapped", operation: "PostObject", reason: "a form POST without a key field" }
          : withAuthContext(postObjectCalls(bucket, form.key, form.fields), {
              "s3:authType": "POST",
              ...(form.fields.get("x-amz-algorithm") ? { "s3:signatureversion": "AWS4-HMAC-SHA256" } : {}),
            });
    } else {
      if (method === "POST" && key === undefined && url.searchParams.has("delete")) {
        body = await readBody(req, MAX_FORM_BYTES);
        deleteKeys = deleteKeysOf(body.toString("utf8"));
      }
      const accessKeyId = accessKeyOf(req.headers, url.searchParams);
      caller = {
        accessKeyId,
        via:
          headerValue(req.headers, "authorization") || !url.searchParams.has("X-Amz-Credential")
            ? "signature"
            : "presigned-url",
      };
      operation = withAuthContext(
        s3CallsOf(s3Request, deleteKeys),
        authContextOf(req.headers, url.searchParams),
      );
    }

    const { headers, query } =
      caller.accessKeyId && caller.via !== "presigned-post" && options.isLabKey(caller.accessKeyId)
        ? withUpstreamKey(req.headers, url.searchParams, caller.accessKeyId, options.upstreamAccessKeyId)
        : { headers: req.headers, query: url.searchParams };
    const search = query.toString();
    const path = `${url.pathname}${search ? `?${search}` : ""}`;

    const checked = options.preflight.check(caller, operation);
    if (!enforce) checked.catch(() => undefined);
    let outcomes: CallOutcome[] | undefined;
    if (enforce) {
      outcomes = await checked;
      const denied = outcomes.filter((o) => o.denied);
      if (denied.length > 0 && operation.operation === "DeleteObjects" && deleteKeys && body) {
        return deleteWithDenials(res, { bucket: bucket as string, path, headers, body, deleteKeys, denied });
      }
      if (denied[0]) {
        if (!body) req.resume();
        return sendAccessDenied(req, res, denied[0]);
      }
    }

    const missingKeyCheck =
      (operation.operation === "GetObject" || operation.operation === "HeadObject") && bucket !== undefined
        ? async (upstreamRes: IncomingMessage): Promise<boolean> => {
            if (upstreamRes.statusCode !== 404) return false;
            const first = await checked;
            if (first.some((o) => o.denied)) return false; // 403 already, whatever the listing grant
            const listing: S3Call = {
              action: "s3:ListBucket",
              resource: bucketArn(bucket),
              context: authContextOf(req.headers, url.searchParams),
            };
            const result = options.preflight.check(
              caller,
              { kind: "calls", operation: `${operation.operation} of a missing key`, calls: [listing] },
              MISSING_KEY_NOTE,
            );
            if (!enforce) return false;
            const denied = (await result).find((o) => o.denied);
            if (!denied) return false;
            sendAccessDenied(req, res, denied);
            return true;
          }
        : undefined;
    const target = body ? { path, headers, body } : { path, headers };
    // In warn mode the 404 rule is checked without holding the response back.
    if (missingKeyCheck && !enforce)
      return forward(req, res, target, async (r) => {
        void missingKeyCheck(r).catch(() => undefined);
        return false;
      });
    return forward(req, res, target, missingKeyCheck);
  };

  /** S3 deletes the keys the caller may delete and reports AccessDenied per refused key, in one 200. */
  const deleteWithDenials = async (
    res: ServerResponse,
    d: {
      bucket: string;
      path: string;
      headers: IncomingHttpHeaders;
      body: Buffer;
      deleteKeys: { key: string; versionId?: string }[];
      denied: CallOutcome[];
    },
  ) => {
    const refused = new Set(d.denied.map((o) => o.call.resource));
    const isRefused = (k: { key: string }) => refused.has(objectArn(d.bucket, k.key));
    const allowed = d.deleteKeys.filter((k) => !isRefused(k));
    const refusedKeys = d.deleteKeys.filter(isRefused).map((k) => k.key);
    const quiet = /<Quiet>\s*true\s*<\/Quiet>/i.test(d.body.toString("utf8"));
    let result = `<?xml version="1.0" encoding="UTF-8"?>\n<DeleteResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"></DeleteResult>`;
    if (allowed.length > 0) {
      const body = Buffer.from(deleteBody(allowed, quiet));
      const headers: IncomingHttpHeaders = {};
      // The body changed: its checksums must too (s3rver ignores them; S3 would not).
      for (const [name, value] of Object.entries(d.headers))
        if (!name.startsWith("x-amz-checksum-") && name !== "x-amz-sdk-checksum-algorithm")
          headers[name] = value;
      headers["content-length"] = String(body.length);
      if (d.headers["content-md5"]) headers["content-md5"] = createHash("md5").update(body).digest("base64");
      result = await new Promise<string>((resolve, reject) => {
        const out = request(
          { host: upstream.hostname, port: upstream.port, method: "POST", path: d.path, headers, agent },
          (r) => {
            const chunks: Buffer[] = [];
            r.on("data", (c: Buffer) => chunks.push(c));
            r.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
            r.on("error", reject);
          },
        );
        out.on("error", reject);
        out.end(body);
      });
    }
    const merged = result.replace("</DeleteResult>", `${deniedEntries(refusedKeys)}</DeleteResult>`);
    res.writeHead(200, { "content-type": "application/xml", "content-length": Buffer.byteLength(merged) });
    res.end(merged);
  };

  const listening: Listening = await listen((req, res) => {
    handle(req, res).catch((error: Error) => {
      const status = error instanceof HttpError ? error.status : 502;
      if (!res.headersSent) res.writeHead(status, { "content-type": "text/plain" });
      res.end(`lab S3 proxy: ${error.message}`);
    });
  }, options.port ?? 0);

  return {
    endpoint: listening.url,
    port: listening.port,
    ...(listening.movedFrom !== undefined ? { movedFrom: listening.movedFrom } : {}),
    async stop() {
      agent.destroy();
      await listening.close();
    },
  };
};
