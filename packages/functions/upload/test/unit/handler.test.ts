import {
  manifestKeyOf,
  originalKey,
  type QuarantineMarker,
  quarantineKeyOf,
  type VariantManifest,
} from "@lambda-lab/shared";
import { createMemoryObjectStore } from "@lambda-lab/shared/testing";
import type { Context } from "aws-lambda";
import { ulid } from "ulid";
import { describe, expect, it } from "vitest";
import { configOf } from "../../src/config.js";
import { loadEnv } from "../../src/env.js";
import { makeHandler } from "../../src/handler.js";
import { InvalidEventError } from "../../src/http-request.js";
import type { ObjectReader } from "../../src/s3-rest-reader.js";
import { issueUploadToken } from "../../src/token.js";
import { makeBodylessEvent, makeCreateEvent, makeHttpEvent } from "../support/events.js";
import { STACK_SET_ENV } from "../support/stack-env.js";

const NOW = new Date("2026-11-25T12:00:00.000Z");
const SECRET = "handler-test-secret-0123456789abcdef";
const ENV = {
  ...STACK_SET_ENV,
  BUCKET_NAME: "lab-images",
  AWS_REGION: "eu-west-1",
  AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
  AWS_SECRET_ACCESS_KEY: "secret",
  MAX_UPLOAD_BYTES: "1000000",
};

const setup = (env: Record<string, string> = {}, reader?: ObjectReader) => {
  const store = createMemoryObjectStore(() => NOW);
  const logged: { level: string; message: string; extra: unknown }[] = [];
  const log = (level: string) => (message: string, extra?: unknown) =>
    void logged.push({ level, message, extra });
  const handler = makeHandler(
    {
      reader: reader ?? store,
      logger: { info: log("info"), error: log("error") },
      now: () => NOW,
    },
    configOf(loadEnv({ ...ENV, ...env })),
  );
  return { handler, store, logged };
};

const json = (response: { body: string }) => JSON.parse(response.body);
const GOOD = { contentType: "image/jpeg", size: 139_435, filename: "Crème brûlée.jpg" };

