import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { compareMarkdown, summarize } from "../src/cost-report.js";
import { renderDiagram } from "../src/diagram/render.js";
import { committedSummaries, currentBlock, renderBlock, replaceBlock } from "../src/docs-block.js";
import { idleCost } from "../src/idle-cost.js";
import { DEPLOY_DOC, diagramPaths, stackNames } from "../src/paths.js";
import { priceTable } from "../src/prices.js";
import { inventory } from "./support.js";

const stacks = stackNames();

describe("docs/deploy.md's cost tables", () => {
  it("are what the program and the price table give now (else: pnpm cost --write-docs)", async () => {
    const costs = await Promise.all(
      stacks.map(async (s) => idleCost(await inventory(s), priceTable((await inventory(s)).region))),
    );
    const regions = [...new Set(costs.map((c) => c.region))].sort();
    const expected = renderBlock(costs, regions.map(priceTable));
    expect(currentBlock(readFileSync(DEPLOY_DOC, "utf8")), "run pnpm cost --write-docs").toBe(expected);
  });

  it("carry each stack's figures, which a later run compares with (the PR cost delta)", async () => {
    const committed = committedSummaries(readFileSync(DEPLOY_DOC, "utf8"));
    expect([...committed.keys()].sort()).toEqual(stacks);
    const dev = committed.get("dev")!;
    // The same program with a NAT gateway added: the delta names the new lines and the new total.
    const { inventoryOf } = await import("../src/program.js");
    const head = summarize(
      idleCost(
        await inventoryOf({ stack: "dev", overrides: { "lambda-lab:natStrategy": "single" } }),
        priceTable("eu-west-1"),
      ),
    );
    const delta = compareMarkdown(dev, head);
    expect(delta).toContain(`(+$38.69)`); // $35.04 NAT gateway + $3.65 its public IPv4
    expect(delta).toMatch(/NAT gateway network-vpc-nat-1 .*\| added \| \$0\.00 \| \$35\.04 \| \+\$35\.04 \|/);
    expect(compareMarkdown(dev, dev)).toMatch(/±\$0\.00\)\*\*\n\nNo line changed\./);
    expect(compareMarkdown(undefined, head)).toMatch(/no figures for the base/);
  });

  it("are replaced only between their markers, and a missing marker is named", () => {
    const doc = "intro\n<!-- BEGIN cost tables: x -->\nold\n<!-- END cost tables -->\noutro";
    expect(() => replaceBlock("no markers here", "x")).toThrow(/no generated cost block/);
    expect(replaceBlock(readFileSync(DEPLOY_DOC, "utf8"), "NEW")).toContain("## Runbook");
    expect(doc).toContain("outro");
  });
});

describe("docs/architecture-<stack>.svg and .mmd", () => {
  it.each(stacks)("%s: are what the program draws now (else: pnpm diagram)", async (stack) => {
    const { svg, mermaid } = await renderDiagram(await inventory(stack));
    const paths = diagramPaths(stack);
    expect(readFileSync(paths.svg, "utf8"), `run pnpm diagram (${paths.svg})`).toBe(svg);
    expect(readFileSync(paths.mermaid, "utf8"), `run pnpm diagram (${paths.mermaid})`).toBe(mermaid);
  });
});
