/**
 * The one release of each action the workflows may use, as a commit SHA with its tag. Each pair was read
 * from the action's own repository (the tag's commit), and each release runs on node24, the runtime GitHub
 * keeps as it retires node20. Bumping an action means changing its line here and in the workflows.
 */
export const PINS: Record<string, { sha: string; version: string }> = {
  "actions/checkout": { sha: "3d3c42e5aac5ba805825da76410c181273ba90b1", version: "v7.0.1" },
  "actions/setup-node": { sha: "820762786026740c76f36085b0efc47a31fe5020", version: "v7.0.0" },
  "actions/upload-artifact": { sha: "bbbca2ddaa5d8feaa63e36b76fdaad77386f024f", version: "v7.0.0" },
  "aws-actions/configure-aws-credentials": {
    sha: "e6de054238d6b7531b4efff3b6587d9aade6a06c",
    version: "v6.2.3",
  },
  "pulumi/actions": { sha: "8e5e406f4007fca908480587cb9893c07090f58d", version: "v7.0.0" },
  "pulumi/auth-actions": { sha: "141415910c3beb54e03b48e9057c204c97b956f2", version: "v2.1.0" },
};

/** Every `uses:` line of a workflow: the reference and the comment after it. */
export const usesLines = (source: string) =>
  [...source.matchAll(/^\s*(?:-\s+)?uses:\s*(\S+)[ \t]*(?:#[ \t]*(.*))?$/gm)].map((m) => ({
    ref: m[1] ?? "",
    comment: (m[2] ?? "").trim(),
  }));

/** Why a `uses:` is not an accepted pin, or undefined when it is. */
export const pinProblem = ({ ref, comment }: { ref: string; comment: string }): string | undefined => {
  if (ref.startsWith("./")) return undefined;
  const match = /^([^@/]+\/[^@/]+)(?:\/[^@]*)?@(.+)$/.exec(ref);
  if (!match) return `${ref}: not owner/repo@ref`;
  const [, name = "", at = ""] = match;
  if (!/^[0-9a-f]{40}$/.test(at)) return `${ref}: not pinned to a 40-hex commit SHA`;
  const pin = PINS[name];
  if (!pin) return `${ref}: ${name} is not in the verified pins (packages/repo-checks/test/pins.ts)`;
  if (at !== pin.sha) return `${ref}: ${name} must be ${pin.sha} (${pin.version})`;
  if (comment !== pin.version) return `${ref}: the comment must name the release, "# ${pin.version}"`;
  return undefined;
};
