import { S3Client } from "@aws-sdk/client-s3";
import { createPresignedPost } from "@aws-sdk/s3-presigned-post";
import { afterEach, describe, expect, it, vi } from "vitest";
import { amzDate, createPolicySigner, createPostForm, type PostPolicyInput } from "../../src/post-policy.js";
import { decodePolicy, policyViolations, referencePolicySignature } from "../support/post-policy-rules.js";

const CREDENTIALS = {
  accessKeyId: "AKIDEXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
};
const NOW = new Date("2026-11-25T12:34:56.789Z");
const INPUT: PostPolicyInput = {
  bucket: "lab-images",
  region: "eu-west-1",
  credentials: CREDENTIALS,
  key: "uploads/2026/11/25/01KB0000000000000000000000.jpg",
  contentType: "image/jpeg",
  maxBytes: 139_435,
  metadata: { owner: "user-42", "original-filename": "cat.jpg" },
  now: NOW,
  ttlSeconds: 300,
};

afterEach(() => {
  vi.useRealTimers();
});

describe("createPolicySigner", () => {
  it("signs a policy exactly as the AWS SDK's createPresignedPost does", async () => {
    // Prepare: let the SDK build and sign a policy at a fixed time
    vi.useFakeTimers({ now: NOW, toFake: ["Date"] });
    const client = new S3Client({
      region: "eu-west-1",
      credentials: { ...CREDENTIALS, sessionToken: "tok" },
    });
    const sdk = await createPresignedPost(client, {
      Bucket: "lab-images",
      Key: INPUT.key,
      Conditions: [["content-length-range", 1, 100]],
      Expires: 60,
    });
    client.destroy();

    // Act: sign the SDK's policy with ours
    const signature = await createPolicySigner(CREDENTIALS, "eu-west-1").sign(sdk.fields.Policy ?? "", NOW);

    // Assess
    expect(sdk.fields["X-Amz-Date"]).toBe("20261125T123456Z");
    expect(signature).toBe(sdk.fields["X-Amz-Signature"]);
  });

  it("matches the reference SigV4 computation across policies and days with one signer", async () => {
    // Prepare: one signer, as a warm function keeps it, signing on two days
    const signer = createPolicySigner(CREDENTIALS, "us-east-1");
    const reference = (policy: string, day: string) =>
      referencePolicySignature(policy, CREDENTIALS.secretAccessKey, day, "us-east-1");

    // Act
    const first = await signer.sign("eyJhIjoxfQ==", new Date("2026-11-25T00:00:00Z"));
    const second = await signer.sign("eyJiIjoyfQ==", new Date("2026-11-25T23:59:59Z"));
    const nextDay = await signer.sign("eyJhIjoxfQ==", new Date("2026-11-26T00:00:00Z"));

    // Assess
    expect(first).toBe(reference("eyJhIjoxfQ==", "20261125"));
    expect(second).toBe(reference("eyJiIjoyfQ==", "20261125"));
    expect(nextDay).toBe(reference("eyJhIjoxfQ==", "20261126"));
  });
});

describe("createPostForm", () => {
  it("pins the key, type, size range, metadata and signing fields in the policy", async () => {
    const form = await createPostForm(INPUT);

    expect(decodePolicy(form.fields.policy ?? "")).toEqual({
      expiration: "2026-11-25T12:39:56.789Z",
      conditions: [
        { bucket: "lab-images" },
        ["content-length-range", 1, 139_435],
        { key: INPUT.key },
        { "Content-Type": "image/jpeg" },
        { "x-amz-meta-owner": "user-42" },
        { "x-amz-meta-original-filename": "cat.jpg" },
        { "x-amz-algorithm": "AWS4-HMAC-SHA256" },
        { "x-amz-credential": "AKIDEXAMPLE/20261125/eu-west-1/s3/aws4_request" },
        { "x-amz-date": "20261125T123456Z" },
      ],
    });
    expect(form.expiresAt).toBe("2026-11-25T12:39:56.789Z");
  });

  it("returns the fields in form order, signed over the exact policy it returns", async () => {
    const form = await createPostForm(INPUT);

    expect(Object.keys(form.fields)).toEqual([
      "key",
      "Content-Type",
      "x-amz-meta-owner",
      "x-amz-meta-original-filename",
      "x-amz-algorithm",
      "x-amz-credential",
      "x-amz-date",
      "policy",
      "x-amz-signature",
    ]);
    expect(form.fields["x-amz-signature"]).toBe(
      referencePolicySignature(
        form.fields.policy ?? "",
        CREDENTIALS.secretAccessKey,
        "20261125",
        "eu-west-1",
      ),
    );
  });

  it("carries the session token of temporary credentials as a field and a condition", async () => {
    const form = await createPostForm({
      ...INPUT,
      credentials: { ...CREDENTIALS, sessionToken: "IQoJb3JpZ2luX2Vj" },
    });

    expect(form.fields["x-amz-security-token"]).toBe("IQoJb3JpZ2luX2Vj");
    expect(decodePolicy(form.fields.policy ?? "").conditions).toContainEqual({
      "x-amz-security-token": "IQoJb3JpZ2luX2Vj",
    });
  });

  it("would be accepted by S3 as issued, and refused once any pinned value changes", async () => {
    // Prepare
    const form = await createPostForm(INPUT);
    const policy = form.fields.policy ?? "";
    const submit = (fields: Record<string, string>, fileSize = 139_435, now = NOW) =>
      policyViolations(policy, { bucket: "lab-images", fields, fileSize, now });

    // Act + Assess
    expect(submit(form.fields)).toEqual([]);
    expect(submit({ ...form.fields, key: "uploads/evil.html" })).toEqual([
      `key must equal ${INPUT.key}, got uploads/evil.html`,
    ]);
    expect(submit({ ...form.fields, "Content-Type": "text/html" })).toHaveLength(1);
    expect(submit({ ...form.fields, "x-amz-meta-owner": "admin" })).toHaveLength(1);
    expect(submit({ ...form.fields, acl: "public-read" })).toEqual([
      "field acl is not covered by any condition",
    ]);
    expect(submit(form.fields, 139_436)).toEqual(["file size 139436 outside 1..139435"]);
    expect(submit(form.fields, 0)).toEqual(["file size 0 outside 1..139435"]);
    expect(submit(form.fields, 10, new Date("2026-11-25T12:40:00Z"))).toEqual([
      "policy expired at 2026-11-25T12:39:56.789Z",
    ]);
  });

  it("formats SigV4 timestamps without separators or milliseconds", () => {
    expect(amzDate(NOW)).toBe("20261125T123456Z");
  });
});
