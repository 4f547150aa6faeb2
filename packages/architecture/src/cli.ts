/**
 * `pnpm cost` and `pnpm diagram`: every figure and drawing comes from a mocked run of the Pulumi program
 * for the stack (no AWS, no Pulumi CLI).
 */
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { type CostSummary, compareMarkdown, markdownTable, summarize, textTable } from "./cost-report.js";
import { renderDiagram } from "./diagram/render.js";
import { committedSummaries, renderBlock, replaceBlock } from "./docs-block.js";
import { type IdleCost, idleCost } from "./idle-cost.js";
import { DEPLOY_DOC, diagramPaths, REPO_ROOT, stackNames } from "./paths.js";
import { priceTable, staleWarning } from "./prices.js";
import { inventoryOf } from "./program.js";

const USAGE = `Usage:
  pnpm cost [--stack <name>]…             each stack's idle monthly cost, line by line (all stacks by default)
       --markdown | --json               the table as Markdown, or the figures as JSON
       --base <git-ref>                  the change against the figures committed in docs/deploy.md at <git-ref>
       --compare <file.json>             the change against a file written by --json
       --write-docs                      regenerate docs/deploy.md's cost tables
  pnpm diagram [--stack <name>]…          write docs/architecture-<stack>.svg and .mmd`;

const fail = (message: string): never => {
  console.error(message);
  process.exit(2);
};

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    stack: { type: "string", multiple: true },
    markdown: { type: "boolean", default: false },
    json: { type: "boolean", default: false },
    base: { type: "string" },
    compare: { type: "string" },
    "write-docs": { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  },
});

const command = positionals[0];
if (values.help || !command) {
  console.log(USAGE);
  process.exit(command || values.help ? 0 : 2);
}
const known = stackNames();
const stacks = values.stack ?? known;
for (const s of stacks)
  if (!known.includes(s))
    fail(`no stack "${s}": stacks/ has ${known.map((k) => `Pulumi.${k}.yaml`).join(", ")}`);

const costOf = async (stack: string): Promise<IdleCost> => {
  const inventory = await inventoryOf({ stack });
  const table = priceTable(inventory.region);
  const warning = staleWarning(table, new Date());
  if (warning) console.error(warning);
  return idleCost(inventory, table);
};

/** The figures docs/deploy.md held at a git ref (read-only: `git show`); none if it predates them. */
const committedAt = (ref: string): Map<string, CostSummary> => {
  try {
    const doc = execFileSync("git", ["show", `${ref}:docs/deploy.md`], {
      cwd: REPO_ROOT,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    return committedSummaries(doc);
  } catch (error) {
    return fail(`cannot read docs/deploy.md at ${ref}: ${(error as Error).message.split("\n")[0]}`);
  }
};

if (command === "cost") {
  const costs: IdleCost[] = [];
  for (const stack of stacks) costs.push(await costOf(stack));
  if (values["write-docs"]) {
    const regions = [...new Set(costs.map((c) => c.region))].sort();
    const doc = readFileSync(DEPLOY_DOC, "utf8");
    writeFileSync(DEPLOY_DOC, replaceBlock(doc, renderBlock(costs, regions.map(priceTable))));
    console.log(`wrote the cost tables of ${stacks.join(", ")} into docs/deploy.md`);
  } else if (values.base !== undefined || values.compare !== undefined) {
    const base = values.base
      ? committedAt(values.base)
      : new Map(
          (JSON.parse(readFileSync(values.compare!, "utf8")) as CostSummary[]).map(
            (s) => [s.stack, s] as const,
          ),
        );
    console.log(costs.map((c) => compareMarkdown(base.get(c.stack), summarize(c))).join("\n\n"));
  } else if (values.json) {
    console.log(JSON.stringify(costs.map(summarize), null, 2));
  } else if (values.markdown) {
    console.log(costs.map((c) => `### ${c.stack}\n\n${markdownTable(c)}`).join("\n\n"));
  } else {
    for (const c of costs)
      console.log(`\n${c.stack} (${c.region}, prices of ${c.pricesAsOf})\n\n${textTable(c)}\n`);
  }
} else if (command === "diagram") {
  for (const stack of stacks) {
    const { svg, mermaid } = await renderDiagram(await inventoryOf({ stack }));
    const paths = diagramPaths(stack);
    writeFileSync(paths.svg, svg);
    writeFileSync(paths.mermaid, mermaid);
    console.log(`wrote ${paths.svg.slice(REPO_ROOT.length)} and ${paths.mermaid.slice(REPO_ROOT.length)}`);
  }
} else {
  fail(`unknown command "${command}"\n${USAGE}`);
}
