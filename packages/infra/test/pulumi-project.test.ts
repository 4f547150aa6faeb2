import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { REPO_ROOT } from "../src/artifacts.js";
import {
  configTypes,
  projectConfigDeclarations,
  undeclaredKeys,
} from "../src/stack-config/pulumi-project.js";
import { renderPulumiYaml } from "../src/stack-config/pulumi-yaml.js";
import {
  decodePulumiConfigValues,
  listStacks,
  PROJECT,
  parseStackConfig,
  readStackConfigFile,
} from "../src/stack-config.js";
import {
  type PulumiProject,
  programConfig,
  readStackValues,
  validateProject,
  validateStackConfig,
} from "./support/pulumi-config-rules.js";

const pulumiYaml = readFileSync(join(REPO_ROOT, "Pulumi.yaml"), "utf8");
const project = parseYaml(pulumiYaml) as PulumiProject;
const STACKS = listStacks(REPO_ROOT);
const stackValues = (stack: string) =>
  readStackValues(readFileSync(join(REPO_ROOT, "stacks", `Pulumi.${stack}.yaml`), "utf8"), project.name);

describe("Pulumi.yaml", () => {
  it("is what the stack-config schema writes (pnpm --filter @lambda-lab/infra write:pulumi-yaml)", () => {
    expect(renderPulumiYaml(pulumiYaml)).toBe(pulumiYaml);
  });

  it("passes Pulumi's project validation", () => {
    expect(() => validateProject(project)).not.toThrow();
  });

  it("declares every key that has a default, with it; the rest are named as undeclared", () => {
    const declared = projectConfigDeclarations();
    expect(Object.keys(project.config ?? {})).toEqual(Object.keys(declared));
    for (const [key, value] of Object.entries(declared)) {
      expect(project.config?.[key]?.default, key).toEqual(value.default);
    }
    expect(undeclaredKeys().sort()).toEqual(["alertEmail", "slackWebhookUrl", "uploadAuthToken"]);
  });
});

describe.each(STACKS)("stack %s under Pulumi's config rules", (stack) => {
  it("has every declared key (set or defaulted) and values of the declared types", () => {
    expect(() => validateStackConfig(stack, project, stackValues(stack))).not.toThrow();
  });

  it("reaches the program, decoded by declared type, as the same config the lab reads from the file", () => {
    const merged = validateStackConfig(stack, project, stackValues(stack));
    const fromPulumi = parseStackConfig(
      stack,
      decodePulumiConfigValues(programConfig(merged, () => "secret")),
    );
    expect(fromPulumi).toEqual(readStackConfigFile(stack, REPO_ROOT));
  });
});

describe("the re-implemented rule", () => {
  const withConfig = (config: PulumiProject["config"]): PulumiProject => ({ name: PROJECT, config });
  const values = (entries: Record<string, string>) =>
    new Map(Object.entries(entries).map(([k, text]) => [k, { text, secure: false, object: false }]));

  it("reports every declared key without a default that the stack lacks, in Pulumi's words", () => {
    const p = withConfig({
      b: { type: "string" },
      a: { type: "integer" },
      c: { type: "boolean" },
      d: { type: "string", default: "x" },
    });
    expect(() => validateStackConfig("dev", p, values({}))).toThrow(
      "Stack 'dev' is missing configuration values 'a', 'b' and 'c'",
    );
    expect(() => validateStackConfig("dev", withConfig({ a: { type: "string" } }), values({}))).toThrow(
      "Stack 'dev' is missing configuration value 'a'",
    );
  });

  it("finds keys set bare or with the project namespace", () => {
    const p = withConfig({ a: { type: "string" }, [`${PROJECT}:b`]: { type: "string" } });
    expect(() =>
      validateStackConfig("dev", p, values({ [`${PROJECT}:a`]: "1", [`${PROJECT}:b`]: "2" })),
    ).not.toThrow();
  });

  it("checks declared types on stack values and on defaults", () => {
    const p = withConfig({ n: { type: "integer" } });
    expect(() => validateStackConfig("prod", p, values({ [`${PROJECT}:n`]: "7" }))).not.toThrow();
    expect(() => validateStackConfig("prod", p, values({ [`${PROJECT}:n`]: "7.5" }))).toThrow(
      "Stack 'prod' with configuration key 'n' must be of type 'integer'",
    );
    expect(() =>
      validateProject(withConfig({ l: { type: "array", items: { type: "integer" }, default: ["x"] } })),
    ).toThrow(
      "The default value specified for configuration key 'l' is not of the expected type 'array<integer>'",
    );
    expect(() => validateProject(withConfig({ l: { type: "array" } }))).toThrow(
      "does not specify the underlying type",
    );
  });

  it("rejects the Pulumi.yaml of round 1 (keys without defaults) for the dev stack", () => {
    // The first declarations of round 1's file: typed, described, no default.
    const round1 = withConfig({
      architecture: { type: "string" },
      vpcCidr: { type: "string" },
      protect: { type: "boolean" },
    });
    expect(() => validateStackConfig("dev", round1, stackValues("dev"))).toThrow(
      "Stack 'dev' is missing configuration value 'vpcCidr'",
    );
  });
});

describe("decoding what Pulumi hands the program", () => {
  it("keeps string keys strings whatever they look like", () => {
    for (const version of ["17.4", "8.4", "17", "0017"]) {
      const decoded = decodePulumiConfigValues({ [`${PROJECT}:databaseEngineVersion`]: version });
      expect(decoded[`${PROJECT}:databaseEngineVersion`]).toBe(version);
    }
    expect(
      parseStackConfig("dev", decodePulumiConfigValues({ databaseEngineVersion: "17.4" })).database
        .engineVersion,
    ).toBe("17.4");
    const mysql = decodePulumiConfigValues({
      databaseEngine: "mysql",
      databaseEngineVersion: "8.4",
      databaseMigrateOnDeploy: "false",
    });
    expect(parseStackConfig("dev", mysql).database.engineVersion).toBe("8.4");
  });

  it("decodes integers, booleans and arrays by their declared type, and leaves other namespaces alone", () => {
    const decoded = decodePulumiConfigValues({
      [`${PROJECT}:logRetentionDays`]: "7",
      [`${PROJECT}:protect`]: "true",
      [`${PROJECT}:interfaceEndpoints`]: '["secretsmanager","ssm"]',
      "aws:region": "123",
    });
    expect(decoded).toEqual({
      [`${PROJECT}:logRetentionDays`]: 7,
      [`${PROJECT}:protect`]: true,
      [`${PROJECT}:interfaceEndpoints`]: ["secretsmanager", "ssm"],
      "aws:region": "123",
    });
  });

  it("leaves a value that is not of its type as text, so the schema names the key", () => {
    expect(() => parseStackConfig("dev", decodePulumiConfigValues({ logRetentionDays: "seven" }))).toThrow(
      /lambda-lab:logRetentionDays/,
    );
  });

  it("knows a type for every key the schema reads", () => {
    const types = configTypes();
    for (const key of [...Object.keys(projectConfigDeclarations()), ...undeclaredKeys()])
      expect(types[key], key).toBeDefined();
  });
});
