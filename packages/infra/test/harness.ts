/**
 * Runs the Pulumi program against `pulumi.runtime.setMocks`: no CLI, no provider plugins, no AWS. Every
 * registered resource is recorded with its inputs, parent and dependencies, so tests assert the wiring.
 */

import { readFileSync } from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import { parse as parseYaml } from "yaml";
import { REPO_ROOT } from "../src/artifacts.js";
import type { StackSecrets } from "../src/config.js";
import {
  listStacks,
  parseStackConfig,
  readStackConfigFile,
  type StackConfig,
  stackConfigPath,
} from "../src/stack-config.js";

// biome-ignore lint/suspicious/noExplicitAny: recorded resource properties are arbitrary JSON, asserted by shape in the tests.
type Json = any;

export const ACCOUNT_ID = "123456789012";
/** Every stack of the project (stacks/Pulumi.<stack>.yaml): tests run each of them, none by hand. */
export const STACKS = listStacks(REPO_ROOT);
export const REGION = "eu-west-1";

export interface Recorded {
  type: string;
  name: string;
  urn: string;
  inputs: Record<string, Json>;
  /** The inputs as the engine got them, secret envelopes included. */
  rawInputs: Record<string, Json>;
  state: Record<string, Json>;
  parent: string;
  dependencies: string[];
  protect: boolean;
  /** The URNs this resource answers to besides its own (Pulumi aliases): its names before a rename. */
  aliases: string[];
  /** Inputs whose changes Pulumi ignores for this resource (`ignoreChanges`). */
  ignoreChanges: string[];
}

export interface ProgramRun {
  config: StackConfig;
  created: Recorded[];
  outputs: Record<string, unknown>;
  ofType(type: string): Recorded[];
  one(type: string, name: string): Recorded;
  /** URN of a recorded resource, for dependency assertions. */
  urnOf(type: string, name: string): string;
}

const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const SECRET_VALUE = "1b47061264138c4ac30d75fd1eb44270";

/** Secret inputs arrive wrapped in Pulumi's secret envelope; tests read the values and check the wrapping apart. */
const unwrapSecrets = (value: Json): Json => {
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (value && typeof value === "object") {
    if (value[SECRET_SIG] === SECRET_VALUE) return unwrapSecrets(value.value);
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrapSecrets(v)]));
  }
  return value;
};

/** The input paths (dotted) whose values were passed as Pulumi secrets. */
export const secretPaths = (value: Json, path = ""): string[] => {
  if (Array.isArray(value)) return value.flatMap((v, i) => secretPaths(v, `${path}[${i}]`));
  if (value && typeof value === "object") {
    if (value[SECRET_SIG] === SECRET_VALUE) return [path];
    return Object.entries(value).flatMap(([k, v]) => secretPaths(v, path ? `${path}.${k}` : k));
  }
  return [];
};

const arnOf = (service: string, name: string) => `arn:aws:${service}:${REGION}:${ACCOUNT_ID}:${name}`;

