import { createIamEvaluator, type Decision, type IamEvaluator, type Verdict } from "./evaluator.js";
import { formatStatement, type Statement } from "./missing-statement.js";
import type { ProgramIam } from "./program-iam.js";
import type { ContextValues, S3Call, S3Operation } from "./s3-actions.js";

/**
 * The IAM preflight's bookkeeping: every S3 call a function makes (seen by the S3 proxy), its verdict
 * against the program's IAM documents, and the denials, each reported once per function, action and
 * resource pattern: in the terminal, on the event stream (`iam`) and in the lab's state (`iam`).
 */

/** `warn` reports and lets the call through; `enforce` answers S3's AccessDenied; `off` runs no proxy. */
export type IamMode = "warn" | "enforce" | "off";
export const IAM_MODES: readonly IamMode[] = ["warn", "enforce", "off"];

export interface Caller {
  /** The access key the request (or the form's policy) was signed with; undefined when unsigned. */
  accessKeyId: string | undefined;
  via: "signature" | "presigned-url" | "presigned-post";
}

export interface IamDenial {
  stack: string;
  functionId: string;
  /** The S3 API operation (`DeleteObjects`, `PostObject`, `HeadObject`…). */
  operation: string;
  action: string;
  /** The lab's ARN (the deployed bucket has the program's autonamed one). */
  resource: string;
  context: ContextValues;
  decision: Exclude<Decision, "Allowed">;
  principal: string;
  missing?: Statement;
  /** Where to grant it: the function's entry in the catalog. */
  grantIn?: string;
  deniedBy?: string;
  /** Why S3 makes this check at all, when it is not obvious (the 404 rule). */
  note?: string;
  via: Caller["via"];
  /** Invocations of the function running when the call was made (more than one when concurrent). */
  requestIds: string[];
  count: number;
  firstAt: number;
  lastAt: number;
  /** The line printed in the terminal. */
  message: string;
}

export interface ObservedCall {
  at: number;
  functionId: string;
  operation: string;
  action: string;
  resource: string;
  decision: Decision;
  requestIds: string[];
}

export interface IamSnapshot {
  mode: IamMode;
  stack: string;
  /** `loading` until the program's documents are computed (a few seconds after start). */
  status: "loading" | "ready" | "unavailable";
  error?: string;
  evaluated: number;
  allowed: number;
  denied: number;
  /** Requests not signed by a function's key (not evaluated). */
  unattributed: number;
  unmapped: { functionId: string; reason: string; count: number }[];
  /** Every evaluated call so far, counted per function and action. */
  calls: Record<string, Record<string, { allowed: number; denied: number }>>;
  denials: IamDenial[];
  /** The latest calls, newest last. */
  recent: ObservedCall[];
  /** What the preflight does not see (README, "IAM preflight"). */
  notCovered: string[];
}

export interface CallOutcome {
  call: S3Call;
  functionId?: string;
  verdict?: Verdict;
  denied: boolean;
}

export interface IamPreflight {
  readonly mode: IamMode;
  /** Evaluates every call of one request; resolves once the program's documents are there. */
  check(caller: Caller, operation: S3Operation, note?: string): Promise<CallOutcome[]>;
  started(functionId: string, requestId: string): void;
  finished(functionId: string, requestId: string): void;
  snapshot(): IamSnapshot;
  /** Settles once the documents are loaded or have failed to load. */
  ready: Promise<void>;
}

const NOT_COVERED = [
  "AWS calls other than S3: the lab gives the functions no Secrets Manager, SSM or KMS endpoint (the database URL, token secret and Slack webhook come through the environment), so those grants are checked only by the IAM matrix test",
  "what Lambda itself does with the role (CloudWatch Logs, ENIs, SQS on-failure delivery, EFS mounts)",
  "requests not signed with a function's key (the page's and the lab's own S3 reads go straight to s3rver)",
];

