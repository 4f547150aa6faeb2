/**
 * The program derives from the catalog: for every stack, each catalog fact shows up in what the mocked
 * program asks for (descriptions, names, S3 grants, triggers, retries), and nothing else does. A function,
 * grant or trigger added by hand in a component, or a catalog entry the program ignores, fails here.
 * The renames that came with the catalog carry aliases to the old URNs, so an existing stack moves state
 * instead of replacing (see src/components/legacy-names.ts).
 */
import {
  bucketNameOf,
  CATALOG_IDS,
  FUNCTION_IDS,
  FUNCTIONS,
  functionNameOf,
  isAsync,
  MIGRATE_ID,
  onFailureSourcesOf,
  triggered,
} from "@lambda-lab/catalog";
import { beforeAll, describe, expect, it } from "vitest";
import { SCHEDULE_INPUTS } from "../src/components/schedule-inputs.js";
import { ACCOUNT_ID, type ProgramRun, runProgram, STACKS } from "./harness.js";
import { statementsOf, T } from "./wiring.js";

// biome-ignore lint/suspicious/noExplicitAny: recorded inputs are arbitrary JSON.
type Json = any;
const logicalName = (id: string) => (id === MIGRATE_ID ? "migrations-runner" : id);
const list = <V>(v: V | V[]): V[] => (Array.isArray(v) ? v : [v]);