describe("POST /uploads", () => {
  it("issues a presigned form for a server-made key and writes nothing", async () => {
    // Prepare
    const { handler, store } = setup();

    // Act
    const response = await handler(makeCreateEvent(GOOD));

    // Assess
    const body = json(response);
    expect(response.statusCode).toBe(201);
    expect(response.headers["content-type"]).toBe("application/json");
    expect(body.key).toBe(originalKey(body.id, "image/jpeg"));
    expect(body.key).toMatch(/^uploads\/2026\/11\/25\/[0-9A-Z]{26}\.jpg$/);
    expect(response.headers.location).toBe(`/uploads/${body.id}`);
    expect(body).toMatchObject({
      url: "https://lab-images.s3.eu-west-1.amazonaws.com",
      expiresAt: "2026-11-25T12:05:00.000Z",
      maxBytes: 139_435,
      fields: {
        key: body.key,
        "Content-Type": "image/jpeg",
        "x-amz-meta-owner": "anonymous",
        "x-amz-meta-original-filename": "Creme brulee.jpg",
        "x-amz-algorithm": "AWS4-HMAC-SHA256",
        "x-amz-credential": "AKIDEXAMPLE/20261125/eu-west-1/s3/aws4_request",
        "x-amz-date": "20261125T120000Z",
      },
    });
    expect(store.calls.put).toBe(0);
    expect(store.objects.size).toBe(0);
  });

  it("issues a fresh key for every request", async () => {
    const { handler } = setup();

    const a = json(await handler(makeCreateEvent(GOOD)));
    const b = json(await handler(makeCreateEvent(GOOD)));

    expect(a.key).not.toBe(b.key);
  });

  it("posts to the path-style bucket URL of a local endpoint", async () => {
    const { handler } = setup({ S3_ENDPOINT: "http://127.0.0.1:4569" });

    expect(json(await handler(makeCreateEvent(GOOD))).url).toBe("http://127.0.0.1:4569/lab-images");
  });

  it("reads base64-encoded bodies and routes below a named stage", async () => {
    const { handler } = setup();
    const event = makeHttpEvent({
      method: "POST",
      path: "/prod/uploads",
      stage: "prod",
      body: GOOD,
      base64: true,
    });

    expect((await handler(event)).statusCode).toBe(201);
  });

  it("accepts a body sent without a Content-Type (curl -d style)", async () => {
    const { handler } = setup();
    const event = makeCreateEvent(GOOD);
    delete event.headers["content-type"];

    expect((await handler(event)).statusCode).toBe(201);
  });

  it.each([
    ["invalid JSON", "{contentType:", 400, "invalid-json", "not valid JSON"],
    ["an empty body", "", 400, "invalid-json", "body is empty"],
    ["a missing size", { contentType: "image/png" }, 400, "invalid-upload-request", "size:"],
    [
      "an extra field",
      { ...GOOD, key: "uploads/mine.jpg" },
      400,
      "invalid-upload-request",
      "key: unexpected field",
    ],
    [
      "a disallowed type",
      { ...GOOD, contentType: "image/heic" },
      400,
      "invalid-upload-request",
      "contentType:",
    ],
    ["an SVG", { ...GOOD, contentType: "image/svg+xml" }, 400, "invalid-upload-request", "not allowed"],
    ["a zero size", { ...GOOD, size: 0 }, 400, "invalid-upload-request", "between 1 and 1000000"],
    ["a negative size", { ...GOOD, size: -1 }, 400, "invalid-upload-request", "got -1"],
    ["a size over the cap", { ...GOOD, size: 1_000_001 }, 400, "invalid-upload-request", "got 1000001"],
    [
      "a path as filename",
      { ...GOOD, filename: "../../etc/passwd" },
      400,
      "invalid-upload-request",
      "filename:",
    ],
    [
      "a huge filename",
      { ...GOOD, filename: `${"x".repeat(300)}.jpg` },
      400,
      "invalid-upload-request",
      "filename:",
    ],
    ["a JSON array", [GOOD], 400, "invalid-upload-request", "body:"],
  ])("answers %s with a %i problem naming it", async (_, body, status, type, detail) => {
    // Prepare
    const { handler, store } = setup();

    // Act
    const response = await handler(makeCreateEvent(body));

    // Assess
    expect(response.statusCode).toBe(status);
    expect(response.headers["content-type"]).toBe("application/problem+json");
    expect(json(response)).toMatchObject({ type: `urn:lambda-lab:upload:problem:${type}`, status });
    expect(json(response).detail).toContain(detail);
    expect(store.calls.put).toBe(0);
  });

  it("lists each field error in the problem's errors member", async () => {
    const { handler } = setup();

    const body = json(await handler(makeCreateEvent({ contentType: "text/html", size: 0, extra: 1 })));

    expect(body.errors.map((e: { pointer: string }) => e.pointer)).toEqual(["/extra"]);
    const second = json(await handler(makeCreateEvent({ contentType: "text/html", size: 0 })));
    expect(second.errors.map((e: { pointer: string }) => e.pointer)).toEqual(["/contentType", "/size"]);
  });

  it("refuses a body that is not JSON with 415", async () => {
    const { handler } = setup();

    const response = await handler(
      makeCreateEvent("contentType=image/png", { "content-type": "application/x-www-form-urlencoded" }),
    );

    expect(response.statusCode).toBe(415);
    expect(json(response).detail).toContain("application/json");
  });

  it("refuses an oversized request body with 413 before parsing it", async () => {
    const { handler } = setup();

    const response = await handler(makeCreateEvent({ ...GOOD, filename: "a".repeat(9000) }));

    expect(response.statusCode).toBe(413);
  });
});

describe("routing", () => {
  it.each([
    ["GET", "/uploads", 405, "POST, OPTIONS"],
    ["DELETE", "/uploads", 405, "POST, OPTIONS"],
    ["PUT", `/uploads/${ulid()}`, 405, "GET, OPTIONS"],
    ["POST", `/uploads/${ulid()}`, 405, "GET, OPTIONS"],
  ])("answers %s %s with %i and an Allow header", async (method, path, status, allow) => {
    const { handler } = setup();

    const response = await handler(makeHttpEvent({ method, path }));

    expect(response.statusCode).toBe(status);
    expect(response.headers.allow).toBe(allow);
    expect(json(response).detail).toContain(`${method} is not allowed`);
  });

  it.each(["/", "/upload", "/uploads/a/b", "/admin/uploads"])(
    "answers an unknown path %s with 404",
    async (path) => {
      const { handler } = setup();

      const response = await handler(makeHttpEvent({ method: "GET", path }));

      expect(response.statusCode).toBe(404);
      expect(json(response).type).toBe("urn:lambda-lab:upload:problem:not-found");
    },
  );

  it("hands the Lambda context to the logger, so every line carries the request id", async () => {
    // Prepare
    const contexts: unknown[] = [];
    const handler = makeHandler(
      {
        reader: createMemoryObjectStore(),
        logger: { info() {}, error() {}, addContext: (c) => void contexts.push(c) },
        now: () => NOW,
      },
      configOf(loadEnv(ENV)),
    );
    const context = { awsRequestId: "req-123", functionName: "upload" } as Context;

    // Act
    await handler(makeCreateEvent(GOOD), context);

    // Assess
    expect(contexts).toEqual([context]);
  });

  it("throws on an event that is not an HTTP event: a wiring mistake, not a client's", async () => {
    const { handler } = setup();

    await expect(handler({ Records: [] })).rejects.toThrow(InvalidEventError);
  });
});

