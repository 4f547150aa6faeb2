/**
 * What the lab's invocations would have cost on AWS: each REPORT line priced with the architecture
 * package's model (@lambda-lab/architecture), at the architecture the stack deploys, beside the other
 * architecture and other memory sizes (the power-tuning view, a model). Fed from the runtime's records;
 * answers `GET /api/cost` and the burst results.
 */
import {
  costByFunction,
  type FunctionCost,
  type PricedInvocation,
  TUNING_MEMORY_SIZES,
  totalCost,
  VCPU_MEMORY_MB,
} from "@lambda-lab/architecture/invocation-cost";
import {
  type LambdaArchitecture,
  type PriceTable,
  priceTable,
  staleWarning,
} from "@lambda-lab/architecture/prices";
import { parseReportLine } from "@lambda-lab/architecture/report-line";

/** The fields of an invocation record the meter reads (runtime/function-pool.ts InvocationRecord). */
export interface ReportedInvocation {
  functionId: string;
  report: string;
  cpuTimeMs?: number | undefined;
}

export interface CostSnapshot {
  available: boolean;
  /** Why there are no figures (no price table for the stack's region). */
  reason?: string;
  region: string;
  architecture: LambdaArchitecture;
  pricesAsOf?: string;
  warning?: string;
  /** Every invocation since the lab started, at the stack's architecture. */
  totalUsd: number;
  invocations: number;
  /** Records whose REPORT line could not be priced (never expected; counted rather than thrown). */
  skipped: number;
  functions: FunctionCost[];
  memorySizes: readonly number[];
  model: string;
}

export interface BurstCost {
  totalUsd: number;
  otherArchitecture: { architecture: LambdaArchitecture; totalUsd: number };
}

export interface CostMeter {
  record(invocation: ReportedInvocation): void;
  /** "This burst would have cost …". */
  price(invocations: readonly ReportedInvocation[]): BurstCost | undefined;
  snapshot(): CostSnapshot;
}

/** Enough for a long session's running totals; the oldest go first. */
const MAX_KEPT = 20_000;

export const MODEL_NOTE =
  `Model, not a measurement: CPU work runs at memory ÷ ${VCPU_MEMORY_MB} MB vCPUs (Lambda's documented ` +
  "proportion), capped at the parallelism the invocation showed; waiting time and init stay as measured; " +
  "this machine's core counts as one vCPU and both architectures as equally fast.";

export const createCostMeter = (options: {
  region: string;
  architecture: LambdaArchitecture;
  now?: () => Date;
}): CostMeter => {
  let table: PriceTable | undefined;
  let reason: string | undefined;
  try {
    table = priceTable(options.region);
  } catch (error) {
    reason = (error as Error).message;
  }
  const kept: PricedInvocation[] = [];
  let skipped = 0;
  const toPriced = (inv: ReportedInvocation): PricedInvocation => {
    const report = parseReportLine(inv.report);
    return {
      functionId: inv.functionId,
      billedDurationMs: report.billedDurationMs,
      memorySizeMb: report.memorySizeMb,
      architecture: options.architecture,
      durationMs: report.durationMs,
      initDurationMs: report.initDurationMs,
      cpuTimeMs: inv.cpuTimeMs,
    };
  };
  return {
    // Called from the runtime's event: a bad line must never break an invocation, so it is counted.
    record(inv) {
      try {
        kept.push(toPriced(inv));
      } catch {
        skipped++;
        return;
      }
      if (kept.length > MAX_KEPT) kept.splice(0, kept.length - MAX_KEPT);
    },
    price(invocations) {
      if (!table) return undefined;
      const priced = invocations.flatMap((inv) => {
        try {
          return [toPriced(inv)];
        } catch {
          return [];
        }
      });
      const other: LambdaArchitecture = options.architecture === "arm64" ? "x86_64" : "arm64";
      return {
        totalUsd: totalCost(priced, table.lambda),
        otherArchitecture: {
          architecture: other,
          totalUsd: totalCost(
            priced.map((p) => ({ ...p, architecture: other })),
            table.lambda,
          ),
        },
      };
    },
    snapshot() {
      const base = {
        region: options.region,
        architecture: options.architecture,
        memorySizes: TUNING_MEMORY_SIZES,
        model: MODEL_NOTE,
        invocations: kept.length,
        skipped,
      };
      if (!table) return { ...base, available: false, reason, totalUsd: 0, functions: [] };
      const functions = costByFunction(kept, table.lambda);
      const warning = staleWarning(table, options.now?.() ?? new Date());
      return {
        ...base,
        available: true,
        pricesAsOf: table.asOf,
        ...(warning ? { warning } : {}),
        totalUsd: functions.reduce((s, f) => s + f.totalUsd, 0),
        functions,
      };
    },
  };
};
