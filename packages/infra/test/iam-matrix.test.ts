/**
 * The IAM allow/deny matrix: for each function role, every call its code makes must be Allowed and a deny
 * list must be Denied, evaluated by an IAM simulator over the policy documents the program creates (see
 * iam-simulator.ts). The calls come from each function's src/ (named in `why`); a new call without its grant,
 * or a grant that lets a function reach beyond its job, fails here with the check that broke.
 */
import {
  cleanupReportKeyOf,
  dailyReportKeyOf,
  imageIdOfUlid,
  manifestKeyOf,
  originalKey,
  originalPrefixOf,
  PREFIXES,
  quarantineKeyOf,
  variantKeyOf,
  variantsPrefixOf,
} from "@lambda-lab/shared";
import { beforeAll, describe, expect, it } from "vitest";
import { FUNCTION_IDS, FUNCTION_NEEDS, type FunctionId } from "../src/stack-config.js";
import { ACCOUNT_ID, type ProgramRun, REGION, runProgram, STACKS } from "./harness.js";
import { AWS_SSM_KEY_ARN, type Check, evaluate, summaryOf, type Verdict } from "./iam-simulator.js";

const ULID = "01KB8ZQ3M2X7V9W4T6R5N1P0HC";
const IMAGE = imageIdOfUlid(ULID);
const DAY = "2026-11-25";
const KEYS = {
  original: originalKey(ULID, "image/jpeg"),
  manifest: manifestKeyOf(IMAGE),
  variant: variantKeyOf(IMAGE, "thumb", "webp"),
  marker: quarantineKeyOf(IMAGE),
  cleanupReport: cleanupReportKeyOf(DAY),
  dailyReport: dailyReportKeyOf(DAY),
};
const ROLE_OWNERS = [...FUNCTION_IDS, "migrations-runner"] as const;
type RoleOwner = (typeof ROLE_OWNERS)[number];
const needsOf = (owner: RoleOwner) => FUNCTION_NEEDS[owner === "migrations-runner" ? "migrate" : owner];

/** Every ARN the checks name, read off the mocked run. */
const arnsOf = (run: ProgramRun) => {
  const bucket = run.one("aws:s3/bucket:Bucket", "storage-bucket").state.arn as string;
  const logGroup = (owner: string) => run.one("aws:cloudwatch/logGroup:LogGroup", `${owner}-logs`).state.arn;
  const parameters = run.ofType("aws:ssm/parameter:Parameter");
  return {
    bucket,
    object: (key: string) => `${bucket}/${key}`,
    logStream: (owner: string) => `${logGroup(owner)}:log-stream:2026/11/25/[$LATEST]0123456789abcdef`,
    newLogGroup: (name: string) => `arn:aws:logs:${REGION}:${ACCOUNT_ID}:log-group:${name}`,
    queue: (id: FunctionId) =>
      run.ofType("aws:sqs/queue:Queue").find((q) => q.name === `${id}-failures`)?.state.arn,
    dbSecret: run.one("aws:rds/instance:Instance", "database-instance").state.masterUserSecrets[0].secretArn,
    otherSecret: `arn:aws:secretsmanager:${REGION}:${ACCOUNT_ID}:secret:someone-else-AbCdEf`,
    slackParameter: parameters.find((p) => p.name === "parameters-slack-webhook-url")?.state.arn as string,
    tokenParameter: parameters.find((p) => p.name === "parameters-upload-auth-token")?.state.arn as
      | string
      | undefined,
    fileSystem: run.one("aws:efs/fileSystem:FileSystem", "shared-fs-fs").state.arn as string,
    accessPoint: run.one("aws:efs/accessPoint:AccessPoint", "shared-fs-access-point").state.arn as string,
    topicKey: run.one("aws:kms/key:Key", "alarms-topic-key").state.arn as string,
    role: (owner: string) =>
      `arn:aws:iam::${ACCOUNT_ID}:role/${run.one("aws:iam/role:Role", `${owner}-role`).state.name}`,
    eni: `arn:aws:ec2:${REGION}:${ACCOUNT_ID}:network-interface/eni-0lab`,
    subnet: `arn:aws:ec2:${REGION}:${ACCOUNT_ID}:subnet/subnet-private-a`,
    securityGroup: `arn:aws:ec2:${REGION}:${ACCOUNT_ID}:security-group/network-functions-sg-id`,
  };
};

