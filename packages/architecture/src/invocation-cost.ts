/**
 * What one Lambda invocation costs, from its REPORT figures, and a model of what it would cost at another
 * memory size or architecture. Pure: the local lab prices every invocation with it.
 *
 * Billed: one request plus the billed duration (rounded up to the ms, including INIT since 2025-08-01)
 * × the configured memory in GB × the architecture's GB-second rate
 * (https://aws.amazon.com/lambda/pricing/). 1 GB = 1,024 MB, as AWS's per-ms price table implies
 * (128 MB at $0.0000166667/GB-s = $0.0000000021/ms).
 *
 * The power-tuning view is a MODEL, not a measurement: "At 1,769 MB, a function has the equivalent of one
 * vCPU (one vCPU-second of credits per second)" and CPU is allocated in proportion to memory
 * (https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html). The model splits the measured
 * duration into CPU work (the measured CPU time) and waiting (the rest: S3, the database, Slack), keeps the
 * waiting as it was, and runs the CPU work at `memory / 1,769` vCPUs, capped at the parallelism the
 * invocation showed (CPU time ÷ duration, at least one thread: a Node.js handler's JavaScript runs on one).
 * It assumes this machine's core is as fast as a Lambda vCPU and both architectures run equally fast; the
 * init phase is kept as measured. Lambda Power Tuning measures the real thing in an AWS account.
 */
import type { LambdaArchitecture, LambdaPrices } from "./prices.js";

export const VCPU_MEMORY_MB = 1769;
export const MIN_MEMORY_MB = 128;
export const MAX_MEMORY_MB = 10_240;
/** The sizes the power-tuning view compares: Lambda's range, with one vCPU's worth marked. */
export const TUNING_MEMORY_SIZES = [128, 256, 512, 1024, 1769, 3008, 10_240] as const;
export const ARCHITECTURES: readonly LambdaArchitecture[] = ["arm64", "x86_64"];

export interface BilledInvocation {
  billedDurationMs: number;
  memorySizeMb: number;
  architecture: LambdaArchitecture;
}

export interface InvocationCost {
  gbSeconds: number;
  requestUsd: number;
  durationUsd: number;
  totalUsd: number;
}

export class InvocationCostError extends Error {
  override name = "InvocationCostError";
}

const check = (inv: BilledInvocation) => {
  if (!Number.isFinite(inv.billedDurationMs) || inv.billedDurationMs < 0)
    throw new InvocationCostError(
      `billed duration must be a non-negative number of ms, got ${inv.billedDurationMs}`,
    );
  if (
    !Number.isInteger(inv.memorySizeMb) ||
    inv.memorySizeMb < MIN_MEMORY_MB ||
    inv.memorySizeMb > MAX_MEMORY_MB
  )
    throw new InvocationCostError(
      `memory must be ${MIN_MEMORY_MB}-${MAX_MEMORY_MB} MB (Lambda's range), got ${inv.memorySizeMb}`,
    );
};

export const invocationCost = (inv: BilledInvocation, prices: LambdaPrices): InvocationCost => {
  check(inv);
  const gbSeconds = (inv.billedDurationMs / 1000) * (inv.memorySizeMb / 1024);
  const requestUsd = prices.requestPerMillion.usd / 1_000_000;
  const durationUsd = gbSeconds * prices.gbSecond[inv.architecture].usd;
  return { gbSeconds, requestUsd, durationUsd, totalUsd: requestUsd + durationUsd };
};

export interface MeasuredInvocation {
  /** The handler's wall time (REPORT Duration). */
  durationMs: number;
  initDurationMs?: number | undefined;
  /** CPU time (user + system) the environment spent in the handler, measured by the lab. */
  cpuTimeMs: number;
}

export interface ModelledDuration {
  memorySizeMb: number;
  durationMs: number;
  billedDurationMs: number;
  /** vCPUs the CPU work runs on at this memory in the model. */
  vcpus: number;
}

