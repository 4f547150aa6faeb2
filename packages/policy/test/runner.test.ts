/**
 * The pack as Pulumi runs it: built by `buildPack` (what `pnpm build` runs), started with the real
 * run-policy-pack from node_modules the way the CLI starts it, and asked over gRPC what `pulumi preview`
 * asks it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildPack, PACK_DIR } from "../build.js";
import { policies, TYPES } from "../src/policies.js";
import { type EngineListener, listenAsEngine } from "./support/engine-listener.js";
import { analyzerPb, type RunningPack, startPolicyPack } from "./support/policy-runner.js";

const STACK = "dev";
const PROJECT = "lambda-lab";
const bucketV2 = (name: string, props: Record<string, unknown>) => ({
  type: TYPES.bucketV2,
  name,
  urn: `urn:pulumi:${STACK}::${PROJECT}::${TYPES.bucketV2}::${name}`,
  props,
});

describe("the built pack under Pulumi's policy runner", () => {
  let engine: EngineListener;
  let pack: RunningPack;

  beforeAll(async () => {
    await buildPack();
    engine = await listenAsEngine();
    pack = await startPolicyPack({
      packDir: PACK_DIR,
      engineAddress: engine.address,
      env: {
        PULUMI_NODEJS_PROJECT: PROJECT,
        PULUMI_NODEJS_STACK: STACK,
        PULUMI_NODEJS_DRY_RUN: "true",
        PULUMI_PROJECT: PROJECT,
        PULUMI_STACK: STACK,
        PULUMI_DRY_RUN: "true",
      },
    });
  }, 60_000);

  afterAll(async () => {
    await pack?.stop();
    await engine?.close();
  });

  it("prints a port and lists every policy of the pack in GetAnalyzerInfo", async () => {
    const info = await pack.info();

    expect(info.getName()).toBe("lambda-lab");
    const listed = info.getPoliciesList().map((p) => p.getName());
    expect(listed.toSorted()).toEqual(policies.map((p) => p.name).toSorted());
    expect(listed).toHaveLength(27);
  });

  it("returns the violation of a bucket with a public canned ACL from Analyze", async () => {
    const diagnostics = await pack.analyze(bucketV2("images", { acl: "public-read" }));

    expect(diagnostics.map((d) => d.getPolicyname())).toEqual(["s3-no-public-acl"]);
    const [violation] = diagnostics;
    expect(violation?.getMessage()).toContain('canned ACL "public-read" is public');
    expect(violation?.getEnforcementlevel()).toBe(analyzerPb.EnforcementLevel.MANDATORY);
    expect(violation?.getPolicypackname()).toBe("lambda-lab");
  });

  it("returns no diagnostics for a private bucket", async () => {
    expect(await pack.analyze(bucketV2("images", { acl: "private" }))).toEqual([]);
  });

  it("never dials the engine address it is given", () => {
    expect(engine.connections()).toBe(0);
  });
});
