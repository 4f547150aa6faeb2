/**
 * AWS's naming limits for every resource of both stacks, with Pulumi's auto-name suffix where the program
 * leaves the physical name to Pulumi (the logical name plus "-" and 7 random hex characters). Limits from
 * each service's API reference: Lambda CreateFunction FunctionName, IAM CreateRole RoleName and
 * PutRolePolicy PolicyName, CloudWatch Logs CreateLogGroup logGroupName, SQS CreateQueue QueueName,
 * Scheduler CreateSchedule Name, EC2 CreateSecurityGroup GroupDescription, RDS DBInstanceIdentifier, SNS
 * CreateTopic Name, CloudWatch PutMetricAlarm AlarmName, SSM PutParameter Name, S3 CreateBucket Bucket.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { type ProgramRun, type Recorded, runProgram, STACKS } from "./harness.js";

const AUTONAME_SUFFIX = "-abcdef0"; // Pulumi's default: "-" + 7 random hex characters.

interface Rule {
  type: string;
  /** The input that holds the physical name; absent means Pulumi auto-names from the logical name. */
  field: string;
  max: number;
  chars: RegExp;
  extra?: (name: string) => string | undefined;
}

const RULES: Rule[] = [
  { type: "aws:lambda/function:Function", field: "name", max: 64, chars: /^[A-Za-z0-9_-]+$/ },
  { type: "aws:iam/role:Role", field: "name", max: 64, chars: /^[\w+=,.@-]+$/ },
  { type: "aws:iam/rolePolicy:RolePolicy", field: "name", max: 128, chars: /^[\w+=,.@-]+$/ },
  { type: "aws:cloudwatch/logGroup:LogGroup", field: "name", max: 512, chars: /^[.\-_/#A-Za-z0-9]+$/ },
  { type: "aws:sqs/queue:Queue", field: "name", max: 80, chars: /^[A-Za-z0-9_-]+$/ },
  { type: "aws:scheduler/schedule:Schedule", field: "name", max: 64, chars: /^[0-9a-zA-Z._-]+$/ },
  { type: "aws:sns/topic:Topic", field: "name", max: 256, chars: /^[A-Za-z0-9_-]+$/ },
  { type: "aws:cloudwatch/metricAlarm:MetricAlarm", field: "name", max: 255, chars: /^[\x20-\x7e]+$/ },
  { type: "aws:ssm/parameter:Parameter", field: "name", max: 2048, chars: /^[a-zA-Z0-9_.\-/]+$/ },
  // S3 general purpose bucket naming rules: 3–63 lower-case letters, digits, dots and hyphens.
  { type: "aws:s3/bucket:Bucket", field: "bucket", max: 63, chars: /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/ },
  {
    type: "aws:rds/instance:Instance",
    field: "identifier",
    max: 63,
    chars: /^[a-z][a-z0-9-]*$/,
    extra: (n) =>
      n.includes("--") || n.endsWith("-") ? "has two hyphens in a row or ends with one" : undefined,
  },
];

const physicalName = (resource: Recorded, field: string): string =>
  resource.inputs[field] ?? `${resource.name}${AUTONAME_SUFFIX}`;

describe.each(STACKS)("%s: names within AWS's limits", (stack) => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runProgram(stack);
  });

  it.each(RULES.map((r) => [r.type, r] as const))("%s", (_type, rule) => {
    const resources = run.ofType(rule.type);
    expect(resources.length, `${rule.type} in ${stack}`).toBeGreaterThan(0);
    for (const resource of resources) {
      const name = physicalName(resource, rule.field);
      expect(name.length, `${rule.type} ${name}: at most ${rule.max} characters`).toBeLessThanOrEqual(
        rule.max,
      );
      expect(name, `${rule.type} ${name}: allowed characters`).toMatch(rule.chars);
      expect(rule.extra?.(name), `${rule.type} ${name}`).toBeUndefined();
    }
  });

  it("security group and rule descriptions are ASCII (EC2 refuses anything else) and at most 255 characters", () => {
    const described = [
      ...run.ofType("aws:ec2/securityGroup:SecurityGroup"),
      ...run.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"),
      ...run.ofType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"),
    ];
    for (const resource of described) {
      const description: string = resource.inputs.description ?? "";
      // EC2: a-z, A-Z, 0-9, spaces, and ._-:/()#,@[]+=&;{}!$*
      expect(description, resource.name).toMatch(/^[a-zA-Z0-9 ._\-:/()#,@[\]+=&;{}!$*]*$/);
      expect(description.length).toBeLessThanOrEqual(255);
    }
  });
});

describe("stack names", () => {
  it("are refused before planning when a function name would pass Lambda's 64 characters", async () => {
    const { parseStackConfig } = await import("../src/stack-config.js");
    expect(() => parseStackConfig("a-stack-name-that-is-far-too-long-for-it", {})).toThrow(
      /Lambda allows 64/,
    );
    expect(() => parseStackConfig("Staging_1", {})).toThrow(/lower-case letters, digits and single hyphens/);
    expect(() => parseStackConfig("staging", {})).not.toThrow();
  });
});
