/**
 * One benchmark case in its own process, so its peak RSS is its own: `case.ts <case> <jpeg> <seconds>`.
 * Prints one JSON line: images, wall seconds, CPU seconds (all threads: libvips works off the main thread)
 * and peak RSS before and after the work.
 */
import { readFileSync } from "node:fs";
import { loadEnv, sharpSettingsOf } from "../src/env.js";
import { applySharpSettings } from "../src/sharp-settings.js";
import { CASES } from "./cases.js";

const [name = "", file = "", secondsArg = "3"] = process.argv.slice(2);
const spec = CASES[name];
if (!spec) throw new Error(`unknown case ${name}; one of ${Object.keys(CASES).join(", ")}`);

// Every case runs with the settings the function would apply (same cache, same thread count).
applySharpSettings(sharpSettingsOf(loadEnv({ BUCKET_NAME: "bench" })));
const input = readFileSync(file);
const run = spec.make(input);
const idleRssKb = process.resourceUsage().maxRSS;

await run(); // warm-up: first-call costs (codec init, thread pool) are not what we measure
const budgetMs = Number(secondsArg) * 1000;
let images = 0;
const cpuStart = process.cpuUsage();
const start = performance.now();
while (images < 3 || performance.now() - start < budgetMs) {
  await run();
  images++;
}
const seconds = (performance.now() - start) / 1000;
const cpu = process.cpuUsage(cpuStart);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
process.stdout.write(
  `${JSON.stringify({ name, images, seconds, cpuSeconds, idleRssMb: idleRssKb / 1024, peakRssMb: process.resourceUsage().maxRSS / 1024 })}\n`,
);