describe("bodyless requests", () => {
  const APP = "https://app.example.com";
  const id = ulid();

  it.each(["absent", "null"] as const)(
    "answers a preflight whose body is %s with 204, never a throw (a 502 at API Gateway)",
    async (body) => {
      const { handler } = setup({ CORS_ALLOWED_ORIGINS: APP });
      const event = makeBodylessEvent("OPTIONS", "/uploads", body, {
        origin: APP,
        "access-control-request-method": "POST",
      });

      const response = await handler(event);

      expect(response.statusCode).toBe(204);
      expect(response.headers["access-control-allow-origin"]).toBe(APP);
    },
  );

  it.each(["absent", "null"] as const)("answers GET /uploads/{id} whose body is %s", async (body) => {
    const { handler } = setup();

    const response = await handler(makeBodylessEvent("GET", `/uploads/${id}`, body));

    expect(response.statusCode).toBe(200);
    expect(json(response)).toMatchObject({ id, status: "missing" });
  });

  it.each(["absent", "null"] as const)("answers DELETE whose body is %s with 405", async (body) => {
    const { handler } = setup();

    const response = await handler(makeBodylessEvent("DELETE", `/uploads/${id}`, body));

    expect(response.statusCode).toBe(405);
    expect(response.headers.allow).toBe("GET, OPTIONS");
  });

  it.each(["absent", "null"] as const)(
    "answers a POST whose body is %s with the empty-body problem",
    async (body) => {
      const { handler, store } = setup();
      const event = makeBodylessEvent("POST", "/uploads", body, { "content-type": "application/json" });

      const response = await handler(event);

      expect(response.statusCode).toBe(400);
      expect(json(response)).toMatchObject({ type: "urn:lambda-lab:upload:problem:invalid-json" });
      expect(json(response).detail).toContain("body is empty");
      expect(store.calls.put).toBe(0);
    },
  );

  it("reads a null body flagged as base64 as no body", async () => {
    const { handler } = setup();
    const event = { ...makeBodylessEvent("POST", "/uploads", "null"), isBase64Encoded: true };

    expect(json(await handler(event)).detail).toContain("body is empty");
  });

  it("still refuses a body that is neither a string nor null as a wiring mistake", async () => {
    const { handler } = setup();
    const event = { ...makeHttpEvent({ method: "POST" }), body: { contentType: "image/png" } };

    await expect(handler(event)).rejects.toThrow(/body/);
  });
});

describe("token auth", () => {
  const tokenEnv = { AUTH_MODE: "token", AUTH_TOKEN_SECRET: SECRET };
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  it("uses the token's subject as the owner", async () => {
    const { handler } = setup(tokenEnv);
    const token = issueUploadToken(SECRET, { subject: "user-42", ttlSeconds: 60, now: NOW });

    const response = await handler(makeCreateEvent(GOOD, bearer(token)));

    expect(response.statusCode).toBe(201);
    expect(json(response).fields["x-amz-meta-owner"]).toBe("user-42");
  });

  it.each([
    ["no token", {}, "token-missing", 'Bearer realm="upload"'],
    [
      "another scheme",
      { authorization: "Basic dXNlcjpwdw==" },
      "token-malformed",
      'Bearer realm="upload", error="invalid_token"',
    ],
    [
      "a malformed token",
      bearer("not-a-token"),
      "token-malformed",
      'Bearer realm="upload", error="invalid_token"',
    ],
    [
      "a token signed with another secret",
      bearer(issueUploadToken(`${SECRET}-x`, { subject: "u", ttlSeconds: 60, now: NOW })),
      "token-bad-signature",
      'Bearer realm="upload", error="invalid_token"',
    ],
    [
      "an expired token",
      bearer(
        issueUploadToken(SECRET, { subject: "u", ttlSeconds: 60, now: new Date(NOW.getTime() - 61_000) }),
      ),
      "token-expired",
      'Bearer realm="upload", error="invalid_token"',
    ],
  ])("answers %s with 401", async (_, headers, type, challenge) => {
    const { handler } = setup(tokenEnv);

    const response = await handler(makeCreateEvent(GOOD, headers));

    expect(response.statusCode).toBe(401);
    expect(json(response).type).toBe(`urn:lambda-lab:upload:problem:${type}`);
    expect(response.headers["www-authenticate"]).toBe(challenge);
  });

  it("checks the token on GET too, and hides another owner's upload", async () => {
    // Prepare
    const { handler, store } = setup(tokenEnv);
    const id = ulid(NOW.getTime());
    store.seed(originalKey(id, "image/png"), "png", {
      contentType: "image/png",
      metadata: { owner: "user-1" },
    });
    const get = (subject?: string) =>
      handler(
        makeHttpEvent({
          path: `/uploads/${id}`,
          headers: subject ? bearer(issueUploadToken(SECRET, { subject, ttlSeconds: 60, now: NOW })) : {},
        }),
      );

    // Act + Assess
    expect((await get()).statusCode).toBe(401);
    expect((await get("user-2")).statusCode).toBe(404);
    expect((await get("user-1")).statusCode).toBe(200);
  });
});

