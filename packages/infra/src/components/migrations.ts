import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { FUNCTIONS, MIGRATE_ID } from "@lambda-lab/catalog";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { Artifact } from "../artifacts.js";
import type { DatabaseRef } from "./functions.js";
import { databaseEnvironment } from "./functions.js";
import { statementsOf } from "./grants.js";
import { NodeFunction } from "./node-function.js";

export interface MigrationsArgs {
  functionName: string;
  artifact: Artifact;
  architecture: "arm64" | "x86_64";
  /** The stack's Lambda runtime, as every other function's. */
  runtime: "nodejs22.x" | "nodejs24.x";
  database: DatabaseRef;
  /** The database instance: migrations run once it is available. */
  databaseInstance: pulumi.Resource;
  /** What the runner needs to reach Secrets Manager from its subnets: the interface endpoint or NAT route. */
  networkReady: pulumi.Resource[];
  migrationsDir: string;
  vpc: { subnetIds: pulumi.Input<string[]>; securityGroupIds: pulumi.Input<string>[] };
  logRetentionDays: number;
}

/** One hash over every migration file's name and content: a new or edited migration re-runs the invocation. */
export const hashMigrations = (dir: string): string => {
  const hash = createHash("sha256");
  for (const file of readdirSync(dir).sort()) {
    hash
      .update(file)
      .update("\0")
      .update(readFileSync(join(dir, file)))
      .update("\0");
  }
  return hash.digest("hex");
};

/**
 * Migrations run inside the VPC on deploy: a small VPC function (packages/migrate-fn) invoked by
 * `aws.lambda.Invocation` after the database exists. The invocation fails the update if a migration fails.
 */
export class Migrations extends pulumi.ComponentResource {
  readonly runner: NodeFunction;
  readonly result: pulumi.Output<string>;
  /** The deploy-time invocation: schedules wait for it, so no scheduled run meets an old schema. */
  readonly invocation: aws.lambda.Invocation;

  constructor(name: string, args: MigrationsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("lambda-lab:database:Migrations", name, {}, opts);
    const spec = FUNCTIONS[MIGRATE_ID];
    this.runner = new NodeFunction(
      `${name}-runner`,
      {
        functionName: args.functionName,
        description: spec.description,
        artifact: args.artifact,
        architecture: args.architecture,
        runtime: args.runtime,
        memoryMb: spec.defaults.memoryMb,
        timeoutSeconds: spec.defaults.timeoutSeconds,
        reservedConcurrency: undefined,
        environment: databaseEnvironment(args.database),
        statements: statementsOf(MIGRATE_ID, { databaseSecretArn: args.database.secretArn, parameters: {} }),
        logRetentionDays: args.logRetentionDays,
        vpc: args.vpc,
      },
      { parent: this, dependsOn: [args.databaseInstance] },
    );
    const invocation = new aws.lambda.Invocation(
      `${name}-run`,
      {
        functionName: this.runner.name,
        input: JSON.stringify({ source: "pulumi", action: "migrate" }),
        triggers: {
          migrations: hashMigrations(args.migrationsDir),
          code: args.artifact.sourceCodeHash ?? "unbuilt",
        },
      },
      // Invoked before the endpoint or NAT route exists, the runner times out reading the database secret.
      { parent: this, dependsOn: [this.runner, args.databaseInstance, ...args.networkReady] },
    );
    this.invocation = invocation;
    this.result = invocation.result;
    this.registerOutputs({ result: this.result });
  }
}
