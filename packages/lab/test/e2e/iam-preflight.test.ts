import {
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { type LocalS3, startLocalS3 } from "@lambda-lab/shared/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labAccessKeyId, loadStack } from "../../src/config.js";
import { type LabIam, startLabIam } from "../../src/iam/lab-iam.js";
import type { IamSnapshot } from "../../src/iam/preflight.js";
import { type ProgramIam, programIam } from "../../src/iam/program-iam.js";
import { findRepoRoot } from "../../src/paths.js";

// The preflight end to end: s3rver behind the lab's S3 proxy, the IAM documents of a real (mocked) run of
// the Pulumi program for the dev stack, and S3 clients that sign as the functions do in the lab (their own
// LAB-<ID> key). Calls a role lacks are made on purpose and must be reported; calls it has must not.

const BUCKET = loadStack("dev", findRepoRoot()).bucket;
const ARN = `arn:aws:s3:::${BUCKET}`;

let s3: LocalS3;
let realIam: ProgramIam;
const lines: string[] = [];
const events: { type: string; data: unknown }[] = [];
let warn: LabIam;
let enforce: LabIam;
let enforceNo404: LabIam;
const clients: S3Client[] = [];

const clientAs = (functionId: string, endpoint: string) => {
  const client = new S3Client({
    endpoint,
    region: "eu-west-1",
    forcePathStyle: true,
    credentials: { accessKeyId: labAccessKeyId(functionId), secretAccessKey: "S3RVER" },
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    maxAttempts: 1,
  });
  clients.push(client);
  return client;
};

const start = (mode: "warn" | "enforce", iam: Promise<ProgramIam>) =>
  startLabIam({
    mode,
    stack: "dev",
    bucket: BUCKET,
    s3Endpoint: s3.endpoint,
    log: (line) => lines.push(line),
    emit: (type, data) => events.push({ type, data }),
    iam,
  });

/** transform's real policy without its bucket-wide ListBucket: what the 404 rule is about. */
const withoutListingFor404 = (iam: ProgramIam): ProgramIam => {
  const copy = structuredClone(iam);
  for (const p of copy.functions.transform?.identityPolicies ?? [])
    p.policy.Statement = p.policy.Statement.filter(
      (s: { Sid?: string }) => s.Sid !== "ListBucketSoMissingKeysAnswer404",
    );
  return copy;
};

const snap = (iam: LabIam) => iam.snapshot() as IamSnapshot;

/** The warn-mode verdicts come after the response: wait for the count to reach `evaluated`. */
const settled = async (iam: LabIam, evaluated: number) => {
  const until = Date.now() + 20_000;
  while (snap(iam).evaluated < evaluated) {
    if (Date.now() > until) throw new Error(`only ${snap(iam).evaluated} of ${evaluated} calls evaluated`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return snap(iam);
};

const put = (key: string, body = "x") =>
  s3.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
const exists = (key: string) =>
  s3.client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key })).then(
    () => true,
    () => false,
  );

beforeAll(async () => {
  s3 = await startLocalS3({ bucket: BUCKET });
  const iam = programIam("dev");
  realIam = await iam;
  warn = await start("warn", iam);
  enforce = await start("enforce", iam);
  enforceNo404 = await start("enforce", Promise.resolve(withoutListingFor404(realIam)));
});

afterAll(async () => {
  for (const c of clients) c.destroy();
  await Promise.all([warn?.stop(), enforce?.stop(), enforceNo404?.stop()]);
  await s3?.stop();
});

describe("the program's IAM documents for the dev stack", () => {
  it("are read off the mocked program run: one role session and policy set per function", () => {
    expect(Object.keys(realIam.functions).sort()).toEqual(
      ["alerts", "daily-stats", "orphan-cleanup", "transform", "upload"].sort(),
    );
    expect(realIam.functions.transform?.principal).toMatch(/:assumed-role\/.+\/lambda-lab-dev-transform$/);
    expect(JSON.stringify(realIam.bucketPolicy)).toContain("aws:SecureTransport");
  });
});