describe("CORS", () => {
  const APP = "https://app.example.com";

  it("adds the allowed origin to answers, including problems", async () => {
    const { handler } = setup({ CORS_ALLOWED_ORIGINS: `${APP},http://localhost:5173` });

    const created = await handler(makeCreateEvent(GOOD, { origin: APP }));
    const refused = await handler(makeCreateEvent({}, { origin: APP }));

    for (const response of [created, refused]) {
      expect(response.headers["access-control-allow-origin"]).toBe(APP);
      expect(response.headers.vary).toBe("origin");
    }
    expect(created.headers["access-control-expose-headers"]).toBe("location");
  });

  it("answers a preflight from an allowed origin", async () => {
    const { handler } = setup({ CORS_ALLOWED_ORIGINS: APP });

    const response = await handler(
      makeHttpEvent({
        method: "OPTIONS",
        path: "/uploads",
        headers: { origin: APP, "access-control-request-method": "POST" },
      }),
    );

    expect(response).toEqual({
      statusCode: 204,
      headers: {
        "access-control-allow-origin": APP,
        "access-control-expose-headers": "location",
        "access-control-allow-methods": "POST, OPTIONS",
        "access-control-allow-headers": "authorization, content-type",
        "access-control-max-age": "600",
        allow: "POST, OPTIONS",
        vary: "origin",
      },
      body: "",
    });
  });

  it("gives a refused origin no CORS grant, so the browser blocks it", async () => {
    const { handler } = setup({ CORS_ALLOWED_ORIGINS: APP });
    const headers = { origin: "https://evil.example", "access-control-request-method": "POST" };

    const preflight = await handler(makeHttpEvent({ method: "OPTIONS", path: "/uploads", headers }));
    const post = await handler(makeCreateEvent(GOOD, { origin: "https://evil.example" }));

    expect(preflight.headers["access-control-allow-origin"]).toBeUndefined();
    expect(post.headers["access-control-allow-origin"]).toBeUndefined();
  });

  it("allows any origin with *", async () => {
    const { handler } = setup({ CORS_ALLOWED_ORIGINS: "*" });

    const response = await handler(makeCreateEvent(GOOD, { origin: "http://localhost:3000" }));

    expect(response.headers["access-control-allow-origin"]).toBe("*");
  });

  it("sends no CORS headers when no origins are configured", async () => {
    const { handler } = setup();

    const response = await handler(makeCreateEvent(GOOD, { origin: APP }));

    expect(
      Object.keys(response.headers).filter((h) => h.startsWith("access-control") || h === "vary"),
    ).toEqual([]);
  });

  it("answers OPTIONS on an unknown path with 404", async () => {
    const { handler } = setup({ CORS_ALLOWED_ORIGINS: APP });

    expect(
      (await handler(makeHttpEvent({ method: "OPTIONS", path: "/nope", headers: { origin: APP } })))
        .statusCode,
    ).toBe(404);
  });
});

