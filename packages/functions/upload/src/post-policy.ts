import { Sha256 } from "@smithy/core/checksum";
import { SignatureV4 } from "@smithy/signature-v4";

export interface SigningCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  /** Temporary (role) credentials only work when the token travels with the form. */
  sessionToken?: string | undefined;
}

/** A POST policy condition: exact match (`{ field: value }`) or the size bounds of the file. */
export type PolicyCondition = Record<string, string> | ["content-length-range", number, number];

export interface PolicyDocument {
  expiration: string;
  conditions: PolicyCondition[];
}

export interface PostPolicyInput {
  bucket: string;
  region: string;
  credentials: SigningCredentials;
  key: string;
  contentType: string;
  maxBytes: number;
  /** User metadata, names without the `x-amz-meta-` prefix. */
  metadata: Record<string, string>;
  now: Date;
  ttlSeconds: number;
}

export interface SignedPostForm {
  /** Every field the browser must send before the file, in this order. */
  fields: Record<string, string>;
  expiresAt: string;
  policy: PolicyDocument;
}

export const SIGV4_ALGORITHM = "AWS4-HMAC-SHA256";

/** `20240229T120000Z`: the timestamp format SigV4 signs with. */
export const amzDate = (time: Date): string => time.toISOString().replace(/[:-]|\.\d{3}/g, "");

/**
 * SigV4 for a browser POST signs the base64 policy itself with the date/region/service-scoped signing key.
 * The AWS SDK's own signer does exactly that for a string (`sign(string)`), with Node's crypto
 * (`Sha256` from @smithy/core, what S3Client uses) and a cache of derived keys, without the S3 client.
 */
export interface PolicySigner {
  sign(policyBase64: string, signingDate: Date): Promise<string>;
}

export const createPolicySigner = (credentials: SigningCredentials, region: string): PolicySigner => {
  const signer = new SignatureV4({
    credentials: { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey },
    region,
    service: "s3",
    sha256: Sha256,
  });
  return { sign: (policyBase64, signingDate) => signer.sign(policyBase64, { signingDate }) };
};

/**
 * Builds and signs the POST form for one upload. Every form field gets an exact-match condition, so the
 * policy pins the key, the Content-Type, the metadata and the signing fields; the file's size is bounded
 * by `content-length-range`. S3 refuses a form carrying a field the policy does not mention.
 */
export const createPostForm = async (
  input: PostPolicyInput,
  signer: PolicySigner = createPolicySigner(input.credentials, input.region),
): Promise<SignedPostForm> => {
  const datetime = amzDate(input.now);
  const scope = `${datetime.slice(0, 8)}/${input.region}/s3/aws4_request`;
  const fields: Record<string, string> = {
    key: input.key,
    "Content-Type": input.contentType,
  };
  for (const [name, value] of Object.entries(input.metadata)) fields[`x-amz-meta-${name}`] = value;
  fields["x-amz-algorithm"] = SIGV4_ALGORITHM;
  fields["x-amz-credential"] = `${input.credentials.accessKeyId}/${scope}`;
  fields["x-amz-date"] = datetime;
  if (input.credentials.sessionToken) fields["x-amz-security-token"] = input.credentials.sessionToken;

  const expiresAt = new Date(input.now.getTime() + input.ttlSeconds * 1000).toISOString();
  const policy: PolicyDocument = {
    expiration: expiresAt,
    conditions: [
      { bucket: input.bucket },
      ["content-length-range", 1, input.maxBytes],
      ...Object.entries(fields).map(([name, value]) => ({ [name]: value })),
    ],
  };
  const policyBase64 = Buffer.from(JSON.stringify(policy)).toString("base64");
  const signature = await signer.sign(policyBase64, input.now);
  return { fields: { ...fields, policy: policyBase64, "x-amz-signature": signature }, expiresAt, policy };
};
