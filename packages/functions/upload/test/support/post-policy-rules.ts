import { createHmac } from "node:crypto";

/**
 * S3's evaluation of a browser POST against its policy, written from the S3 documentation
 * ("Creating a POST policy") independently of the code under test. s3rver accepts any form, so the
 * tests use this to prove what real S3 would refuse.
 */
export interface FormSubmission {
  bucket: string;
  fields: Record<string, string>;
  fileSize: number;
  now: Date;
}

type Condition = Record<string, string> | [string, string | number, string | number];

/** Fields S3 does not require a condition for. */
const EXEMPT = new Set(["policy", "x-amz-signature", "file"]);

export const decodePolicy = (policyBase64: string): { expiration: string; conditions: Condition[] } =>
  JSON.parse(Buffer.from(policyBase64, "base64").toString("utf8"));

/** Every reason S3 would reject the submission; empty when it would accept it. */
export const policyViolations = (policyBase64: string, submission: FormSubmission): string[] => {
  const policy = decodePolicy(policyBase64);
  const violations: string[] = [];
  const fields = new Map(Object.entries(submission.fields).map(([k, v]) => [k.toLowerCase(), v]));
  const fieldValue = (name: string) =>
    name.toLowerCase() === "bucket" ? submission.bucket : fields.get(name.toLowerCase());
  const covered = new Set<string>();

  if (!(new Date(policy.expiration).getTime() > submission.now.getTime()))
    violations.push(`policy expired at ${policy.expiration}`);

  for (const condition of policy.conditions) {
    if (Array.isArray(condition)) {
      const [op, a, b] = condition;
      if (op === "content-length-range") {
        if (!(submission.fileSize >= Number(a) && submission.fileSize <= Number(b)))
          violations.push(`file size ${submission.fileSize} outside ${a}..${b}`);
        continue;
      }
      const name = String(a).replace(/^\$/, "");
      covered.add(name.toLowerCase());
      const value = fieldValue(name);
      if (op === "eq" && value !== b) violations.push(`${name} must equal ${b}, got ${value}`);
      else if (op === "starts-with" && !(value ?? "").startsWith(String(b)))
        violations.push(`${name} must start with ${b}, got ${value}`);
      else if (op !== "eq" && op !== "starts-with") violations.push(`unknown condition ${op}`);
    } else {
      for (const [name, expected] of Object.entries(condition)) {
        covered.add(name.toLowerCase());
        const value = fieldValue(name);
        if (value !== expected) violations.push(`${name} must equal ${expected}, got ${value}`);
      }
    }
  }
  for (const name of fields.keys())
    if (!EXEMPT.has(name) && !name.startsWith("x-ignore-") && !covered.has(name))
      violations.push(`field ${name} is not covered by any condition`);
  return violations;
};

const hmac = (key: string | Buffer, data: string) => createHmac("sha256", key).update(data, "utf8").digest();

/** SigV4 for POST (S3 docs, "Calculating a signature"), with node:crypto: the reference implementation. */
export const referencePolicySignature = (
  policyBase64: string,
  secretAccessKey: string,
  shortDate: string,
  region: string,
): string => {
  const kDate = hmac(`AWS4${secretAccessKey}`, shortDate);
  const kRegion = hmac(kDate, region);
  const kService = hmac(kRegion, "s3");
  const kSigning = hmac(kService, "aws4_request");
  return createHmac("sha256", kSigning).update(policyBase64, "utf8").digest("hex");
};