describe("GET /uploads/{id}", () => {
  const id = ulid(NOW.getTime());
  const imageId = `2026/11/25/${id}`;
  const key = originalKey(id, "image/webp");
  const manifest: VariantManifest = {
    version: 1,
    imageId,
    sourceKey: key,
    sourceEtag: '"abc"',
    sourceFormat: "webp",
    width: 1024,
    height: 772,
    animated: false,
    variants: [
      {
        name: "thumb",
        format: "webp",
        key: `variants/${imageId}/thumb.webp`,
        contentType: "image/webp",
        width: 320,
        height: 241,
        bytes: 9000,
      },
    ],
    createdAt: "2026-11-25T12:00:05.000Z",
  };
  const marker: QuarantineMarker = {
    version: 1,
    imageId,
    sourceKey: key,
    sourceEtag: '"abc"',
    reason: "corrupt",
    detail: "VipsJpeg: premature end of data",
    quarantinedAt: "2026-11-25T12:00:05.000Z",
  };
  const get = (handler: ReturnType<typeof setup>["handler"], rawId = id) =>
    handler(makeHttpEvent({ path: `/uploads/${rawId}` }));

  it("reports an upload with no original as missing", async () => {
    const { handler } = setup();

    const response = await get(handler);

    expect(response.statusCode).toBe(200);
    expect(json(response)).toEqual({
      id,
      imageId,
      status: "missing",
      original: { exists: false },
      variants: [],
      quarantine: null,
    });
  });

  it("reports an original without a manifest as pending, with its size and type", async () => {
    const { handler, store } = setup();
    store.seed(key, Buffer.alloc(1234), { contentType: "image/webp", metadata: { owner: "anonymous" } });

    expect(json(await get(handler))).toEqual({
      id,
      imageId,
      status: "pending",
      original: { exists: true, key, size: 1234, contentType: "image/webp", uploadedAt: NOW.toISOString() },
      variants: [],
      quarantine: null,
    });
  });

  it("reports the variants once the manifest is written", async () => {
    const { handler, store } = setup();
    store.seed(key, Buffer.alloc(10), { contentType: "image/webp" });
    store.seed(manifestKeyOf(imageId), JSON.stringify(manifest), { contentType: "application/json" });

    const body = json(await get(handler));

    expect(body.status).toBe("ready");
    expect(body.variants).toEqual(manifest.variants);
  });

  it("reports a quarantined upload with its reason", async () => {
    const { handler, store } = setup();
    store.seed(key, Buffer.alloc(10), { contentType: "image/webp" });
    store.seed(quarantineKeyOf(imageId), JSON.stringify(marker), { contentType: "application/json" });

    const body = json(await get(handler));

    expect(body.status).toBe("quarantined");
    expect(body.quarantine).toEqual({
      reason: "corrupt",
      detail: "VipsJpeg: premature end of data",
      quarantinedAt: "2026-11-25T12:00:05.000Z",
    });
  });

  it("ignores keys under the prefix that are not an image extension", async () => {
    const { handler, store } = setup();
    store.seed(`uploads/${imageId}.jpg.tmp`, "partial");

    expect(json(await get(handler)).status).toBe("missing");
  });

  it("accepts a lower-case id", async () => {
    const { handler, store } = setup();
    store.seed(key, Buffer.alloc(10), { contentType: "image/webp" });

    expect(json(await get(handler, id.toLowerCase()))).toMatchObject({ id, status: "pending" });
  });

  it.each(["not-a-ulid", "8ZZZZZZZZZZZZZZZZZZZZZZZZZ", `${id}X`, "01KB00000000000000000000IL", "%E0%A4%A"])(
    "answers the invalid id %s with 400",
    async (rawId) => {
      const { handler } = setup();

      const response = await get(handler, rawId);

      expect(response.statusCode).toBe(400);
      expect(json(response).type).toBe("urn:lambda-lab:upload:problem:invalid-upload-id");
    },
  );

  it("answers a corrupt manifest with a 500 and logs it: a fault on our side, not the client's", async () => {
    const { handler, store, logged } = setup();
    store.seed(key, Buffer.alloc(10), { contentType: "image/webp" });
    store.seed(manifestKeyOf(imageId), "{ not json");

    const response = await get(handler);

    expect(response.statusCode).toBe(500);
    expect(json(response).type).toBe("urn:lambda-lab:upload:problem:internal");
    expect(logged).toMatchObject([{ level: "error", message: "request failed" }]);
    const [entry] = logged;
    expect(String((entry?.extra as { error?: Error } | undefined)?.error)).toContain(
      "manifest.json is not JSON",
    );
  });

  it("answers a failing store with a 500 that carries CORS headers", async () => {
    const failing: ObjectReader = {
      get: async () => {
        throw new Error("S3 down");
      },
      head: async () => undefined,
      listPage: async () => ({ objects: [] }),
    };
    const { handler } = setup({ CORS_ALLOWED_ORIGINS: "*" }, failing);

    const response = await handler(
      makeHttpEvent({ path: `/uploads/${id}`, headers: { origin: "http://x.test" } }),
    );

    expect(response.statusCode).toBe(500);
    expect(response.headers["access-control-allow-origin"]).toBe("*");
  });
});
