import { describe, expect, it } from "vitest";
import { denialKey, renderDenial, renderDenials, renderIamSummary } from "../../page/panels/iam.js";
import { denialMessage, type IamDenial } from "../../src/iam/preflight.js";

/** A denial as the lab's preflight records it (typed by the server's own type, so the page keeps up). */
const denial = (overrides: Partial<IamDenial> = {}): IamDenial => {
  const base: Omit<IamDenial, "message"> = {
    stack: "dev",
    functionId: "transform",
    operation: "DeleteObjects",
    action: "s3:DeleteObject",
    resource: "arn:aws:s3:::lambda-lab-dev-images/uploads/2026/11/25/<b>x</b>.jpg",
    context: { "aws:SecureTransport": "true" },
    decision: "ImplicitlyDenied",
    principal: "arn:aws:sts::123456789012:assumed-role/transform-role/lambda-lab-dev-transform",
    missing: {
      Effect: "Allow",
      Action: "s3:DeleteObject",
      Resource: "arn:aws:s3:::lambda-lab-dev-images/uploads/*",
    },
    grantIn: "transform's s3 grants, packages/catalog/src/functions.ts",
    via: "signature",
    requestIds: ["req-1"],
    count: 1,
    firstAt: 1_000,
    lastAt: 1_000,
    ...overrides,
  };
  return { ...base, message: denialMessage(base) };
};

describe("the IAM preflight panel", () => {
  it("shows a denial with its action, resource (escaped), missing statement and invocation", () => {
    const markup = renderDenial(denial()).value;
    expect(markup).toContain("<strong>transform</strong> would be denied");
    expect(markup).toContain("<code>s3:DeleteObject</code>");
    expect(markup).toContain("uploads/2026/11/25/&lt;b&gt;x&lt;/b&gt;.jpg");
    expect(markup).not.toContain("<b>x</b>");
    expect(markup).toContain(
      "&quot;Resource&quot;: &quot;arn:aws:s3:::lambda-lab-dev-images/uploads/*&quot;",
    );
    expect(markup).toContain(
      "Missing from its role (grant it in transform&#39;s s3 grants, packages/catalog/src/functions.ts):",
    );
    expect(markup).toContain("During invocation req-1");
  });

  it("names the explicit deny when no statement would help, and the 404 rule's note", () => {
    const markup = renderDenial(
      denial({
        missing: undefined,
        deniedBy: "the bucket policy, statement DenyInsecureTransport",
        note: "S3 answers…",
      }),
    ).value;
    expect(markup).toContain("Explicitly denied by the bucket policy, statement DenyInsecureTransport.");
    expect(markup).not.toContain("Missing from");
    expect(markup).toContain("S3 answers…");
  });

  it("lists the newest denial first and says when there is none", () => {
    const older = denial({ lastAt: 1_000, functionId: "upload" });
    const newer = denial({ lastAt: 2_000, functionId: "daily-stats" });
    const markup = renderDenials([older, newer]).value;
    expect(markup.indexOf('data-function="daily-stats"')).toBeLessThan(
      markup.indexOf('data-function="upload"'),
    );
    expect(renderDenials([]).value).toContain("No call would be denied so far.");
    expect(denialKey(older)).not.toBe(denialKey(newer));
  });

  it("says what state the preflight is in", () => {
    expect(renderIamSummary({ mode: "off" }).value).toContain("is off");
    expect(renderIamSummary({ mode: "warn", stack: "prod", status: "loading" }).value).toContain(
      "stack prod",
    );
    expect(renderIamSummary({ mode: "warn", status: "unavailable", error: "boom" }).value).toContain("boom");
    const ready = renderIamSummary({
      mode: "enforce",
      stack: "dev",
      status: "ready",
      evaluated: 7,
      denied: 2,
    }).value;
    expect(ready.replace(/\s+/g, " ")).toContain(
      "<strong>7</strong> S3 calls checked against stack dev's IAM policies · <strong>2</strong> would be denied in AWS (and were refused here: --iam enforce)",
    );
  });
});