/** Provider-computed outputs the program reads; everything else echoes the inputs. */
const computedState = (type: string, name: string, inputs: Record<string, Json>): Record<string, Json> => {
  const physical = inputs.name ?? `${name}-1a2b3c`;
  switch (type) {
    case "awsx:ec2:Vpc":
      return {
        vpcId: "vpc-0lab",
        privateSubnetIds: ["subnet-private-a", "subnet-private-b"],
        publicSubnetIds: ["subnet-public-a", "subnet-public-b"],
        isolatedSubnetIds: (inputs.subnetSpecs ?? []).some((s: { type: string }) => s.type === "Isolated")
          ? ["subnet-isolated-a", "subnet-isolated-b"]
          : [],
      };
    case "aws:s3/bucket:Bucket": {
      const bucket = inputs.bucket ?? physical;
      return { bucket, arn: `arn:aws:s3:::${bucket}` };
    }
    case "aws:rds/instance:Instance":
      return {
        address: `${inputs.identifier}.c0lab.${REGION}.rds.amazonaws.com`,
        port: inputs.port,
        arn: arnOf("rds", `db:${inputs.identifier}`),
        masterUserSecrets: [
          { secretArn: arnOf("secretsmanager", `secret:rds!db-${inputs.identifier}-AbCdEf`) },
        ],
      };
    case "aws:lambda/function:Function":
      return {
        arn: arnOf("lambda", `function:${physical}`),
        invokeArn: `arn:aws:apigateway:${REGION}:lambda:path/functions/${arnOf("lambda", `function:${physical}`)}/invocations`,
        name: physical,
      };
    case "aws:sqs/queue:Queue":
      return {
        arn: arnOf("sqs", physical),
        url: `https://sqs.${REGION}.amazonaws.com/${ACCOUNT_ID}/${physical}`,
        name: physical,
      };
    case "aws:apigatewayv2/api:Api":
      return {
        executionArn: arnOf("execute-api", "api0lab"),
        apiEndpoint: "https://api0lab.execute-api.eu-west-1.amazonaws.com",
      };
    case "aws:apigatewayv2/stage:Stage":
      return { invokeUrl: "https://api0lab.execute-api.eu-west-1.amazonaws.com/" };
    case "aws:cloudwatch/logGroup:LogGroup":
      return { arn: arnOf("logs", `log-group:${physical}`), name: physical };
    case "aws:sns/topic:Topic":
      return { arn: arnOf("sns", physical) };
    case "aws:ssm/parameter:Parameter":
      return { arn: arnOf("ssm", `parameter${physical}`), name: physical };
    case "aws:efs/fileSystem:FileSystem":
      return { arn: arnOf("elasticfilesystem", "file-system/fs-0lab") };
    case "aws:efs/accessPoint:AccessPoint":
      return { arn: arnOf("elasticfilesystem", "access-point/fsap-0lab") };
    case "aws:kms/key:Key":
      // Key ARNs end in key/<key id>; IAM matching and the simulator's KMS rules depend on that shape.
      return { arn: arnOf("kms", `key/${name}-0lab`), keyId: `${name}-0lab` };
    case "aws:lambda/invocation:Invocation":
      return { result: JSON.stringify({ applied: [] }) };
    default:
      return { arn: arnOf(type.split(":")[1]?.split("/")[0] ?? "x", physical), name: physical };
  }
};

export const TEST_SECRETS = {
  slackWebhookUrl: "https://hooks.slack.com/services/T000/B000/test",
  uploadAuthToken: "0123456789abcdef0123456789abcdef-test",
};

const resolve = <T>(output: pulumi.Input<T>): Promise<T> =>
  new Promise((done) => pulumi.output(output).apply((value) => done(value as T)));

/** Deep-resolves the outputs of the program (records of Outputs). */
const resolveAll = async (value: unknown): Promise<unknown> => {
  if (pulumi.Output.isInstance(value)) return resolve(value as pulumi.Output<unknown>);
  if (value && typeof value === "object" && !Array.isArray(value)) {
    const entries = await Promise.all(
      Object.entries(value).map(async ([k, v]) => [k, await resolveAll(v)] as const),
    );
    return Object.fromEntries(entries);
  }
  return value;
};

/** The raw `lambda-lab:` keys of a stack file, for tests that tweak one key. */
export const rawStackConfig = (stack: string): Record<string, unknown> => {
  const doc = parseYaml(readFileSync(stackConfigPath(stack, REPO_ROOT), "utf8")) as {
    config: Record<string, unknown>;
  };
  return { ...doc.config };
};

