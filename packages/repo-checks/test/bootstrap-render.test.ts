import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { KEY, renderer, SAMPLE } from "./bootstrap.js";
import { readRepoFile, repoRoot } from "./repo.js";

const documents = async () =>
  (await readdir(join(repoRoot, "bootstrap"), { recursive: true })).filter((f) => f.endsWith(".json")).sort();
const FULL = { ...SAMPLE, STACK: "dev", SECRETS_KEY_ARN: KEY.dev };

describe("bootstrap/render.mjs", () => {
  it("fills every placeholder of every bootstrap document", async () => {
    const files = await documents();
    expect(files.length).toBeGreaterThanOrEqual(7);
    for (const file of files)
      expect(JSON.stringify(renderer.renderFile(file, FULL)), file).not.toContain("${");
  });

  it("names each missing or malformed value, so nothing half-filled reaches the AWS CLI", () => {
    expect(() => renderer.renderFile("aws/trust-preview-pr.json", { ACCOUNT_ID: "123" })).toThrow(
      /ACCOUNT_ID="123" is not a 12-digit AWS account id\nGITHUB_SUBJECT is not set/,
    );
    // A wildcard or another event smuggled in through the value would widen the trust.
    for (const subject of ["repo:octo-org/*", "repo:octo-org/lambda-lab:pull_request", "octo-org/lambda-lab"])
      expect(() =>
        renderer.renderFile("aws/trust-preview-pr.json", { ...FULL, GITHUB_SUBJECT: subject }),
      ).toThrow(/GITHUB_SUBJECT=.* is not repo:OWNER\/REPO/);
    expect(() =>
      renderer.renderFile("aws/state-read-policy.json", {
        ...FULL,
        SECRETS_KEY_ARN: "arn:aws:kms:eu-west-1:123456789012:alias/dev",
      }),
    ).toThrow(/not an alias/);
  });

  it("accepts GitHub's immutable subject form (owner and repository ids)", () => {
    const doc = renderer.renderFile("aws/trust-deploy-prod.json", {
      ...FULL,
      GITHUB_SUBJECT: "repo:octo-org@123/lambda-lab@456",
    });
    expect(JSON.stringify(doc)).toContain('"repo:octo-org@123/lambda-lab@456:environment:prod"');
  });

  it("is what docs/deploy.md tells a stranger to run, for every document", async () => {
    const guide = await readRepoFile("docs/deploy.md");
    for (const file of await documents())
      expect(guide, `docs/deploy.md mentions bootstrap/${file}`).toContain(file);
  });
});
