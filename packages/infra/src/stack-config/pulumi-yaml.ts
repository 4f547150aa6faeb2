import { parseDocument } from "yaml";
import { projectConfigDeclarations, undeclaredKeys } from "./pulumi-project.js";

const HEADER = [
  " Written from packages/infra/src/stack-config/schema.ts by `pnpm --filter @lambda-lab/infra write:pulumi-yaml`;",
  " a test fails when this block is stale. Every key has its default: Pulumi requires a declared key",
  " without one in every stack. Not declared (no default; set per stack when needed):",
];

/** Pulumi.yaml with its `config:` block replaced by the one the schema implies; the rest is kept. */
export const renderPulumiYaml = (current: string): string => {
  const doc = parseDocument(current);
  doc.set("config", doc.createNode(projectConfigDeclarations()));
  const pair =
    doc.contents && "items" in doc.contents
      ? doc.contents.items.find((p) => String((p as { key: unknown }).key) === "config")
      : undefined;
  if (pair && typeof pair === "object" && "key" in pair && pair.key && typeof pair.key === "object") {
    const undeclared = undeclaredKeys().map((k) => `   ${k}`);
    (pair.key as { commentBefore?: string }).commentBefore = [...HEADER, ...undeclared].join("\n");
  }
  return doc.toString({ lineWidth: 0 });
};
