import { failureQueueNameOf } from "@lambda-lab/catalog";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { Artifact } from "../artifacts.js";

export interface NodeFunctionArgs {
  /** Physical function name; the log group is created first under /aws/lambda/<functionName>. */
  functionName: string;
  description: string;
  /** Verified artifact (dist/<arch>.zip) of the function package. */
  artifact: Artifact;
  architecture: "arm64" | "x86_64";
  /** The stack's lambdaRuntime: the artifact was built for and verified on it. */
  runtime: "nodejs22.x" | "nodejs24.x";
  memoryMb: number;
  timeoutSeconds: number;
  /** Reserved concurrency from the stack config; undefined leaves it unreserved. */
  reservedConcurrency: number | undefined;
  environment: Record<string, pulumi.Input<string>>;
  /** Least privilege, scoped to the prefixes and resources the function uses. */
  statements: aws.iam.PolicyStatement[];
  logRetentionDays: number;
  vpc?: { subnetIds: pulumi.Input<string[]>; securityGroupIds: pulumi.Input<string>[] };
  /** EFS access point, mounted at `mountPath`; the function waits for the mount targets. */
  fileSystem?: {
    accessPointArn: pulumi.Input<string>;
    fileSystemArn: pulumi.Input<string>;
    mountPath: string;
    mountTargets: pulumi.Resource[];
  };
  /**
   * For asynchronously invoked functions: failed events (after `retryAttempts` Lambda retries) go to an
   * SQS on-failure destination instead of vanishing.
   */
  asyncFailures?: { retryAttempts: 0 | 1 | 2; maximumEventAgeSeconds?: number };
}

/**
 * What Lambda needs to attach a function to a VPC: the ENI actions of AWS's AWSLambdaVPCAccessExecutionRole
 * (v3, edited 2024-01-05), without its logs:CreateLogGroup/CreateLogStream/PutLogEvents on "*" (every
 * function already writes only to its own log group, created by the program). The Describe actions work only
 * on "*", and Lambda may fail to reach the VPC when DeleteNetworkInterface names no resource, so "*" is the
 * documented minimum: https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html and
 * https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSLambdaVPCAccessExecutionRole.html
 */
export const VPC_NETWORK_INTERFACES: aws.iam.PolicyStatement = {
  Sid: "LambdaManagesVpcNetworkInterfaces",
  Effect: "Allow",
  Action: [
    "ec2:CreateNetworkInterface",
    "ec2:DescribeNetworkInterfaces",
    "ec2:DescribeSubnets",
    "ec2:DeleteNetworkInterface",
    "ec2:AssignPrivateIpAddresses",
    "ec2:UnassignPrivateIpAddresses",
  ],
  Resource: "*",
};

/** A Node.js Lambda with its own role, log group (retention, JSON logs) and least-privilege policy. */
export class NodeFunction extends pulumi.ComponentResource {
  readonly function: aws.lambda.Function;
  readonly role: aws.iam.Role;
  readonly logGroup: aws.cloudwatch.LogGroup;
  readonly failureQueue: aws.sqs.Queue | undefined;
  readonly arn: pulumi.Output<string>;
  readonly name: pulumi.Output<string>;

  constructor(name: string, args: NodeFunctionArgs, opts?: pulumi.ComponentResourceOptions) {
    super("lambda-lab:lambda:NodeFunction", name, {}, opts);

    // Created before the function: otherwise Lambda creates it on first log, without retention, outside state.
    this.logGroup = new aws.cloudwatch.LogGroup(
      `${name}-logs`,
      { name: `/aws/lambda/${args.functionName}`, retentionInDays: args.logRetentionDays },
      { parent: this },
    );

    this.role = new aws.iam.Role(
      `${name}-role`,
      {
        description: `Execution role of ${args.functionName}`,
        assumeRolePolicy: {
          Version: "2012-10-17",
          Statement: [
            { Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" },
          ],
        },
      },
      { parent: this },
    );

    const logStatement: aws.iam.PolicyStatement = {
      Effect: "Allow",
      Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
      Resource: pulumi.interpolate`${this.logGroup.arn}:*`,
    };
    // EFS consults these only because the file system has a policy (shared-fs.ts); only the access point.
    const fsStatements: aws.iam.PolicyStatement[] = args.fileSystem
      ? [
          {
            Effect: "Allow",
            Action: ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
            Resource: args.fileSystem.fileSystemArn,
            Condition: {
              StringEquals: { "elasticfilesystem:AccessPointArn": args.fileSystem.accessPointArn },
            },
          },
        ]
      : [];
    if (args.asyncFailures) {
      this.failureQueue = new aws.sqs.Queue(
        `${name}-failures`,
        {
          name: failureQueueNameOf(args.functionName),
          sqsManagedSseEnabled: true,
          messageRetentionSeconds: 14 * 24 * 3600,
          // At least the longest Lambda timeout, so any consumer (the alerts function) may read it.
          visibilityTimeoutSeconds: 900,
        },
        { parent: this },
      );
    }
    // Lambda delivers to a destination with the function's own role.
    const destinationStatements: aws.iam.PolicyStatement[] = this.failureQueue
      ? [{ Effect: "Allow", Action: "sqs:SendMessage", Resource: this.failureQueue.arn }]
      : [];
    const vpcStatements: aws.iam.PolicyStatement[] = args.vpc ? [VPC_NETWORK_INTERFACES] : [];
    const policy = new aws.iam.RolePolicy(
      `${name}-policy`,
      {
        role: this.role.id,
        policy: {
          Version: "2012-10-17",
          Statement: [
            logStatement,
            ...vpcStatements,
            ...fsStatements,
            ...destinationStatements,
            ...args.statements,
          ],
        },
      },
      { parent: this },
    );

    const dependsOn: pulumi.Resource[] = [this.logGroup, policy, ...(args.fileSystem?.mountTargets ?? [])];

    this.function = new aws.lambda.Function(
      name,
      {
        name: args.functionName,
        description: args.description,
        role: this.role.arn,
        runtime: args.runtime,
        handler: "index.handler",
        architectures: [args.architecture],
        code: args.artifact.code,
        sourceCodeHash: args.artifact.sourceCodeHash,
        memorySize: args.memoryMb,
        timeout: args.timeoutSeconds,
        reservedConcurrentExecutions: args.reservedConcurrency,
        environment: { variables: { NODE_OPTIONS: "--enable-source-maps", ...args.environment } },
        loggingConfig: {
          logFormat: "JSON",
          logGroup: this.logGroup.name,
          applicationLogLevel: "INFO",
          systemLogLevel: "WARN",
        },
        vpcConfig: args.vpc
          ? { subnetIds: args.vpc.subnetIds, securityGroupIds: args.vpc.securityGroupIds }
          : undefined,
        fileSystemConfig: args.fileSystem
          ? { arn: args.fileSystem.accessPointArn, localMountPath: args.fileSystem.mountPath }
          : undefined,
      },
      { parent: this, dependsOn },
    );

    if (this.failureQueue && args.asyncFailures) {
      new aws.lambda.FunctionEventInvokeConfig(
        `${name}-async`,
        {
          functionName: this.function.name,
          maximumRetryAttempts: args.asyncFailures.retryAttempts,
          maximumEventAgeInSeconds: args.asyncFailures.maximumEventAgeSeconds ?? 6 * 3600,
          destinationConfig: { onFailure: { destination: this.failureQueue.arn } },
        },
        { parent: this },
      );
    }

    this.arn = this.function.arn;
    this.name = this.function.name;
    this.registerOutputs({ arn: this.arn, name: this.name });
  }
}