describe.each(STACKS)("%s: the program reads the catalog", (stack) => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runProgram(stack);
  });
  const urn = (chain: string, name: string) => `urn:pulumi:${stack}::lambda-lab::${chain}::${name}`;

  it("deploys exactly the catalog's functions, named and described by it", () => {
    const deployed = run.ofType(T.fn);
    expect(deployed.map((f) => f.inputs.name).sort()).toEqual(
      CATALOG_IDS.map((id) => functionNameOf(stack, id)).sort(),
    );
    for (const id of CATALOG_IDS) {
      const fn = run.one(T.fn, logicalName(id));
      expect(fn.inputs.name).toBe(functionNameOf(stack, id));
      expect(fn.inputs.description, id).toBe(FUNCTIONS[id].description);
    }
    expect(run.one(T.fn, "migrations-runner").inputs).toMatchObject({
      memorySize: FUNCTIONS.migrate.defaults.memoryMb,
      timeout: FUNCTIONS.migrate.defaults.timeoutSeconds,
    });
  });

  it("grants each role exactly the catalog's S3 object actions on its key patterns", () => {
    const bucketArn = run.one("aws:s3/bucket:Bucket", "storage-bucket").state.arn as string;
    for (const id of CATALOG_IDS) {
      const granted = statementsOf(run, logicalName(id))
        .filter((s) => list(s.Action).some((a) => a.startsWith("s3:") && a !== "s3:ListBucket"))
        .flatMap((s) => list(s.Action).flatMap((a) => list(s.Resource).map((r) => `${a} ${r}`)))
        .sort();
      const expected = FUNCTIONS[id].s3.objects
        .flatMap((g) => g.actions.flatMap((a) => g.keys.map((k) => `${a} ${bucketArn}/${k}`)))
        .sort();
      expect(granted, id).toEqual(expected);
      const listings = statementsOf(run, logicalName(id)).filter((s) =>
        list(s.Action).includes("s3:ListBucket"),
      );
      const scope = FUNCTIONS[id].s3.list.scope;
      expect(listings.length, id).toBe(scope === "none" ? 0 : 1);
      if (scope === "bucket") expect(listings[0]?.Condition, id).toBeUndefined();
      if (scope === "prefixes") expect(listings[0]?.Condition, id).toBeDefined();
    }
  });

  it("gives async functions (an async trigger in the catalog) their retries and destination, and only them", () => {
    for (const id of FUNCTION_IDS) {
      const config = run.ofType(T.invokeConfig).find((c) => c.name === `${id}-async`);
      if (!isAsync(id)) {
        expect(config, id).toBeUndefined();
        continue;
      }
      expect(config?.inputs.maximumRetryAttempts, id).toBe(FUNCTIONS[id].asyncRetryAttempts);
    }
  });

  it("puts every S3 trigger in the bucket's one notification", () => {
    const [notification, ...others] = run.ofType("aws:s3/bucketNotification:BucketNotification");
    expect(others).toEqual([]);
    const entries = (notification?.inputs.lambdaFunctions ?? []).map((e: Json) => ({
      fn: e.lambdaFunctionArn,
      prefix: e.filterPrefix,
      suffix: e.filterSuffix,
      events: e.events,
    }));
    const expected = triggered("s3").flatMap(({ id, trigger }) =>
      (trigger.suffixes.length === 0 ? [undefined] : trigger.suffixes).map((suffix) => ({
        fn: run.one(T.fn, id).state.arn,
        prefix: trigger.prefix,
        suffix,
        events: [...trigger.events],
      })),
    );
    expect(entries).toEqual(expected);
    for (const id of new Set(triggered("s3").map((t) => t.id)))
      expect(notification?.dependencies).toContain(run.urnOf(T.permission, `triggers-s3-invokes-${id}`));
  });

  it("schedules each scheduled function with its own input and its stack key's expression", () => {
    const schedules = run.ofType(T.schedule);
    expect(schedules.map((s) => s.name).sort()).toEqual(
      triggered("schedule")
        .map((t) => `triggers-${t.id}-schedule`)
        .sort(),
    );
    for (const { id } of triggered("schedule")) {
      const schedule = run.one(T.schedule, `triggers-${id}-schedule`).inputs;
      expect(schedule.target.arn).toBe(run.one(T.fn, id).state.arn);
      expect(schedule.target.input).toBe(SCHEDULE_INPUTS[id]());
      expect(schedule.scheduleExpression).toBe(run.config.schedules[id]);
    }
  });

  it("routes the catalog's HTTP routes, and no others", () => {
    const routes = run.ofType("aws:apigatewayv2/route:Route").map((r) => r.inputs.routeKey);
    expect(routes.sort()).toEqual(
      triggered("http")
        .flatMap((t) => [...t.trigger.routes])
        .sort(),
    );
  });

  it("maps each on-failure queue to its consumer, named after the source rather than a position", () => {
    const mappings = run.ofType("aws:lambda/eventSourceMapping:EventSourceMapping");
    const expected = triggered("sqs").flatMap(({ id: consumer }) =>
      onFailureSourcesOf(consumer).map((source) => ({
        name: `triggers-${source}-failures-to-${consumer}`,
        source: run.one(T.queue, `${source}-failures`).state.arn,
        target: run.one(T.fn, consumer).state.arn,
      })),
    );
    expect(
      mappings.map((m) => ({ name: m.name, source: m.inputs.eventSourceArn, target: m.inputs.functionName })),
    ).toEqual(expected);
  });

  it("names the bucket from the stack and account, leaving an existing stack's generated name alone", () => {
    const bucket = run.one("aws:s3/bucket:Bucket", "storage-bucket");
    expect(bucket.inputs.bucket).toBe(bucketNameOf(stack, ACCOUNT_ID));
    expect(bucket.ignoreChanges).toContain("bucket");
    expect(run.outputs.bucketName).toBe(bucketNameOf(stack, ACCOUNT_ID));
  });

  it("creates no SSM parameter outside the Parameters component (program.ts composes, it creates nothing)", () => {
    const parametersUrn = run.urnOf("lambda-lab:secrets:Parameters", "parameters");
    for (const p of run.ofType("aws:ssm/parameter:Parameter")) expect(p.parent, p.name).toBe(parametersUrn);
  });

  describe("renamed resources keep their state through aliases", () => {
    it("builds old URNs the way Pulumi builds URNs", () => {
      // An unchanged child of Triggers: the URN shape the aliases below are written in.
      expect(run.urnOf(T.rolePolicy, "triggers-scheduler-policy")).toBe(
        urn("lambda-lab:triggers:Triggers$aws:iam/rolePolicy:RolePolicy", "triggers-scheduler-policy"),
      );
    });

    it("moves the Slack webhook parameter from the root into Parameters", () => {
      const parameter = run.one("aws:ssm/parameter:Parameter", "parameters-slack-webhook-url");
      expect(parameter.aliases).toEqual([urn("aws:ssm/parameter:Parameter", "slack-webhook-url")]);
    });

    it("moves the upload token parameter from Functions into Parameters (a token stack has one)", () => {
      const tokens = run
        .ofType("aws:ssm/parameter:Parameter")
        .filter((p) => p.name === "parameters-upload-auth-token");
      if (run.config.upload.authMode !== "token") return void expect(tokens).toEqual([]);
      expect(tokens.map((p) => p.aliases)).toEqual([
        [urn("lambda-lab:lambda:Functions$aws:ssm/parameter:Parameter", "functions-upload-auth-token")],
      ]);
    });

    it("keeps the bucket's one notification (a delete of the old one would clear the bucket's)", () => {
      const notification = run.one(
        "aws:s3/bucketNotification:BucketNotification",
        "triggers-bucket-notification",
      );
      expect(notification.aliases).toEqual([
        urn(
          "lambda-lab:triggers:Triggers$aws:s3/bucketNotification:BucketNotification",
          "triggers-uploads-notification",
        ),
      ]);
    });

    it("keeps the routes (API Gateway refuses a second route with the same key)", () => {
      const chain = "lambda-lab:triggers:Triggers$aws:apigatewayv2/route:Route";
      expect(run.one("aws:apigatewayv2/route:Route", "triggers-upload-route-post-uploads").aliases).toEqual([
        urn(chain, "triggers-route-post"),
      ]);
      expect(run.one("aws:apigatewayv2/route:Route", "triggers-upload-route-get-uploads-id").aliases).toEqual(
        [urn(chain, "triggers-route-get")],
      );
    });

    it("keeps the event source mappings (Lambda refuses a second mapping of the same queue and function)", () => {
      const chain = "lambda-lab:triggers:Triggers$aws:lambda/eventSourceMapping:EventSourceMapping";
      const type = "aws:lambda/eventSourceMapping:EventSourceMapping";
      expect(run.one(type, "triggers-transform-failures-to-alerts").aliases).toEqual([
        urn(chain, "triggers-failures-to-alerts-0"),
      ]);
      expect(run.one(type, "triggers-orphan-cleanup-failures-to-alerts").aliases).toEqual([
        urn(chain, "triggers-failures-to-alerts-1"),
      ]);
      expect(run.one(type, "triggers-daily-stats-failures-to-alerts").aliases).toEqual([
        urn(chain, "triggers-failures-to-alerts-2"),
      ]);
    });
  });
});