/** The model's duration at `memorySizeMb` (see the module comment for what it assumes). */
export const modelDuration = (m: MeasuredInvocation, memorySizeMb: number): ModelledDuration => {
  if (m.durationMs < 0 || m.cpuTimeMs < 0)
    throw new InvocationCostError(
      `duration and CPU time must be non-negative (${m.durationMs}, ${m.cpuTimeMs})`,
    );
  const parallelism = m.durationMs > 0 ? Math.max(1, m.cpuTimeMs / m.durationMs) : 1;
  const cpuWallMs = m.cpuTimeMs / parallelism;
  const waitMs = Math.max(0, m.durationMs - cpuWallMs);
  const vcpus = Math.min(parallelism, memorySizeMb / VCPU_MEMORY_MB);
  const durationMs = waitMs + m.cpuTimeMs / vcpus;
  return {
    memorySizeMb,
    durationMs,
    billedDurationMs: Math.max(1, Math.ceil(durationMs + (m.initDurationMs ?? 0))),
    vcpus,
  };
};

/** One function's invocations, as the lab keeps them. */
export interface PricedInvocation extends BilledInvocation {
  functionId: string;
  durationMs: number;
  initDurationMs?: number | undefined;
  cpuTimeMs?: number | undefined;
}

export interface TuningCell {
  memorySizeMb: number;
  architecture: LambdaArchitecture;
  /** Modelled mean duration per invocation. */
  meanDurationMs: number;
  totalUsd: number;
}

export interface FunctionCost {
  functionId: string;
  invocations: number;
  coldStarts: number;
  billedMs: number;
  gbSeconds: number;
  memorySizeMb: number;
  architecture: LambdaArchitecture;
  /** As billed, at the architecture the stack deploys. */
  totalUsd: number;
  /** The same billed durations at the other architecture. */
  otherArchitecture: { architecture: LambdaArchitecture; totalUsd: number };
  /** The power-tuning model over the invocations with a measured CPU time (`modelled` of them). */
  tuning: { modelled: number; cells: TuningCell[] };
}

const other = (a: LambdaArchitecture): LambdaArchitecture => (a === "arm64" ? "x86_64" : "arm64");

/** Running totals per function, the other architecture beside them, and the power-tuning model. */
export const costByFunction = (
  invocations: readonly PricedInvocation[],
  prices: LambdaPrices,
  memorySizes: readonly number[] = TUNING_MEMORY_SIZES,
): FunctionCost[] => {
  const ids = [...new Set(invocations.map((i) => i.functionId))].sort();
  return ids.map((functionId) => {
    const own = invocations.filter((i) => i.functionId === functionId);
    const last = own.at(-1)!;
    const sum = (f: (i: PricedInvocation) => number) => own.reduce((s, i) => s + f(i), 0);
    const withCpu = own.filter((i) => i.cpuTimeMs !== undefined);
    const cells: TuningCell[] = memorySizes.flatMap((memorySizeMb) =>
      ARCHITECTURES.map((architecture) => {
        const modelled = withCpu.map((i) =>
          modelDuration(
            { durationMs: i.durationMs, initDurationMs: i.initDurationMs, cpuTimeMs: i.cpuTimeMs ?? 0 },
            memorySizeMb,
          ),
        );
        return {
          memorySizeMb,
          architecture,
          meanDurationMs: modelled.length
            ? modelled.reduce((s, d) => s + d.durationMs, 0) / modelled.length
            : 0,
          totalUsd: modelled.reduce(
            (s, d) =>
              s +
              invocationCost({ billedDurationMs: d.billedDurationMs, memorySizeMb, architecture }, prices)
                .totalUsd,
            0,
          ),
        };
      }),
    );
    return {
      functionId,
      invocations: own.length,
      coldStarts: own.filter((i) => i.initDurationMs !== undefined).length,
      billedMs: sum((i) => i.billedDurationMs),
      gbSeconds: sum((i) => invocationCost(i, prices).gbSeconds),
      memorySizeMb: last.memorySizeMb,
      architecture: last.architecture,
      totalUsd: sum((i) => invocationCost(i, prices).totalUsd),
      otherArchitecture: {
        architecture: other(last.architecture),
        totalUsd: sum((i) => invocationCost({ ...i, architecture: other(i.architecture) }, prices).totalUsd),
      },
      tuning: { modelled: withCpu.length, cells },
    };
  });
};

/** "This burst would have cost …": the invocations' billed total. */
export const totalCost = (invocations: readonly BilledInvocation[], prices: LambdaPrices): number =>
  invocations.reduce((s, i) => s + invocationCost(i, prices).totalUsd, 0);