describe("warn: the call goes through, the denial is reported once with the missing statement", () => {
  it("reports nothing for the calls transform's role has", async () => {
    // Prepare
    const transform = clientAs("transform", warn.s3Endpoint);
    await put("uploads/2026/11/25/allowed.jpg");
    const before = snap(warn).evaluated;
    // Act: what transform-image.ts does: read the original, write a variant, list the image's variants.
    await transform.send(new GetObjectCommand({ Bucket: BUCKET, Key: "uploads/2026/11/25/allowed.jpg" }));
    await transform.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: "variants/img1/thumb.webp", Body: "v" }),
    );
    await transform.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: "variants/img1/" }));
    // Assess
    const after = await settled(warn, before + 3);
    expect(after.denials).toEqual([]);
    expect(after.recent.slice(-3).map((c) => [c.action, c.decision])).toEqual([
      ["s3:GetObject", "Allowed"],
      ["s3:PutObject", "Allowed"],
      ["s3:ListBucket", "Allowed"],
    ]);
    expect(await exists("variants/img1/thumb.webp")).toBe(true);
  });

  it("reports transform deleting an original under uploads/, and still deletes it locally", async () => {
    // Prepare
    const transform = clientAs("transform", warn.s3Endpoint);
    await put("uploads/2026/11/25/orig.jpg");
    await put("variants/img2/thumb.webp");
    const before = snap(warn).evaluated;
    // Act
    const out = await transform.send(
      new DeleteObjectsCommand({
        Bucket: BUCKET,
        Delete: { Objects: [{ Key: "uploads/2026/11/25/orig.jpg" }, { Key: "variants/img2/thumb.webp" }] },
      }),
    );
    // Assess
    const after = await settled(warn, before + 2);
    expect(out.Deleted?.map((d) => d.Key).sort()).toEqual([
      "uploads/2026/11/25/orig.jpg",
      "variants/img2/thumb.webp",
    ]);
    expect(await exists("uploads/2026/11/25/orig.jpg")).toBe(false);
    const denial = after.denials.find((d) => d.functionId === "transform" && d.action === "s3:DeleteObject");
    expect(denial).toMatchObject({
      stack: "dev",
      operation: "DeleteObjects",
      resource: `${ARN}/uploads/2026/11/25/orig.jpg`,
      decision: "ImplicitlyDenied",
      missing: { Effect: "Allow", Action: "s3:DeleteObject", Resource: `${ARN}/uploads/*` },
      count: 1,
    });
    expect(after.denials).toHaveLength(1); // the variant's delete is transform's to make
    expect(lines).toContain(
      `local AccessDenied: transform would be denied s3:DeleteObject on ${ARN}/uploads/2026/11/25/orig.jpg in dev (DeleteObjects) — missing: {"Effect":"Allow","Action":"s3:DeleteObject","Resource":"${ARN}/uploads/*"} (grant it in transform's s3 grants, packages/catalog/src/functions.ts)`,
    );
    expect(
      events.some((e) => e.type === "iam" && (e.data as { action: string }).action === "s3:DeleteObject"),
    ).toBe(true);
  });

  it("prints the same denial once however often it happens, and counts it", async () => {
    // Prepare
    const transform = clientAs("transform", warn.s3Endpoint);
    await put("uploads/2026/11/25/again.jpg");
    const before = snap(warn).evaluated;
    // Act
    await transform.send(
      new DeleteObjectsCommand({
        Bucket: BUCKET,
        Delete: { Objects: [{ Key: "uploads/2026/11/25/again.jpg" }] },
      }),
    );
    // Assess
    const after = await settled(warn, before + 1);
    const denial = after.denials.find((d) => d.functionId === "transform" && d.action === "s3:DeleteObject");
    expect(denial?.count).toBe(2);
    expect(
      lines.filter((l) => l.startsWith("local AccessDenied: transform would be denied s3:DeleteObject")),
    ).toHaveLength(1);
  });

  it("reports daily-stats reading a variant image, but not reading a manifest", async () => {
    // Prepare
    const dailyStats = clientAs("daily-stats", warn.s3Endpoint);
    await put("variants/img3/thumb.webp");
    await put("variants/img3/manifest.json", "{}");
    const before = snap(warn).evaluated;
    // Act
    await dailyStats.send(new GetObjectCommand({ Bucket: BUCKET, Key: "variants/img3/manifest.json" }));
    await dailyStats.send(new GetObjectCommand({ Bucket: BUCKET, Key: "variants/img3/thumb.webp" }));
    // Assess
    const after = await settled(warn, before + 2);
    const mine = after.denials.filter((d) => d.functionId === "daily-stats");
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({
      action: "s3:GetObject",
      resource: `${ARN}/variants/img3/thumb.webp`,
      missing: { Action: "s3:GetObject", Resource: `${ARN}/variants/*` },
    });
  });

  it("evaluates a browser's form POST as a PutObject by the function that signed the form", async () => {
    // Prepare: the fields the upload function signs (post-policy.ts); s3rver does not check the policy.
    const before = snap(warn).evaluated;
    const post = (key: string) => {
      const form = new FormData();
      form.set("key", key);
      form.set("Content-Type", "image/jpeg");
      form.set("x-amz-algorithm", "AWS4-HMAC-SHA256");
      form.set("x-amz-credential", `${labAccessKeyId("upload")}/20261125/eu-west-1/s3/aws4_request`);
      form.set("x-amz-date", "20261125T120000Z");
      form.set("policy", Buffer.from("{}").toString("base64"));
      form.set("x-amz-signature", "0".repeat(64));
      form.set("file", new Blob([new Uint8Array([0xff, 0xd8, 0xff])], { type: "image/jpeg" }), "a.jpg");
      return fetch(`${warn.s3Endpoint}/${BUCKET}`, { method: "POST", body: form });
    };
    // Act
    const allowed = await post("uploads/2026/11/25/form.jpg");
    const outside = await post("variants/img4/form.jpg");
    // Assess
    expect([allowed.status, outside.status]).toEqual([204, 204]);
    const after = await settled(warn, before + 2);
    const mine = after.denials.filter((d) => d.functionId === "upload");
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({
      operation: "PostObject",
      via: "presigned-post",
      action: "s3:PutObject",
      resource: `${ARN}/variants/img4/form.jpg`,
      requestIds: [],
      context: expect.objectContaining({ "s3:authType": "POST", "aws:SecureTransport": "true" }),
    });
    expect(await exists("uploads/2026/11/25/form.jpg")).toBe(true);
  });

  it("ignores requests no function signed (the lab's own client), and says so once", async () => {
    const before = snap(warn).unattributed;
    const lab = new S3Client({
      endpoint: warn.s3Endpoint,
      region: "eu-west-1",
      forcePathStyle: true,
      credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
    });
    clients.push(lab);
    await lab.send(new ListObjectsV2Command({ Bucket: BUCKET }));
    expect(snap(warn).unattributed).toBe(before + 1);
    expect(lines.filter((l) => l.includes("signed with S3RVER is no function's"))).toHaveLength(1);
  });
});