/** Where a function's S3 grants are written (the program turns them into its role's statements). */
export const GRANTS_SOURCE = "packages/catalog/src/functions.ts";

const MAX_RECENT = 50;
const MAX_REQUEST_IDS = 10;

/** `transform|s3:DeleteObject|arn:aws:s3:::b/uploads/*`: one report per function, action and pattern. */
const denialKey = (functionId: string, call: S3Call, missing: Statement | undefined) =>
  [functionId, call.action, missing ? formatStatement({ ...missing, Action: "" }) : call.resource].join("|");

export const denialMessage = (d: Omit<IamDenial, "message">): string =>
  `local AccessDenied: ${d.functionId} would be denied ${d.action} on ${d.resource} in ${d.stack} (${d.operation}${d.via === "presigned-post" ? ", a form it signed" : ""})` +
  (d.missing
    ? ` — missing: ${formatStatement(d.missing)}${d.grantIn ? ` (grant it in ${d.grantIn})` : ""}`
    : d.deniedBy
      ? ` — explicitly denied by ${d.deniedBy}`
      : "") +
  (d.note ? `. ${d.note}` : "");

export const createIamPreflight = (options: {
  stack: string;
  labBucket: string;
  mode: Exclude<IamMode, "off">;
  iam: Promise<ProgramIam>;
  /** The function a lab access key belongs to (config.ts `labAccessKeyId`). */
  functionOfKey(accessKeyId: string): string | undefined;
  log(line: string): void;
  emit(type: string, data: unknown): void;
}): IamPreflight => {
  let status: IamSnapshot["status"] = "loading";
  let error: string | undefined;
  let evaluator: IamEvaluator | undefined;
  const counts = { evaluated: 0, allowed: 0, denied: 0, unattributed: 0 };
  const denials = new Map<string, IamDenial>();
  const unmapped = new Map<string, IamSnapshot["unmapped"][number]>();
  const recent: ObservedCall[] = [];
  const calls: IamSnapshot["calls"] = {};
  const inFlight = new Map<string, Set<string>>();
  const warnedKeys = new Set<string>();

  const ready = options.iam.then(
    (iam) => {
      evaluator = createIamEvaluator(iam, options.labBucket);
      status = "ready";
      options.log(
        `IAM preflight (${options.mode}): S3 calls are checked against stack ${options.stack}'s IAM policies (mocked program run: ${(iam.computedInMs / 1000).toFixed(1)} s)`,
      );
    },
    (failure: Error) => {
      status = "unavailable";
      error = failure.message.split("\n")[0] ?? String(failure);
      options.log(`warning: IAM preflight unavailable, S3 calls are not checked: ${error}`);
    },
  );

  const record = (
    functionId: string,
    call: S3Call,
    verdict: Verdict,
    operation: string,
    caller: Caller,
    requestIds: string[],
    note?: string,
  ) => {
    const at = Date.now();
    const perFunction = calls[functionId] ?? {};
    calls[functionId] = perFunction;
    const tally = perFunction[call.action] ?? { allowed: 0, denied: 0 };
    perFunction[call.action] = tally;
    if (verdict.decision === "Allowed") tally.allowed++;
    else tally.denied++;
    recent.push({
      at,
      functionId,
      operation,
      action: call.action,
      resource: call.resource,
      decision: verdict.decision,
      requestIds,
    });
    if (recent.length > MAX_RECENT) recent.splice(0, recent.length - MAX_RECENT);
    if (verdict.decision === "Allowed") return;
    const key = denialKey(functionId, call, verdict.missing);
    const existing = denials.get(key);
    if (existing) {
      existing.count++;
      existing.lastAt = at;
      for (const id of requestIds) if (!existing.requestIds.includes(id)) existing.requestIds.push(id);
      existing.requestIds.splice(0, Math.max(0, existing.requestIds.length - MAX_REQUEST_IDS));
      options.emit("iam", existing);
      return;
    }
    const base: Omit<IamDenial, "message"> = {
      stack: options.stack,
      functionId,
      operation,
      action: call.action,
      resource: call.resource,
      context: verdict.context,
      decision: verdict.decision,
      principal: verdict.principal,
      ...(verdict.missing
        ? { missing: verdict.missing, grantIn: `${functionId}'s s3 grants, ${GRANTS_SOURCE}` }
        : {}),
      ...(verdict.deniedBy ? { deniedBy: verdict.deniedBy } : {}),
      ...(note ? { note } : {}),
      via: caller.via,
      requestIds,
      count: 1,
      firstAt: at,
      lastAt: at,
    };
    const denial: IamDenial = { ...base, message: denialMessage(base) };
    denials.set(key, denial);
    options.log(denial.message);
    options.emit("iam", denial);
  };

  return {
    mode: options.mode,
    ready,
    async check(caller, operation, note) {
      if (operation.kind === "none") return [];
      const functionId = caller.accessKeyId ? options.functionOfKey(caller.accessKeyId) : undefined;
      if (!functionId) {
        counts.unattributed++;
        const who = caller.accessKeyId ?? "(unsigned)";
        if (!warnedKeys.has(who)) {
          warnedKeys.add(who);
          options.log(
            `IAM preflight: an S3 request ${caller.accessKeyId ? `signed with ${caller.accessKeyId}` : "without a signature"} is no function's; not evaluated`,
          );
        }
        return operation.kind === "calls" ? operation.calls.map((call) => ({ call, denied: false })) : [];
      }
      if (operation.kind === "unmapped") {
        const key = `${functionId}|${operation.reason}`;
        const entry = unmapped.get(key);
        if (entry) entry.count++;
        else {
          unmapped.set(key, { functionId, reason: operation.reason, count: 1 });
          options.log(
            `IAM preflight: ${functionId} made an S3 request it cannot map to IAM actions (${operation.reason}); not evaluated`,
          );
        }
        return [];
      }
      // Taken now: by the time the documents are loaded the invocation may be over. A form is posted by a
      // browser after the invocation that signed it, so it belongs to none.
      const requestIds =
        caller.via === "presigned-post"
          ? []
          : [...(inFlight.get(functionId) ?? [])].slice(0, MAX_REQUEST_IDS);
      await ready;
      if (!evaluator) return operation.calls.map((call) => ({ call, functionId, denied: false }));
      const outcomes: CallOutcome[] = [];
      for (const call of operation.calls) {
        try {
          const verdict = await evaluator.evaluate(functionId, call);
          counts.evaluated++;
          if (verdict.decision === "Allowed") counts.allowed++;
          else counts.denied++;
          record(functionId, call, verdict, operation.operation, caller, requestIds, note);
          outcomes.push({ call, functionId, verdict, denied: verdict.decision !== "Allowed" });
        } catch (failure) {
          const key = `${functionId}|error|${(failure as Error).message}`;
          if (!unmapped.has(key)) {
            unmapped.set(key, { functionId, reason: (failure as Error).message, count: 1 });
            options.log(`IAM preflight: ${(failure as Error).message}; not evaluated`);
          }
          outcomes.push({ call, functionId, denied: false });
        }
      }
      return outcomes;
    },
    started(functionId, requestId) {
      const set = inFlight.get(functionId) ?? new Set<string>();
      inFlight.set(functionId, set);
      set.add(requestId);
    },
    finished(functionId, requestId) {
      inFlight.get(functionId)?.delete(requestId);
    },
    snapshot: () => ({
      mode: options.mode,
      stack: options.stack,
      status,
      ...(error ? { error } : {}),
      ...counts,
      unmapped: [...unmapped.values()],
      calls: structuredClone(calls),
      denials: [...denials.values()],
      recent: [...recent],
      notCovered: NOT_COVERED,
    }),
  };
};
