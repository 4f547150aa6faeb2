/**
 * Assertions every stack must satisfy, run against a mocked run of the program with that stack's real
 * config file. The stack-specific differences live in program.<stack>.test.ts.
 */
import { AlertsEnv } from "@lambda-lab/alerts/env";
import { onFailureSourcesOf } from "@lambda-lab/catalog";
import { DailyStatsEnv } from "@lambda-lab/daily-stats/env";
import { OrphanCleanupEnv } from "@lambda-lab/orphan-cleanup/env";
import { TransformEnv } from "@lambda-lab/transform/env";
import { UploadEnv } from "@lambda-lab/upload/env";
import { beforeAll, describe, expect, it } from "vitest";
// The functions' env schemas are zod/mini (their bundles carry no classic zod).
import type * as z from "zod/mini";
import { FUNCTION_IDS, FUNCTION_NEEDS, type FunctionId } from "../src/stack-config.js";
import { type ProgramRun, REGION, runProgram, TEST_SECRETS } from "./harness.js";

export const T = {
  fn: "aws:lambda/function:Function",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
  permission: "aws:lambda/permission:Permission",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  sg: "aws:ec2/securityGroup:SecurityGroup",
  alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
  queue: "aws:sqs/queue:Queue",
  invokeConfig: "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig",
  schedule: "aws:scheduler/schedule:Schedule",
  db: "aws:rds/instance:Instance",
  vpc: "awsx:ec2:Vpc",
  instance: "aws:ec2/instance:Instance",
  endpoint: "aws:ec2/vpcEndpoint:VpcEndpoint",
} as const;

export const SCHEMAS: Record<FunctionId, z.ZodMiniType> = {
  upload: UploadEnv,
  transform: TransformEnv,
  "orphan-cleanup": OrphanCleanupEnv,
  "daily-stats": DailyStatsEnv,
  alerts: AlertsEnv,
};

/** What the Lambda runtime itself puts in every function's environment (never set by the program). */
export const lambdaProvided = (memoryMb: number): Record<string, string> => ({
  AWS_REGION: REGION,
  AWS_ACCESS_KEY_ID: "ASIAEXAMPLEKEY",
  AWS_SECRET_ACCESS_KEY: "example-secret-access-key",
  AWS_SESSION_TOKEN: "example-session-token",
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(memoryMb),
});

type Statement = {
  Effect: string;
  Action: string | string[];
  Resource: string | string[];
  Condition?: unknown;
};
export const statementsOf = (run: ProgramRun, roleOwner: string): Statement[] =>
  run
    .ofType(T.rolePolicy)
    .filter((p) => p.name === `${roleOwner}-policy`)
    .flatMap(
      (p) => (typeof p.inputs.policy === "string" ? JSON.parse(p.inputs.policy) : p.inputs.policy).Statement,
    );
const actions = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);
const resources = (s: Statement) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]);