/** Runs the program for `stack` (its real stack file, plus `overrides`) against the mocks. */
export const runProgram = async (
  stack: string,
  overrides: Record<string, unknown> = {},
): Promise<ProgramRun> => {
  const created: Recorded[] = [];
  const links = new Map<
    string,
    { parent: string; dependencies: string[]; protect: boolean; aliases: string[]; ignoreChanges: string[] }
  >();
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        const inputs = unwrapSecrets(args.inputs);
        const state = { ...inputs, ...computedState(args.type, args.name, inputs) };
        created.push({
          type: args.type,
          name: args.name,
          urn: "",
          inputs,
          rawInputs: args.inputs,
          state,
          parent: "",
          dependencies: [],
          protect: false,
          aliases: [],
          ignoreChanges: [],
        });
        return { id: `${args.name}-id`, state };
      },
      call: (args) => {
        if (args.token === "aws:index/getCallerIdentity:getCallerIdentity") {
          return {
            accountId: ACCOUNT_ID,
            arn: `arn:aws:iam::${ACCOUNT_ID}:user/test`,
            userId: "AIDTEST",
            id: ACCOUNT_ID,
          };
        }
        if (args.token === "aws:ssm/getParameter:getParameter") {
          return {
            ...args.inputs,
            value: "ami-0lab",
            type: "String",
            arn: arnOf("ssm", "parameter/ami"),
            id: args.inputs.name,
          };
        }
        throw new Error(`unmocked call ${args.token}`);
      },
    },
    "lambda-lab",
    stack,
    false,
  );
  pulumi.runtime.setConfig("aws:region", REGION);

  // The mock monitor hands newResource no parent or dependencies: read them off each registration.
  const monitor = pulumi.runtime.getMonitor() as unknown as {
    registerResource(req: Json, cb: (err: unknown, res: Json) => void): unknown;
  };
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, cb) => {
    links.set(`${req.getType()}::${req.getName()}`, {
      parent: req.getParent(),
      dependencies: req.getDependenciesList(),
      protect: Boolean(req.getProtect?.()),
      // The SDK sends each alias as a URN (an Output alias resolved) or as a spec; the program uses URNs.
      aliases: (req.getAliasesList?.() ?? []).map(
        (a: Json) => a.getUrn() || `spec:${JSON.stringify(a.getSpec()?.toObject())}`,
      ),
      ignoreChanges: req.getIgnorechangesList?.() ?? [],
    });
    return register(req, (err, res) => {
      const rec = created.find((r) => r.type === req.getType() && r.name === req.getName() && r.urn === "");
      if (rec && res) rec.urn = res.getUrn();
      cb(err, res);
    });
  };

  const config =
    Object.keys(overrides).length === 0
      ? readStackConfigFile(stack, REPO_ROOT)
      : parseStackConfig(stack, { ...rawStackConfig(stack), ...overrides });
  const secrets: StackSecrets = {
    slackWebhookUrl: pulumi.secret(TEST_SECRETS.slackWebhookUrl),
    uploadAuthToken:
      config.upload.authMode === "token" ? pulumi.secret(TEST_SECRETS.uploadAuthToken) : undefined,
  };
  const { createLab } = await import("../src/program.js");
  const lab = createLab({ config, secrets, requireArtifacts: false });
  const outputs = (await resolveAll(lab)) as Record<string, unknown>;

  // Wait until every registration has been answered (resources whose inputs wait on other outputs).
  const settings = (await import("@pulumi/pulumi/runtime/settings.js")) as unknown as {
    waitForRPCs(): Promise<void>;
  };
  await settings.waitForRPCs();

  for (const rec of created) {
    const link = links.get(`${rec.type}::${rec.name}`);
    if (link) {
      rec.parent = link.parent;
      rec.dependencies = link.dependencies;
      rec.protect = link.protect;
      rec.aliases = link.aliases;
      rec.ignoreChanges = link.ignoreChanges;
    }
  }
  const ofType = (type: string) => created.filter((r) => r.type === type);
  const one = (type: string, name: string) => {
    const found = created.filter((r) => r.type === type && r.name === name);
    if (found.length !== 1) throw new Error(`expected one ${type} named ${name}, found ${found.length}`);
    return found[0]!;
  };
  return { config, created, outputs, ofType, one, urnOf: (type, name) => one(type, name).urn };
};