describe("enforce: S3's own AccessDenied", () => {
  it("answers 403 AccessDenied with AWS's message to a read the role lacks", async () => {
    // Prepare
    await put("variants/img5/thumb.webp");
    const dailyStats = clientAs("daily-stats", enforce.s3Endpoint);
    // Act
    const error = await dailyStats
      .send(new GetObjectCommand({ Bucket: BUCKET, Key: "variants/img5/thumb.webp" }))
      .then(
        () => undefined,
        (e: { name: string; message: string; $metadata: { httpStatusCode: number } }) => e,
      );
    // Assess
    expect(error?.name).toBe("AccessDenied");
    expect(error?.$metadata.httpStatusCode).toBe(403);
    expect(error?.message).toMatch(
      /^User: arn:aws:sts::\d{12}:assumed-role\/.+\/lambda-lab-dev-daily-stats is not authorized/,
    );
    expect(error?.message).toContain(
      `to perform: s3:GetObject on resource: "${ARN}/variants/img5/thumb.webp" because no identity-based policy allows the s3:GetObject action`,
    );
  });

  it("deletes the keys the role may delete and refuses the others per key, as DeleteObjects does", async () => {
    // Prepare
    await put("uploads/2026/11/25/keep.jpg");
    await put("variants/img6/thumb.webp");
    const transform = clientAs("transform", enforce.s3Endpoint);
    // Act
    const out = await transform.send(
      new DeleteObjectsCommand({
        Bucket: BUCKET,
        Delete: { Objects: [{ Key: "uploads/2026/11/25/keep.jpg" }, { Key: "variants/img6/thumb.webp" }] },
      }),
    );
    // Assess
    expect(out.Deleted?.map((d) => d.Key)).toEqual(["variants/img6/thumb.webp"]);
    expect(out.Errors?.map((e) => [e.Key, e.Code])).toEqual([
      ["uploads/2026/11/25/keep.jpg", "AccessDenied"],
    ]);
    expect(await exists("uploads/2026/11/25/keep.jpg")).toBe(true);
    expect(await exists("variants/img6/thumb.webp")).toBe(false);
  });

  it("lets the calls the role has through unchanged", async () => {
    const transform = clientAs("transform", enforce.s3Endpoint);
    await transform.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: "variants/img7/manifest.json", Body: "{}" }),
    );
    expect(await exists("variants/img7/manifest.json")).toBe(true);
  });

  it("answers 403 for a missing key without the bucket-wide s3:ListBucket, 404 with it (the program's grant)", async () => {
    // Act: transform HEADs a manifest that is not there yet (transform-image.ts, idempotency check).
    const status = (iam: LabIam) =>
      clientAs("transform", iam.s3Endpoint)
        .send(new HeadObjectCommand({ Bucket: BUCKET, Key: "variants/none/manifest.json" }))
        .then(
          () => 200,
          (e: { $metadata: { httpStatusCode: number } }) => e.$metadata.httpStatusCode,
        );
    // Assess
    expect(await status(enforce)).toBe(404);
    expect(await status(enforceNo404)).toBe(403);
    const denial = snap(enforceNo404).denials[0];
    expect(denial).toMatchObject({
      functionId: "transform",
      operation: "HeadObject of a missing key",
      action: "s3:ListBucket",
      resource: ARN,
      missing: { Effect: "Allow", Action: "s3:ListBucket", Resource: ARN },
    });
    expect(denial?.missing?.Condition).toBeUndefined();
    expect(denial?.message).toContain("404 only to a caller allowed s3:ListBucket");
  });
});
