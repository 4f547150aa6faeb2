import { PREFIXES } from "@lambda-lab/shared";
import { describe, expect, it } from "vitest";
import {
  ASYNC_FUNCTION_IDS,
  CATALOG_IDS,
  FUNCTION_IDS,
  FUNCTIONS,
  LESSONS,
  limitProblems,
  needsOf,
  onFailureSourcesOf,
  PARAMETERS,
  recursiveTriggers,
  s3TriggerOverlaps,
  triggered,
} from "../src/index.js";

describe("the catalog", () => {
  it("lists the five stack functions and the migration runner under one id each", () => {
    expect(FUNCTION_IDS).toEqual(["upload", "transform", "orphan-cleanup", "daily-stats", "alerts"]);
    expect(CATALOG_IDS).toEqual([...FUNCTION_IDS, "migrate"]);
  });

  it("keeps every default within Lambda's limits", () => {
    expect(limitProblems()).toEqual([]);
  });

  it("puts every database or EFS function in the VPC", () => {
    for (const id of CATALOG_IDS) {
      const needs = needsOf(id);
      if (needs.database || needs.efs) expect(needs.vpc, id).toBe(true);
    }
  });

  it("derives async from the triggers: S3, Scheduler, SNS and Logs invoke asynchronously", () => {
    expect(ASYNC_FUNCTION_IDS).toEqual(["transform", "orphan-cleanup", "daily-stats", "alerts"]);
    expect(needsOf("upload").async).toBe(false);
    expect(needsOf("migrate").async).toBe(false);
  });

  it("feeds alerts every other async function's on-failure queue, never its own", () => {
    expect(onFailureSourcesOf("alerts")).toEqual(["transform", "orphan-cleanup", "daily-stats"]);
  });

  it("names S3 prefixes from @lambda-lab/shared's key layout", () => {
    const prefixes = Object.values(PREFIXES) as string[];
    for (const { trigger } of triggered("s3")) expect(prefixes).toContain(trigger.prefix);
    for (const id of CATALOG_IDS) {
      const { objects, list } = FUNCTIONS[id].s3;
      for (const key of objects.flatMap((g) => g.keys))
        expect(
          prefixes.some((p) => key.startsWith(p)),
          `${id}: ${key}`,
        ).toBe(true);
      if (list.scope === "prefixes") for (const p of list.prefixes) expect(prefixes, id).toContain(p);
    }
  });

  it("has no S3 triggers S3 would refuse as overlapping, and none a function's own writes fire", () => {
    expect(s3TriggerOverlaps()).toEqual([]);
    expect(recursiveTriggers()).toEqual([]);
  });

  it("has each SecureString read by exactly one function", () => {
    for (const parameter of Object.keys(PARAMETERS))
      expect(
        CATALOG_IDS.filter((id) => (FUNCTIONS[id].parameters as readonly string[]).includes(parameter)),
        parameter,
      ).toHaveLength(1);
  });

  it("names sample events after their function, each once", () => {
    const all = CATALOG_IDS.flatMap((id) => FUNCTIONS[id].sampleEvents.map((e) => [id, e] as const));
    for (const [id, event] of all) expect(event, id).toMatch(new RegExp(`^${id}-[a-z0-9-]+\\.json$`));
    expect(new Set(all.map(([, e]) => e)).size).toBe(all.length);
    for (const id of FUNCTION_IDS) expect(FUNCTIONS[id].sampleEvents.length, id).toBeGreaterThan(0);
  });

  it("has HTTP routes that API Gateway would accept once each", () => {
    const routes = triggered("http").flatMap((t) => t.trigger.routes);
    expect(new Set(routes).size).toBe(routes.length);
    for (const route of routes) expect(route).toMatch(/^(GET|POST|PUT|PATCH|DELETE) \/[\w/{}.-]*$/);
  });
});

describe("the lessons", () => {
  it("have unique ids and name only catalog functions", () => {
    expect(new Set(LESSONS.map((l) => l.id)).size).toBe(LESSONS.length);
    for (const lesson of LESSONS)
      for (const id of lesson.functions) expect(CATALOG_IDS as readonly string[], lesson.id).toContain(id);
  });

  it("cover every stack function with a lesson of its own", () => {
    const general = LESSONS.filter((l) =>
      FUNCTION_IDS.every((id) => (l.functions as readonly string[]).includes(id)),
    );
    for (const id of FUNCTION_IDS) {
      const own = LESSONS.filter(
        (l) => !general.includes(l) && (l.functions as readonly string[]).includes(id),
      );
      expect(own.length, id).toBeGreaterThan(0);
    }
  });
});
