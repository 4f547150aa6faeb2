#!/usr/bin/env node
// Times `pnpm turbo test` cold (turbo's cache bypassed with --force) and then again with nothing changed,
// and prints both side by side with the number of cached tasks turbo reports.
import { spawnSync } from "node:child_process";

const run = (args) => {
  const started = performance.now();
  const result = spawnSync("pnpm", ["turbo", "test", ...args], {
    encoding: "utf8",
    env: { ...process.env, TURBO_TELEMETRY_DISABLED: "1", DO_NOT_TRACK: "1" },
    maxBuffer: 256 * 1024 * 1024,
  });
  const seconds = (performance.now() - started) / 1000;
  if (result.status !== 0) {
    process.stdout.write(result.stdout.slice(-4000));
    throw new Error(`pnpm turbo test ${args.join(" ")} failed with exit code ${result.status}`);
  }
  const cached = /Cached:\s+(\d+) cached, (\d+) total/.exec(result.stdout);
  return { seconds, cached: cached ? `${cached[1]}/${cached[2]}` : "?" };
};

const cold = run(["--force"]);
const warm = run([]);
console.log("run                         | wall s | cached tasks");
console.log("----------------------------|--------|-------------");
console.log(`cold (--force, no cache)    | ${cold.seconds.toFixed(1).padStart(6)} | ${cold.cached}`);
console.log(`re-run, nothing changed     | ${warm.seconds.toFixed(1).padStart(6)} | ${warm.cached}`);