export const describeWiring = (stack: string, load: () => ProgramRun) => {
  let run: ProgramRun;
  beforeAll(() => {
    run = load();
  });
  const fn = (id: string) => run.one(T.fn, id);
  const sgId = (name: string) => `network-${name}-sg-id`;

  describe(`${stack}: functions`, () => {
    it("deploys the five functions and the migration runner on the stack's runtime and architecture", () => {
      const functions = run.ofType(T.fn);
      expect(functions.map((f) => f.name).sort()).toEqual([...FUNCTION_IDS, "migrations-runner"].sort());
      for (const f of functions) {
        expect(f.inputs.runtime).toBe(run.config.lambdaRuntime);
        expect(f.inputs.handler).toBe("index.handler");
        expect(f.inputs.architectures).toEqual([run.config.architecture]);
        expect(f.inputs.environment.variables.NODE_OPTIONS).toBe("--enable-source-maps");
      }
    });

    it("gives each function its memory, timeout and reserved concurrency from the stack config", () => {
      for (const id of FUNCTION_IDS) {
        const settings = run.config.functions[id];
        expect(fn(id).inputs.memorySize, id).toBe(settings.memoryMb);
        expect(fn(id).inputs.timeout, id).toBe(settings.timeoutSeconds);
        expect(fn(id).inputs.reservedConcurrentExecutions, id).toBe(settings.reservedConcurrency);
      }
    });

    it("creates each log group first, with the stack's retention, and logs JSON into it", () => {
      for (const f of run.ofType(T.fn)) {
        const group = run.one(T.logGroup, `${f.name}-logs`);
        expect(group.inputs.name).toBe(`/aws/lambda/${f.inputs.name}`);
        expect(group.inputs.retentionInDays).toBe(run.config.logRetentionDays);
        expect(f.inputs.loggingConfig).toMatchObject({ logFormat: "JSON", logGroup: group.inputs.name });
        expect(f.dependencies).toContain(group.urn);
      }
    });

    it("puts only the database and EFS functions in the VPC, in the private subnets with the functions group", () => {
      for (const id of [...FUNCTION_IDS, "migrate" as const]) {
        const f = fn(id === "migrate" ? "migrations-runner" : id);
        if (FUNCTION_NEEDS[id].vpc) {
          expect(f.inputs.vpcConfig, id).toEqual({
            subnetIds: ["subnet-private-a", "subnet-private-b"],
            securityGroupIds: [sgId("functions")],
          });
        } else {
          expect(f.inputs.vpcConfig, id).toBeUndefined();
        }
      }
    });

    it("mounts the EFS access point at /mnt/lab in orphan-cleanup, after both mount targets exist", () => {
      const f = fn("orphan-cleanup");
      const accessPoint = run.one("aws:efs/accessPoint:AccessPoint", "shared-fs-access-point");
      expect(f.inputs.fileSystemConfig).toEqual({ arn: accessPoint.state.arn, localMountPath: "/mnt/lab" });
      const mounts = run.ofType("aws:efs/mountTarget:MountTarget");
      expect(mounts.map((m) => m.inputs.subnetId).sort()).toEqual(["subnet-private-a", "subnet-private-b"]);
      for (const m of mounts) {
        expect(m.inputs.securityGroups).toEqual([sgId("efs")]);
        expect(f.dependencies).toContain(m.urn);
      }
      expect(f.inputs.environment.variables.STATE_DIR).toBe("/mnt/lab");
      expect(fn("daily-stats").inputs.fileSystemConfig).toBeUndefined();
    });

    it("keeps EFS encrypted behind a non-root access point", () => {
      expect(run.one("aws:efs/fileSystem:FileSystem", "shared-fs-fs").inputs.encrypted).toBe(true);
      const ap = run.one("aws:efs/accessPoint:AccessPoint", "shared-fs-access-point").inputs;
      expect(ap.posixUser.uid).toBeGreaterThan(0);
      expect(ap.posixUser.gid).toBeGreaterThan(0);
      expect(ap.rootDirectory).toMatchObject({ path: "/lab", creationInfo: { ownerUid: ap.posixUser.uid } });
    });

    it("scopes every S3 grant to the prefixes the function uses, never the whole bucket", () => {
      const bucketArn = run.one("aws:s3/bucket:Bucket", "storage-bucket").state.arn as string;
      const objectGrants = (id: string, action: string) =>
        statementsOf(run, id)
          .filter((s) => actions(s).includes(action))
          .flatMap(resources)
          .map((r) => r.replace(`${bucketArn}/`, ""))
          .sort();
      expect(objectGrants("upload", "s3:PutObject")).toEqual(["uploads/*"]);
      expect(objectGrants("transform", "s3:PutObject")).toEqual(["quarantine/*", "variants/*"]);
      expect(objectGrants("transform", "s3:DeleteObject")).toEqual(["quarantine/*", "variants/*"]);
      expect(objectGrants("orphan-cleanup", "s3:DeleteObject")).toEqual([
        "quarantine/*",
        "uploads/*",
        "variants/*",
      ]);
      expect(objectGrants("daily-stats", "s3:PutObject")).toEqual(["reports/daily/*"]);
      expect(objectGrants("daily-stats", "s3:DeleteObject")).toEqual([]);
      expect(objectGrants("alerts", "s3:GetObject")).toEqual([]);
      for (const id of FUNCTION_IDS) {
        for (const s of statementsOf(run, id)) {
          if (actions(s).some((a) => a.startsWith("s3:")) && !actions(s).includes("s3:ListBucket")) {
            expect(resources(s), id).not.toContain(`${bucketArn}/*`);
          }
          // S3 answers 404 for a missing key only with an unconditioned ListBucket (GetObject/HeadObject docs).
          if (actions(s).includes("s3:ListBucket") && !["upload", "transform", "daily-stats"].includes(id))
            expect(s.Condition, id).toBeDefined();
        }
      }
    });

    it("lets the database functions read only the RDS-managed secret, and trust the RDS CA", () => {
      const secretArn = run.one(T.db, "database-instance").state.masterUserSecrets[0].secretArn;
      for (const id of ["orphan-cleanup", "daily-stats", "migrations-runner"]) {
        const grants = statementsOf(run, id).filter((s) =>
          actions(s).includes("secretsmanager:GetSecretValue"),
        );
        expect(grants.flatMap(resources), id).toEqual([secretArn]);
        const env = fn(id).inputs.environment.variables;
        expect(env.DATABASE_SECRET_ARN).toBe(secretArn);
        expect(env.NODE_EXTRA_CA_CERTS).toBe("/var/runtime/ca-cert.pem");
        expect(env.DATABASE_SSL).toBe("require");
      }
      for (const id of ["upload", "transform", "alerts"]) {
        expect(
          statementsOf(run, id).some((s) => actions(s).some((a) => a.startsWith("secretsmanager:"))),
        ).toBe(false);
      }
    });

    it("lets alerts read its webhook parameter, decrypted by SSM through the aws/ssm key's own policy", () => {
      const parameter = run.one("aws:ssm/parameter:Parameter", "parameters-slack-webhook-url");
      expect(parameter.inputs.type).toBe("SecureString");
      const statements = statementsOf(run, "alerts");
      const get = statements.find((s) => actions(s).includes("ssm:GetParameter"));
      expect(get && resources(get)).toEqual([parameter.state.arn]);
      // The aws/ssm key policy already admits the account's roles through SSM: no KMS grant of its own.
      expect(statements.filter((s) => actions(s).some((a) => a.startsWith("kms:")))).toEqual([]);
      expect(fn("alerts").inputs.environment.variables.SLACK_WEBHOOK_PARAMETER).toBe(parameter.state.name);
    });

    it("never puts the webhook URL in a function's environment", () => {
      for (const f of run.ofType(T.fn)) {
        expect(JSON.stringify(f.inputs.environment)).not.toContain(TEST_SECRETS.slackWebhookUrl);
      }
    });
  });

  describe(`${stack}: environment contract`, () => {
    it.each(FUNCTION_IDS)("supplies every variable %s's env schema requires", (id) => {
      const f = fn(id);
      const env = { ...lambdaProvided(f.inputs.memorySize), ...f.inputs.environment.variables };
      const result = SCHEMAS[id].safeParse(env);
      expect(
        result.success ? [] : result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`),
      ).toEqual([]);
    });

    it("passes the stack's settings through, not the functions' defaults", () => {
      const orphan = OrphanCleanupEnv.parse({
        ...lambdaProvided(512),
        ...fn("orphan-cleanup").inputs.environment.variables,
      });
      expect(orphan.GRACE_PERIOD_HOURS).toBe(run.config.orphanCleanup.gracePeriodHours);
      expect(orphan.TIME_ZONE).toBe(run.config.timeZone);
      const stats = DailyStatsEnv.parse({
        ...lambdaProvided(256),
        ...fn("daily-stats").inputs.environment.variables,
      });
      expect(stats.TIME_ZONE).toBe(run.config.timeZone);
      const upload = UploadEnv.parse({
        ...lambdaProvided(256),
        ...fn("upload").inputs.environment.variables,
      });
      expect(upload.CORS_ALLOWED_ORIGINS).toEqual(run.config.upload.corsAllowedOrigins);
      expect(upload.MAX_UPLOAD_BYTES).toBe(run.config.upload.maxUploadBytes);
      expect(upload.AUTH_MODE).toBe(run.config.upload.authMode);
    });
  });

  describe(`${stack}: triggers`, () => {
    it("gives every resource-based permission a sourceArn", () => {
      const permissions = run.ofType(T.permission);
      expect(permissions.length).toBeGreaterThanOrEqual(4);
      for (const p of permissions) expect(p.inputs.sourceArn, p.name).toMatch(/^arn:aws:/);
    });

    it("invokes transform for objects created under uploads/, allowed from this bucket only", () => {
      const bucket = run.one("aws:s3/bucket:Bucket", "storage-bucket");
      const permission = run.one(T.permission, "triggers-s3-invokes-transform");
      expect(permission.inputs).toMatchObject({
        function: `lambda-lab-${stack}-transform`,
        principal: "s3.amazonaws.com",
        sourceArn: bucket.state.arn,
        sourceAccount: "123456789012",
      });
      const notification = run.one(
        "aws:s3/bucketNotification:BucketNotification",
        "triggers-bucket-notification",
      );
      // transform's entry; the notification's whole set is the catalog's (catalog-wiring.test.ts).
      expect(notification.inputs.lambdaFunctions).toContainEqual({
        lambdaFunctionArn: fn("transform").state.arn,
        events: ["s3:ObjectCreated:*"],
        filterPrefix: "uploads/",
      });
      expect(notification.dependencies).toContain(permission.urn);
    });

    it("schedules orphan-cleanup and daily-stats with EventBridge Scheduler in the stack's time zone", () => {
      const schedules = run.ofType(T.schedule);
      const byTarget = Object.fromEntries(schedules.map((s) => [s.inputs.target.arn, s.inputs]));
      for (const [id, expression] of [
        ["orphan-cleanup", run.config.orphanCleanup.schedule],
        ["daily-stats", run.config.dailyStats.schedule],
      ] as const) {
        const schedule = byTarget[fn(id).state.arn];
        expect(schedule, id).toMatchObject({
          scheduleExpression: expression,
          scheduleExpressionTimezone: run.config.timeZone,
          flexibleTimeWindow: { mode: "OFF" },
        });
        // Scheduler's dead letters are not Lambda invocation records: their own queue, not the failures'.
        expect(schedule.target.deadLetterConfig.arn).toBe(
          run.one(T.queue, "triggers-scheduler-dead-letters").state.arn,
        );
      }
      expect(schedules).toHaveLength(2);
      if (run.config.database.migrateOnDeploy) {
        const migrated = run.urnOf("aws:lambda/invocation:Invocation", "migrations-run");
        for (const schedule of schedules) expect(schedule.dependencies).toContain(migrated);
      }
      const deadLetterAlarm = run.one(
        "aws:cloudwatch/metricAlarm:MetricAlarm",
        "alarms-scheduler-dead-letters",
      );
      expect(deadLetterAlarm.inputs.dimensions.QueueName).toBe(
        run.one(T.queue, "triggers-scheduler-dead-letters").state.name,
      );
      const schedulerPolicy = run.one(T.rolePolicy, "triggers-scheduler-policy").inputs.policy;
      const invoke = schedulerPolicy.Statement.find((s: Statement) =>
        actions(s).includes("lambda:InvokeFunction"),
      );
      expect(resources(invoke).sort()).toEqual(
        [fn("orphan-cleanup").state.arn, fn("daily-stats").state.arn].sort(),
      );
    });

    it("puts upload behind an HTTP API with CORS for the configured origins", () => {
      const api = run.one("aws:apigatewayv2/api:Api", "triggers-upload-api").inputs;
      expect(api.protocolType).toBe("HTTP");
      expect(api.corsConfiguration.allowOrigins).toEqual(run.config.upload.corsAllowedOrigins);
      const integration = run.one(
        "aws:apigatewayv2/integration:Integration",
        "triggers-upload-integration",
      ).inputs;
      expect(integration.integrationUri).toBe(fn("upload").state.arn);
      const routes = run.ofType("aws:apigatewayv2/route:Route").map((r) => r.inputs.routeKey);
      expect(routes.sort()).toEqual(["GET /uploads/{id}", "POST /uploads"]);
      expect(run.one(T.permission, "triggers-api-invokes-upload").inputs.sourceArn).toBe(
        "arn:aws:execute-api:eu-west-1:123456789012:api0lab/*/*",
      );
      expect(run.outputs.uploadApiUrl).toMatch(/^https:\/\//);
    });

    it("sends every async function's failures to its own SQS queue, watched by a depth alarm", () => {
      for (const id of ["transform", "orphan-cleanup", "daily-stats", "alerts"]) {
        const queue = run.one(T.queue, `${id}-failures`);
        const config = run.one(T.invokeConfig, `${id}-async`).inputs;
        expect(config.destinationConfig.onFailure.destination).toBe(queue.state.arn);
        expect(statementsOf(run, id)).toContainEqual({
          Effect: "Allow",
          Action: "sqs:SendMessage",
          Resource: queue.state.arn,
        });
        const depth = run.one(T.alarm, `alarms-${id}-failures-depth`).inputs;
        expect(depth.dimensions).toEqual({ QueueName: queue.state.name });
        expect(depth.metricName).toBe("ApproximateNumberOfMessagesVisible");
      }
      expect(run.ofType(T.invokeConfig).map((c) => c.name)).not.toContain("upload-async");
    });

    it("feeds the other functions' failure queues to alerts, but not its own", () => {
      const mappings = run.ofType("aws:lambda/eventSourceMapping:EventSourceMapping");
      const sources = mappings.map((m) => m.inputs.eventSourceArn).sort();
      expect(sources).toEqual(
        onFailureSourcesOf("alerts")
          .map((id) => run.one(T.queue, `${id}-failures`).state.arn)
          .sort(),
      );
      expect(sources).not.toContain(run.one(T.queue, "alerts-failures").state.arn);
      for (const m of mappings) expect(m.inputs.functionName).toBe(fn("alerts").state.arn);
    });
  });

  describe(`${stack}: network`, () => {
    it("spans two AZs with an S3 gateway endpoint", () => {
      const vpc = run.one(T.vpc, "network-vpc").inputs;
      expect(vpc.numberOfAvailabilityZones).toBe(2);
      expect(vpc.vpcEndpointSpecs).toEqual([
        { serviceName: `com.amazonaws.${REGION}.s3`, vpcEndpointType: "Gateway" },
      ]);
      expect(vpc.subnetSpecs.map((s: { type: string }) => s.type)).toEqual(
        expect.arrayContaining(["Public", "Private"]),
      );
    });

    it("opens the database port only to the functions (and web-app) groups, and NFS only to the functions", () => {
      const rules = run.ofType(T.ingress).map((r) => r.inputs);
      const into = (group: string) => rules.filter((r) => r.securityGroupId === sgId(group));
      const expectedDbSources = [sgId("functions"), ...(run.config.webApp.enabled ? [sgId("web-app")] : [])];
      expect(
        into("database")
          .map((r) => r.referencedSecurityGroupId)
          .sort(),
      ).toEqual(expectedDbSources.sort());
      for (const r of into("database")) expect([r.fromPort, r.toPort]).toEqual([5432, 5432]);
      expect(into("efs")).toEqual([
        expect.objectContaining({
          referencedSecurityGroupId: sgId("functions"),
          fromPort: 2049,
          toPort: 2049,
        }),
      ]);
      expect(into("functions")).toEqual([]);
    });

    it("allows world ingress only for HTTP/HTTPS to a public web-app host", () => {
      for (const rule of run.ofType(T.ingress)) {
        if (rule.inputs.cidrIpv4 === undefined) continue;
        expect(run.config.webApp.public, rule.name).toBe(true);
        expect(rule.inputs.securityGroupId).toBe(sgId("web-app"));
        expect([80, 443]).toContain(rule.inputs.fromPort);
      }
    });
  });

  describe(`${stack}: database`, () => {
    it("is private, encrypted, and keeps its password in Secrets Manager (never in state)", () => {
      const db = run.one(T.db, "database-instance").inputs;
      expect(db).toMatchObject({
        engine: "postgres",
        engineVersion: "17",
        publiclyAccessible: false,
        storageEncrypted: true,
        manageMasterUserPassword: true,
      });
      expect(db.password).toBeUndefined();
      expect(JSON.stringify(run.outputs)).not.toMatch(/password/i);
    });

    it("logs slow statements past the configured threshold into a log group made first", () => {
      const params = run.one("aws:rds/parameterGroup:ParameterGroup", "database-parameters").inputs;
      expect(params.family).toBe("postgres17");
      expect(params.parameters).toContainEqual(
        expect.objectContaining({
          name: "log_min_duration_statement",
          value: String(run.config.database.slowQueryMs),
        }),
      );
      const group = run.one(T.logGroup, "database-postgresql-logs");
      expect(group.inputs.name).toBe(`/aws/rds/instance/lambda-lab-${stack}/postgresql`);
      expect(group.inputs.retentionInDays).toBe(run.config.logRetentionDays);
      const db = run.one(T.db, "database-instance");
      expect(db.inputs.enabledCloudwatchLogsExports).toContain("postgresql");
      expect(db.dependencies).toContain(group.urn);
    });

    it("streams slow statements to alerts through a subscription filter with a scoped permission", () => {
      const group = run.one(T.logGroup, "database-postgresql-logs");
      const filter = run.one(
        "aws:cloudwatch/logSubscriptionFilter:LogSubscriptionFilter",
        "alarms-slow-queries",
      );
      expect(filter.inputs).toMatchObject({
        logGroup: group.inputs.name,
        destinationArn: fn("alerts").state.arn,
      });
      const permission = run.one(T.permission, "alarms-logs-invoke-alerts");
      expect(permission.inputs.sourceArn).toBe(`${group.state.arn}:*`);
      expect(permission.inputs.principal).toBe(`logs.${REGION}.amazonaws.com`);
      expect(filter.dependencies).toContain(permission.urn);
    });

    it("runs the migrations from inside the VPC once the database exists", () => {
      const invocation = run.one("aws:lambda/invocation:Invocation", "migrations-run");
      expect(invocation.inputs.functionName).toBe(fn("migrations-runner").state.name);
      expect(invocation.inputs.triggers.migrations).toMatch(/^[0-9a-f]{64}$/);
      expect(invocation.dependencies).toContain(run.urnOf(T.db, "database-instance"));
      // It reads the database secret first: the Secrets Manager endpoint (no NAT) or the NAT route must exist.
      expect(invocation.dependencies).toContain(run.urnOf(T.vpc, "network-vpc"));
      for (const endpoint of run.ofType(T.endpoint)) expect(invocation.dependencies).toContain(endpoint.urn);
    });
  });

  describe(`${stack}: storage`, () => {
    it("blocks public access, enforces ownership, encrypts, and denies plain HTTP", () => {
      expect(
        run.one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "storage-public-access").inputs,
      ).toMatchObject({
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      });
      expect(
        run.one("aws:s3/bucketOwnershipControls:BucketOwnershipControls", "storage-ownership").inputs.rule
          .objectOwnership,
      ).toBe("BucketOwnerEnforced");
      const sse = run.one(
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        "storage-encryption",
      );
      expect(sse.inputs.rules[0].applyServerSideEncryptionByDefault.sseAlgorithm).toBe("AES256");
      const policy = run.one("aws:s3/bucketPolicy:BucketPolicy", "storage-tls-only").inputs.policy;
      expect(policy.Statement[0]).toMatchObject({
        Effect: "Deny",
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      });
    });

    it("aborts stale multipart uploads, expires quarantine and allows the configured origins", () => {
      const rules = run.one(
        "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
        "storage-lifecycle",
      ).inputs.rules;
      expect(rules).toContainEqual(
        expect.objectContaining({ abortIncompleteMultipartUpload: { daysAfterInitiation: 1 } }),
      );
      expect(rules).toContainEqual(
        expect.objectContaining({
          filter: { prefix: "quarantine/" },
          expiration: { days: run.config.storage.quarantineExpirationDays },
        }),
      );
      const cors = run.one("aws:s3/bucketCorsConfiguration:BucketCorsConfiguration", "storage-cors").inputs;
      expect(cors.corsRules[0].allowedOrigins).toEqual(run.config.upload.corsAllowedOrigins);
      expect(cors.corsRules[0].allowedMethods).toContain("POST");
    });
  });

  describe(`${stack}: alarms`, () => {
    it("alarms on RDS CPU, free storage and connections into the alerts topic", () => {
      const topic = run.one("aws:sns/topic:Topic", "alarms-topic").state.arn;
      for (const [id, metric] of [
        ["db-cpu", "CPUUtilization"],
        ["db-free-storage", "FreeStorageSpace"],
        ["db-connections", "DatabaseConnections"],
      ]) {
        const alarm = run.one(T.alarm, `alarms-${id}`).inputs;
        expect(alarm).toMatchObject({ namespace: "AWS/RDS", metricName: metric, alarmActions: [topic] });
        expect(alarm.dimensions).toEqual({ DBInstanceIdentifier: `lambda-lab-${stack}` });
      }
      const subscription = run.one(
        "aws:sns/topicSubscription:TopicSubscription",
        "alarms-alerts-subscription",
      );
      expect(subscription.inputs).toMatchObject({
        topic,
        protocol: "lambda",
        endpoint: fn("alerts").state.arn,
      });
      expect(run.one(T.permission, "alarms-sns-invokes-alerts").inputs.sourceArn).toBe(topic);
    });

    it("alarms on each function's errors and throttles, and on account concurrency near the limit", () => {
      for (const id of FUNCTION_IDS) {
        for (const metric of ["Errors", "Throttles"]) {
          const alarm = run.one(T.alarm, `alarms-${id}-${metric.toLowerCase()}`).inputs;
          expect(alarm).toMatchObject({
            namespace: "AWS/Lambda",
            metricName: metric,
            dimensions: { FunctionName: fn(id).state.name },
          });
        }
      }
      const account = run.one(T.alarm, "alarms-account-concurrency").inputs;
      expect(account.metricName).toBe("ConcurrentExecutions");
      expect(account.threshold).toBe(
        Math.floor((run.config.concurrency.accountLimit * run.config.concurrency.alarmPercent) / 100),
      );
    });
  });

  describe(`${stack}: outputs`, () => {
    it("exports the bucket, the upload API URL, the function names and the database endpoint", () => {
      expect(run.outputs.bucketName).toBe(run.one("aws:s3/bucket:Bucket", "storage-bucket").state.bucket);
      expect(run.outputs.functionNames).toEqual(
        Object.fromEntries(FUNCTION_IDS.map((id) => [id, `lambda-lab-${stack}-${id}`])),
      );
      expect(run.outputs.databaseEndpoint).toBe(`lambda-lab-${stack}.c0lab.${REGION}.rds.amazonaws.com:5432`);
    });
  });
};

export { runProgram };
