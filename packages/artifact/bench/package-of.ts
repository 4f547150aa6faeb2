// The cold-start bench's "largest parts" list: which package each bundled input file belongs to.

/**
 * `…/node_modules/.pnpm/x/node_modules/@scope/name/dist/a.js` → `@scope/name`; a workspace source → its
 * package: `packages/shared/src/…` (the baseline's git paths) and `../shared/src/…` (esbuild's paths, relative
 * to this package) → shared, `../functions/upload/src/…` → upload.
 */
export const packageOf = (path: string): string => {
  const names = [...path.matchAll(/node_modules\/((?:@[^/]+\/)?[^/]+)/g)].map((m) => m[1] ?? "");
  const npm = names.filter((n) => n !== ".pnpm").at(-1);
  if (npm) return npm;
  return /(?:^|\/)(?:packages\/)?(?:functions\/)?([^/.][^/]*)\/src\//.exec(path)?.[1] ?? path;
};