/** What SSM asks KMS when a caller reads a SecureString with decryption under the aws/ssm key. */
const viaSsm = { "kms:ViaService": `ssm.${REGION}.amazonaws.com`, "kms:CallerAccount": ACCOUNT_ID };
// The simulator reads variable keys only in the `prefix/name` form, so kms:EncryptionContext:PARAMETER_ARN
// cannot be passed; no policy here conditions on it.

const checksOf = (run: ProgramRun): Check[] => {
  const a = arnsOf(run);
  const { original, manifest, variant, marker, cleanupReport, dailyReport } = KEYS;
  const checks: Check[] = [];
  const allow = (
    who: RoleOwner | string,
    action: string,
    resource: string,
    why: string,
    context?: Check["context"],
  ) => checks.push({ who, action, resource, why, expect: "Allowed", ...(context ? { context } : {}) });
  const deny = (
    who: RoleOwner | string,
    action: string,
    resource: string,
    why: string,
    context?: Check["context"],
  ) => checks.push({ who, action, resource, why, expect: "Denied", ...(context ? { context } : {}) });
  const prefix = (p: string) => ({ "s3:prefix": p });
  const ownQueue = (id: RoleOwner) => (id === "migrations-runner" ? undefined : a.queue(id));

  // upload: src/handler.ts, src/upload-status.ts, src/index.ts.
  allow("upload", "s3:PutObject", a.object(original), "the POST form is signed with the role's credentials");
  allow("upload", "s3:GetObject", a.object(original), "upload-status.ts: HEAD of the listed original");
  allow("upload", "s3:GetObject", a.object(manifest), "upload-status.ts: GET of the manifest");
  allow("upload", "s3:GetObject", a.object(marker), "upload-status.ts: GET of the quarantine marker");
  allow(
    "upload",
    "s3:ListBucket",
    a.bucket,
    "upload-status.ts: ListObjectsV2 of the original",
    prefix(originalPrefixOf(IMAGE)),
  );
  allow(
    "upload",
    "s3:ListBucket",
    a.bucket,
    "404 for an absent manifest or marker (a GET carries no s3:prefix)",
  );
  if (a.tokenParameter) {
    allow("upload", "ssm:GetParameter", a.tokenParameter, "index.ts: the token secret, read at init");
    allow(
      "upload",
      "kms:Decrypt",
      AWS_SSM_KEY_ARN,
      "GetParameter WithDecryption (aws/ssm key policy)",
      viaSsm,
    );
  }
  deny("upload", "s3:PutObject", a.object(variant), "writes only under uploads/ (through the form)");
  deny("upload", "s3:PutObject", a.object(marker), "writes only under uploads/");
  deny("upload", "s3:PutObject", a.object(dailyReport), "writes only under uploads/");
  deny("upload", "s3:DeleteObject", a.object(original), "deletes of originals are orphan-cleanup's");
  deny("upload", "s3:GetObject", a.object(variant), "reads manifests, never variant images");
  deny("upload", "s3:GetObject", a.object(dailyReport), "reads no reports");

  // transform: src/transform-image.ts.
  allow("transform", "s3:GetObject", a.object(original), "HEAD, then GET of the original");
  allow("transform", "s3:GetObject", a.object(manifest), "HEAD of the manifest (idempotency)");
  allow("transform", "s3:GetObject", a.object(marker), "HEAD of the quarantine marker");
  allow("transform", "s3:ListBucket", a.bucket, "404 for the HEAD of an absent manifest or marker");
  allow(
    "transform",
    "s3:ListBucket",
    a.bucket,
    "removeVariants: ListObjectsV2 of the image's variants",
    prefix(variantsPrefixOf(IMAGE)),
  );
  for (const key of [variant, manifest, marker]) {
    allow("transform", "s3:PutObject", a.object(key), "writes variants, then the manifest, or the marker");
    allow("transform", "s3:DeleteObject", a.object(key), "DeleteObjects of stale variants and markers");
  }
  deny("transform", "s3:PutObject", a.object(original), "a write under uploads/ would fire transform again");
  deny("transform", "s3:DeleteObject", a.object(original), "deletes of originals are orphan-cleanup's");
  deny("transform", "s3:PutObject", a.object(dailyReport), "writes only variants/ and quarantine/");
  deny("transform", "s3:GetObject", a.object(cleanupReport), "reads no reports");

  // orphan-cleanup: src/cleanup.ts, src/prefix-scanner.ts, src/delete-queue.ts, src/state-dir.ts.
  for (const root of [PREFIXES.uploads, PREFIXES.variants, PREFIXES.quarantine])
    allow("orphan-cleanup", "s3:ListBucket", a.bucket, `ListObjectsV2 of ${root}`, prefix(root));
  for (const key of [original, variant, manifest, marker])
    allow("orphan-cleanup", "s3:DeleteObject", a.object(key), "DeleteObjects of orphans and their outputs");
  allow("orphan-cleanup", "s3:PutObject", a.object(cleanupReport), "cleanup.ts: the run's report");
  allow("orphan-cleanup", "elasticfilesystem:ClientMount", a.fileSystem, "the checkpoint on EFS", {
    "elasticfilesystem:AccessPointArn": a.accessPoint,
  });
  allow("orphan-cleanup", "elasticfilesystem:ClientWrite", a.fileSystem, "the checkpoint on EFS", {
    "elasticfilesystem:AccessPointArn": a.accessPoint,
  });
  for (const key of [original, manifest, marker])
    deny("orphan-cleanup", "s3:GetObject", a.object(key), "never reads an object: the database decides");
  deny("orphan-cleanup", "s3:ListBucket", a.bucket, "reads no key that may be absent: no 404 needed");
  deny("orphan-cleanup", "s3:ListBucket", a.bucket, "lists only the three roots", prefix(PREFIXES.reports));
  deny("orphan-cleanup", "s3:PutObject", a.object(original), "writes only its report");
  deny("orphan-cleanup", "s3:PutObject", a.object(dailyReport), "another function's report");
  deny(
    "orphan-cleanup",
    "elasticfilesystem:ClientRootAccess",
    a.fileSystem,
    "the file system policy denies root",
    { "elasticfilesystem:AccessPointArn": a.accessPoint },
  );
  deny(
    "orphan-cleanup",
    "elasticfilesystem:ClientMount",
    a.fileSystem,
    "mounts only through the access point",
  );
  deny("orphan-cleanup", "elasticfilesystem:ClientMount", a.fileSystem, "another access point", {
    "elasticfilesystem:AccessPointArn": `${a.accessPoint}-other`,
  });
  deny("orphan-cleanup", "elasticfilesystem:ClientMount", a.fileSystem, "plain-text NFS", {
    "elasticfilesystem:AccessPointArn": a.accessPoint,
    "aws:SecureTransport": "false",
  });

  // daily-stats: src/uploads.ts, src/derived.ts, src/daily-stats.ts.
  allow(
    "daily-stats",
    "s3:ListBucket",
    a.bucket,
    "uploads.ts: the day's originals",
    prefix(`${PREFIXES.uploads}2026/11/25/`),
  );
  allow(
    "daily-stats",
    "s3:ListBucket",
    a.bucket,
    "derived.ts: the day's manifests",
    prefix(`${PREFIXES.variants}2026/11/24/`),
  );
  allow(
    "daily-stats",
    "s3:ListBucket",
    a.bucket,
    "derived.ts: the day's markers",
    prefix(`${PREFIXES.quarantine}2026/11/25/`),
  );
  allow("daily-stats", "s3:ListBucket", a.bucket, "404 for a listed document deleted before its GET");
  allow("daily-stats", "s3:GetObject", a.object(manifest), "derived.ts: GET of a listed manifest");
  allow("daily-stats", "s3:GetObject", a.object(marker), "derived.ts: GET of a listed marker");
  allow("daily-stats", "s3:PutObject", a.object(dailyReport), "daily-stats.ts: the day's report");
  deny(
    "daily-stats",
    "s3:GetObject",
    a.object(original),
    "counts originals from the listing, never reads one",
  );
  deny("daily-stats", "s3:GetObject", a.object(variant), "reads manifests, never variant images");
  for (const key of [original, variant, marker])
    deny("daily-stats", "s3:DeleteObject", a.object(key), "deletes nothing");
  deny("daily-stats", "s3:PutObject", a.object(cleanupReport), "another function's report");
  deny("daily-stats", "s3:PutObject", a.object(original), "writes only its report");

  // alerts: src/index.ts, src/webhook-url.ts; the event source mappings poll with its role.
  allow("alerts", "ssm:GetParameter", a.slackParameter, "webhook-url.ts: the webhook, on first use");
  allow("alerts", "kms:Decrypt", AWS_SSM_KEY_ARN, "GetParameter WithDecryption (aws/ssm key policy)", viaSsm);
  for (const id of ["transform", "orphan-cleanup", "daily-stats"] as const) {
    const queue = a.queue(id);
    if (!queue) continue;
    for (const action of ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"])
      allow("alerts", action, queue, "the SQS event source mapping polls with the function's role");
  }
  const alertsQueue = a.queue("alerts");
  if (alertsQueue)
    deny("alerts", "sqs:ReceiveMessage", alertsQueue, "never consumes its own failures (a loop)");
  deny("upload", "ssm:GetParameter", a.slackParameter, "another function's secret");
  deny("alerts", "s3:GetObject", a.object(original), "touches no object");
  deny("alerts", "s3:ListBucket", a.bucket, "touches no object");

  // migrations-runner: packages/migrate-fn (the database secret, then SQL).
  deny("migrations-runner", "s3:GetObject", a.object(original), "touches no object");

  // Every role: its own logs, its own destination queue, VPC plumbing when in a VPC, the database secret
  // when it connects; nothing of the others', no IAM, no bucket administration, no permanent delete.
  for (const owner of ROLE_OWNERS) {
    const needs = needsOf(owner);
    allow(owner, "logs:CreateLogStream", a.logStream(owner), "the runtime's log stream in its own group");
    allow(owner, "logs:PutLogEvents", a.logStream(owner), "the runtime's logs in its own group");
    deny(
      owner,
      "logs:CreateLogGroup",
      a.newLogGroup(`/aws/lambda/${owner}-elsewhere`),
      "log groups are the program's",
    );
    deny(owner, "logs:CreateLogStream", a.logStream("database-postgresql"), "another log group");
    for (const other of ROLE_OWNERS.filter((o) => o !== owner))
      deny(owner, "logs:PutLogEvents", a.logStream(other), "another function's log group");

    const queue = ownQueue(owner);
    if (queue)
      allow(owner, "sqs:SendMessage", queue, "Lambda delivers its failed async events with its role");
    for (const id of FUNCTION_IDS.filter((id) => id !== owner)) {
      const other = a.queue(id);
      if (other) deny(owner, "sqs:SendMessage", other, "another function's failure queue");
    }
    if (owner !== "alerts") {
      const transformQueue = a.queue("transform");
      if (transformQueue) deny(owner, "sqs:ReceiveMessage", transformQueue, "only alerts consumes failures");
    }

    if (needs.vpc) {
      for (const resource of [a.eni, a.subnet, a.securityGroup])
        allow(owner, "ec2:CreateNetworkInterface", resource, "Lambda attaches the function to the VPC");
      allow(owner, "ec2:DescribeNetworkInterfaces", "*", "Lambda attaches the function to the VPC");
      allow(owner, "ec2:DescribeSubnets", "*", "Lambda attaches the function to the VPC");
      for (const action of [
        "ec2:DeleteNetworkInterface",
        "ec2:AssignPrivateIpAddresses",
        "ec2:UnassignPrivateIpAddresses",
      ])
        allow(owner, action, a.eni, "Lambda manages the function's network interfaces");
    } else {
      deny(owner, "ec2:CreateNetworkInterface", a.eni, "not a VPC function");
    }
    if (needs.database)
      allow(owner, "secretsmanager:GetSecretValue", a.dbSecret, "@lambda-lab/db: the RDS-managed secret");
    else deny(owner, "secretsmanager:GetSecretValue", a.dbSecret, "does not connect to the database");
    deny(owner, "secretsmanager:GetSecretValue", a.otherSecret, "no secret but the database's");
    if (owner !== "orphan-cleanup")
      deny(owner, "elasticfilesystem:ClientMount", a.fileSystem, "only orphan-cleanup mounts EFS", {
        "elasticfilesystem:AccessPointArn": a.accessPoint,
      });
    if (owner !== "alerts") deny(owner, "ssm:GetParameter", a.slackParameter, "another function's secret");
    if (owner !== "upload" && a.tokenParameter)
      deny(owner, "ssm:GetParameter", a.tokenParameter, "another function's secret");
    deny(owner, "kms:Decrypt", AWS_SSM_KEY_ARN, "the aws/ssm key only through SSM", {
      "kms:CallerAccount": ACCOUNT_ID,
    });
    deny(owner, "kms:Decrypt", a.topicKey, "the alerts topic's key is CloudWatch's and SNS's");

    for (const action of [
      "iam:PassRole",
      "iam:PutRolePolicy",
      "iam:AttachRolePolicy",
      "iam:UpdateAssumeRolePolicy",
    ])
      deny(owner, action, a.role(owner), "no IAM, not even on its own role");
    deny(owner, "iam:CreateRole", `arn:aws:iam::${ACCOUNT_ID}:role/${owner}-escalated`, "no IAM");
    for (const action of [
      "s3:PutBucketPolicy",
      "s3:DeleteBucketPolicy",
      "s3:DeleteBucket",
      "s3:PutBucketVersioning",
      "s3:PutLifecycleConfiguration",
      "s3:PutEncryptionConfiguration",
      "s3:PutBucketPublicAccessBlock",
      "s3:PutBucketNotification",
      "s3:PutBucketCORS",
    ])
      deny(owner, action, a.bucket, "bucket administration is the program's");
    deny(
      owner,
      "s3:DeleteObjectVersion",
      a.object(original),
      "no permanent delete: versions stay restorable",
    );
  }
  // Plain HTTP to the bucket is refused even for a call the role may make (the bucket policy).
  deny("transform", "s3:GetObject", a.object(original), "TLS only (bucket policy)", {
    "aws:SecureTransport": "false",
  });
  deny("upload", "s3:ListBucket", a.bucket, "TLS only (bucket policy)", { "aws:SecureTransport": "false" });

  // The alerts topic's key: CloudWatch encrypts alarm messages with it; no other service principal may.
  allow(
    "cloudwatch.amazonaws.com",
    "kms:GenerateDataKey",
    a.topicKey,
    "a CloudWatch alarm publishes to the encrypted topic",
  );
  allow(
    "cloudwatch.amazonaws.com",
    "kms:Decrypt",
    a.topicKey,
    "a CloudWatch alarm publishes to the encrypted topic",
  );
  deny("events.amazonaws.com", "kms:GenerateDataKey", a.topicKey, "only CloudWatch publishes to the topic");
  return checks;
};

describe.each(STACKS)("the %s stack's IAM matrix (iam-simulate over the program's policies)", (stack) => {
  let run: ProgramRun;
  let verdicts: Verdict[];
  beforeAll(async () => {
    run = await runProgram(stack);
    verdicts = await evaluate(run, checksOf(run));
    const s = summaryOf(verdicts);
    console.log(
      `IAM matrix ${stack}: checks ${s.checks}, allowed ${s.allowed}, denied ${s.denied}, unexpected ${s.unexpected}`,
    );
  });

  it("allows every call each function's code makes and denies everything on the deny list", () => {
    expect(verdicts.filter((v) => v.problem).map((v) => v.problem)).toEqual([]);
    expect(summaryOf(verdicts).checks).toBeGreaterThan(200);
  });

  it("covers every function role, allowing and denying for each", () => {
    for (const owner of ROLE_OWNERS) {
      const mine = verdicts.filter((v) => v.check.who === owner);
      expect(
        mine.some((v) => v.check.expect === "Allowed"),
        owner,
      ).toBe(true);
      expect(
        mine.some((v) => v.check.expect === "Denied"),
        owner,
      ).toBe(true);
    }
  });
});
