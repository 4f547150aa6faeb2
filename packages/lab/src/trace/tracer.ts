import { FUNCTIONS, writePatternsOf } from "@lambda-lab/catalog";
import type { InvocationRecord } from "../runtime/function-pool.js";
import {
  bucketNotifications,
  decideNotifications,
  type NotificationDecision,
  type NotificationTarget,
} from "../services/s3-notifications.js";
import { type Mentions, mentionsOf, slackMentions, slackTitle } from "./mentions.js";

/**
 * The event-path tracer: fed the lab's event stream, it answers "what happened to this object / request /
 * alarm, and why?" step by step, with a reason at every branch, including the branch where nothing
 * happened. It keeps only what it saw (bounded), so a trace is of this lab run.
 */

export interface TraceStep {
  at: number;
  kind:
    | "s3"
    | "filter"
    | "recursion-guard"
    | "schedule"
    | "queued"
    | "start"
    | "attempt"
    | "retry"
    | "destination"
    | "alarm"
    | "alert"
    | "slack";
  outcome: "ok" | "skipped" | "failed" | "waiting" | "info";
  title: string;
  reason: string;
  functionId?: string;
  requestId?: string;
  attempt?: number;
}

export interface Trace {
  query: { key?: string; requestId?: string; alarm?: string };
  /** False when the lab saw nothing for the query: `summary` then says why nothing happened. */
  found: boolean;
  /** The answer in one line. */
  summary: string;
  steps: TraceStep[];
  /** The invocations and objects the trace followed (each can be traced on its own). */
  requestIds: string[];
  keys: string[];
}

/** One lab event as the lab's stream carries it (`{ type, at, data }`). */
export interface TracedEvent {
  type: string;
  at: number;
  data: unknown;
}

export interface TracerOptions {
  /** The lab's functions: names (alarms and Slack cards name functions by them) and async retries. */
  functions: readonly { id: string; functionName: string; maxRetryAttempts?: number | undefined }[];
  /** The bucket's notifications; the catalog's S3 triggers by default (the lab wires the same list). */
  notifications?: readonly NotificationTarget[];
  /** The lab's retry delays (Lambda waits about 1 and then 2 minutes). */
  retryDelaysMs?: readonly number[];
  /** How many objects and invocations are remembered (the oldest are forgotten first). */
  capacity?: number;
}

/** The function whose outputs a key is (its S3 write grants, the catalog's), if any. */
export const writerOf = (key: string): { functionId: string; pattern: string } | undefined => {
  for (const id of Object.keys(FUNCTIONS) as (keyof typeof FUNCTIONS)[])
    for (const pattern of writePatternsOf(id)) {
      const literal = pattern.split("*")[0] ?? "";
      if (literal && key.startsWith(literal) && !pattern.startsWith("uploads/"))
        return { functionId: id, pattern };
    }
  return undefined;
};

interface ObjectEvent {
  at: number;
  eventName: string;
  decisions: NotificationDecision[];
  /** The matched functions' concurrency when the event was queued for them. */
  busy: Record<string, { concurrent: number; limit: number }>;
}

interface StartSeen {
  at: number;
  attempt: number;
  cold: boolean;
  environmentId: string;
  source: string;
  invocationType: string;
}

interface InvocationSeen {
  requestId: string;
  functionId: string;
  source?: string;
  starts: StartSeen[];
  records: (Pick<
    InvocationRecord,
    | "attempt"
    | "status"
    | "errorType"
    | "cold"
    | "initDurationMs"
    | "durationMs"
    | "startedAt"
    | "endedAt"
    | "invocationType"
    | "source"
    | "body"
    | "environmentId"
  > & { at: number })[];
  mentions: Mentions;
  failure?: { at: number; attempts: number; condition: string };
}

const MAX_BODY = 300;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null;

/** Bounded insertion-ordered map: the oldest entry goes first. */
const remember = <K, V>(map: Map<K, V>, key: K, value: V, capacity: number) => {
  map.delete(key);
  map.set(key, value);
  while (map.size > capacity) map.delete(map.keys().next().value as K);
};

const errorText = (body: string): string => {
  try {
    const parsed = JSON.parse(body) as { errorType?: string; errorMessage?: string };
    if (parsed && typeof parsed === "object" && (parsed.errorType || parsed.errorMessage))
      return `${parsed.errorType ?? "Error"}: ${parsed.errorMessage ?? ""}`.slice(0, MAX_BODY);
  } catch {}
  return body.slice(0, MAX_BODY);
};

const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;

export const createTracer = (options: TracerOptions) => {
  const capacity = options.capacity ?? 2_000;
  const notifications = options.notifications ?? bucketNotifications();
  const byId = new Map(options.functions.map((f) => [f.id, f]));
  const byName = new Map(options.functions.map((f) => [f.functionName, f.id]));
  const objects = new Map<string, ObjectEvent[]>();
  const invocations = new Map<string, InvocationSeen>();
  const byKey = new Map<string, Set<string>>();
  /** Invocations (alerts) that reported a failed request id. */
  const reporters = new Map<string, Set<string>>();
  const concurrency = new Map<string, { concurrent: number; limit: number }>();
  const schedules: { at: number; functionId: string; time: string }[] = [];
  const alarms: { at: number; name: string; state: string; previous: string; reason: string }[] = [];
  const slack: { at: number; title: string; requestIds: string[]; alarmNames: string[] }[] = [];
  const knownAlarms = new Set(
    options.functions.flatMap((f) => [`${f.functionName}-errors`, `${f.functionName}-throttles`]),
  );
  const bounded = <T>(list: T[], item: T) => {
    list.push(item);
    if (list.length > capacity) list.splice(0, list.length - capacity);
  };

  const invocation = (requestId: string, functionId: string): InvocationSeen => {
    let seen = invocations.get(requestId);
    if (!seen) {
      seen = {
        requestId,
        functionId,
        starts: [],
        records: [],
        mentions: { keys: [], requestIds: [], alarmNames: [] },
      };
      remember(invocations, requestId, seen, capacity);
    }
    return seen;
  };

  const link = (index: Map<string, Set<string>>, key: string, requestId: string) => {
    const set = index.get(key) ?? new Set<string>();
    set.add(requestId);
    remember(index, key, set, capacity);
  };

  const ingest = (event: TracedEvent): void => {
    const data = event.data;
    if (!isObject(data)) return;
    switch (event.type) {
      case "s3": {
        if (typeof data.key !== "string" || typeof data.eventName !== "string") return;
        const decisions = decideNotifications({ eventName: data.eventName, key: data.key }, notifications);
        const busy: ObjectEvent["busy"] = {};
        for (const d of decisions)
          if (d.matched && d.functionId) {
            const c = concurrency.get(d.functionId);
            if (c) busy[d.functionId] = { ...c };
          }
        const list = objects.get(data.key) ?? [];
        list.push({ at: event.at, eventName: data.eventName, decisions, busy });
        remember(objects, data.key, list, capacity);
        return;
      }
      case "concurrency":
        if (typeof data.functionId === "string")
          concurrency.set(data.functionId, {
            concurrent: Number(data.concurrent),
            limit: Number(data.limit),
          });
        return;
      case "invocation-start": {
        if (typeof data.requestId !== "string" || typeof data.functionId !== "string") return;
        const seen = invocation(data.requestId, data.functionId);
        seen.source ??= String(data.source ?? "");
        seen.starts.push({
          at: event.at,
          attempt: Number(data.attempt ?? 1),
          cold: data.cold === true,
          environmentId: String(data.environmentId ?? ""),
          source: String(data.source ?? ""),
          invocationType: String(data.invocationType ?? ""),
        });
        return;
      }
      case "invocation": {
        const r = data as unknown as InvocationRecord;
        if (typeof r.requestId !== "string" || typeof r.functionId !== "string") return;
        const seen = invocation(r.requestId, r.functionId);
        seen.source ??= r.source;
        seen.records.push({
          at: event.at,
          attempt: r.attempt,
          status: r.status,
          errorType: r.errorType,
          cold: r.cold,
          initDurationMs: r.initDurationMs,
          durationMs: r.durationMs,
          startedAt: r.startedAt,
          endedAt: r.endedAt,
          invocationType: r.invocationType,
          source: r.source,
          body: r.body.slice(0, 2_000),
          environmentId: r.environmentId,
        });
        if (typeof r.payload === "string" && seen.records.length === 1) {
          seen.mentions = mentionsOf(r.payload);
          // An on-failure record names the key of the event it lost: that invocation is reached through the
          // failed request (its reporter), not as one more invocation that carried the key.
          if (seen.mentions.requestIds.length === 0)
            for (const key of seen.mentions.keys) link(byKey, key, r.requestId);
          for (const id of seen.mentions.requestIds) if (id !== r.requestId) link(reporters, id, r.requestId);
        }
        return;
      }
      case "on-failure": {
        const context = isObject(data.requestContext) ? data.requestContext : undefined;
        const requestId = context?.requestId;
        if (typeof requestId !== "string") return;
        const seen = invocations.get(requestId);
        if (seen)
          seen.failure = {
            at: event.at,
            attempts: Number(context?.approximateInvokeCount ?? seen.records.length),
            condition: String(context?.condition ?? "RetriesExhausted"),
          };
        return;
      }
      case "schedule":
        if (typeof data.functionId === "string" && typeof data.time === "string")
          bounded(schedules, { at: event.at, functionId: data.functionId, time: data.time });
        return;
      case "alarm": {
        const records = Array.isArray(data.Records) ? data.Records : [];
        for (const record of records) {
          const message = isObject(record) && isObject(record.Sns) ? record.Sns.Message : undefined;
          let alarm: Record<string, unknown> | undefined;
          try {
            alarm =
              typeof message === "string" ? (JSON.parse(message) as Record<string, unknown>) : undefined;
          } catch {}
          if (alarm && typeof alarm.AlarmName === "string") {
            knownAlarms.add(alarm.AlarmName);
            bounded(alarms, {
              at: event.at,
              name: alarm.AlarmName,
              state: String(alarm.NewStateValue ?? "?"),
              previous: String(alarm.OldStateValue ?? "?"),
              reason: String(alarm.NewStateReason ?? ""),
            });
          }
        }
        return;
      }
      case "slack": {
        const mentions = slackMentions(data.payload, {
          requestIds: (id) => invocations.has(id),
          alarmNames: (name) => knownAlarms.has(name),
        });
        bounded(slack, { at: event.at, title: slackTitle(data.payload), ...mentions });
        return;
      }
    }
  };

  /** An async event waiting for (or given) an environment: Lambda queues it, never answers it with 429. */
  const queuedStep = (
    fn: string,
    queuedAt: number,
    startedAt: number | undefined,
    busy: { concurrent: number; limit: number } | undefined,
  ): TraceStep => {
    const full = busy !== undefined && busy.concurrent >= busy.limit;
    const limit = busy?.limit ?? "?";
    return {
      functionId: fn,
      at: queuedAt,
      kind: "queued",
      outcome: startedAt === undefined ? "waiting" : "ok",
      title: `queued for ${fn} (asynchronous invoke)`,
      reason:
        startedAt === undefined
          ? `waiting in ${fn}'s queue for a free environment${full ? ` (all ${limit} of its concurrency in use)` : ""}: Lambda keeps async events queued instead of answering 429`
          : full
            ? `waited ${seconds(startedAt - queuedAt)}: all ${limit} of ${fn}'s concurrency was in use, and Lambda holds async events in its queue (no 429 for them)`
            : `a slot was free: started after ${seconds(Math.max(0, startedAt - queuedAt))}`,
    };
  };

  const functionName = (id: string) => byId.get(id)?.functionName ?? id;
  const retriesOf = (id: string) => byId.get(id)?.maxRetryAttempts ?? 0;
  const delays = options.retryDelaysMs ?? [];

  /** The steps of one invocation: queued, each attempt (cold or warm, outcome), retries, destination, alerts. */
  const invocationSteps = (
    seen: InvocationSeen,
    queuedAt: number | undefined,
    busy?: { concurrent: number; limit: number },
    depth = 0,
  ): TraceStep[] => {
    const steps: TraceStep[] = [];
    const fn = seen.functionId;
    const base = { functionId: fn, requestId: seen.requestId };
    const first = seen.starts[0] ?? seen.records[0];
    const firstAt = seen.starts[0]?.at ?? seen.records[0]?.startedAt;
    const async = (seen.starts[0]?.invocationType ?? seen.records[0]?.invocationType) === "Event";
    if (seen.source === "schedule" && depth === 0) {
      const tick = [...schedules]
        .reverse()
        .find(
          (s) =>
            s.functionId === fn &&
            (seen.mentions.scheduledTime === undefined ||
              s.time.slice(0, 19) === seen.mentions.scheduledTime.slice(0, 19)) &&
            s.at <= (firstAt ?? Number.POSITIVE_INFINITY),
        );
      if (tick)
        steps.push({
          ...base,
          at: tick.at,
          kind: "schedule",
          outcome: "ok",
          title: `schedule fired for ${fn}`,
          reason: `EventBridge Scheduler's tick for ${tick.time}: an asynchronous invoke with the function's Scheduler input`,
        });
    }
    if (queuedAt !== undefined && async)
      steps.push({ ...queuedStep(fn, queuedAt, firstAt, busy), requestId: seen.requestId });
    if (!first) return steps;
    const attempts = new Map<number, { start?: StartSeen; record?: InvocationSeen["records"][number] }>();
    for (const s of seen.starts) attempts.set(s.attempt, { ...attempts.get(s.attempt), start: s });
    for (const r of seen.records) attempts.set(r.attempt, { ...attempts.get(r.attempt), record: r });
    const ordered = [...attempts.entries()].sort(([a], [b]) => a - b);
    const maxRetries = retriesOf(fn);
    let previousEnd: number | undefined;
    for (const [attempt, { start, record }] of ordered) {
      const cold = start?.cold ?? record?.cold ?? false;
      const env = start?.environmentId ?? record?.environmentId ?? "?";
      if (attempt > 1 && previousEnd !== undefined) {
        const delay = (start?.at ?? record?.startedAt ?? previousEnd) - previousEnd;
        steps.push({
          ...base,
          attempt,
          at: start?.at ?? record?.startedAt ?? previousEnd,
          kind: "retry",
          outcome: "info",
          title: `retry ${attempt - 1} of ${maxRetries}`,
          reason: `an async invocation that fails is retried (MaximumRetryAttempts ${maxRetries}); the lab waited ${seconds(delay)}${delays.length ? ` (its delays ${delays.map(seconds).join(", ")})` : ""}, Lambda waits about 1 minute, then 2`,
        });
      }
      steps.push({
        ...base,
        attempt,
        at: start?.at ?? record?.startedAt ?? 0,
        kind: "start",
        outcome: "info",
        title: `attempt ${attempt}: ${cold ? "cold start" : "warm"} (${env})`,
        reason: cold
          ? `no idle environment of ${fn}: a new one was started${record?.initDurationMs !== undefined ? `, init ${Math.round(record.initDurationMs)} ms (module load before the handler)` : ""}`
          : `an idle environment of ${fn} was reused: no init, module state kept from its earlier invocations`,
      });
      if (!record) {
        steps.push({
          ...base,
          attempt,
          at: start?.at ?? 0,
          kind: "attempt",
          outcome: "waiting",
          title: `attempt ${attempt}: running`,
          reason: "the handler has not returned yet",
        });
        continue;
      }
      previousEnd = record.endedAt;
      steps.push({
        ...base,
        attempt,
        at: record.endedAt,
        kind: "attempt",
        outcome: record.status === "success" ? "ok" : "failed",
        title: `attempt ${attempt}: ${record.status === "success" ? "succeeded" : record.status} in ${Math.round(record.durationMs)} ms`,
        reason:
          record.status === "success" ? `returned ${record.body.slice(0, MAX_BODY)}` : errorText(record.body),
      });
    }
    const last = ordered.at(-1)?.[1].record;
    if (last && last.status !== "success") {
      if (!async)
        steps.push({
          ...base,
          at: last.endedAt,
          kind: "destination",
          outcome: "info",
          title: "no retry, no destination: a synchronous invoke",
          reason:
            "Lambda retries and sends to on-failure destinations only asynchronous invocations; the caller got the error",
        });
      else if (seen.failure)
        steps.push({
          ...base,
          at: seen.failure.at,
          kind: "destination",
          outcome: "failed",
          title: `on-failure destination: ${seen.failure.condition} after ${seen.failure.attempts} attempt(s)`,
          reason: `no retry left (MaximumRetryAttempts ${maxRetries}): Lambda sent the invocation record to the on-failure queue${fn === "alerts" ? " (alerts' own failures are only kept, or it would feed itself)" : ", which alerts reads"}`,
        });
      else if (last.attempt <= maxRetries)
        steps.push({
          ...base,
          at: last.endedAt,
          kind: "retry",
          outcome: "waiting",
          title: `retry ${last.attempt} of ${maxRetries} pending`,
          reason: "waiting for the retry delay",
        });
      const errorsAlarm = `${functionName(fn)}-errors`;
      const alarm = alarms.find((a) => a.name === errorsAlarm && a.state === "ALARM" && a.at >= last.endedAt);
      if (alarm) steps.push(...alarmSteps(alarm, depth));
    }
    if (depth === 0)
      for (const reporter of reporters.get(seen.requestId) ?? []) {
        const r = invocations.get(reporter);
        if (!r) continue;
        steps.push(
          alertStep(
            r,
            `got the failure record (${r.source ?? "?"})`,
            `the on-failure queue delivered it to ${r.functionId} as an SQS event (request ${r.requestId})`,
          ),
        );
      }
    if (depth === 0) steps.push(...slackSteps((m) => m.requestIds.includes(seen.requestId)));
    return steps;
  };

  const alarmSteps = (alarm: (typeof alarms)[number], depth: number): TraceStep[] => {
    const steps: TraceStep[] = [
      {
        at: alarm.at,
        kind: "alarm",
        outcome: alarm.state === "ALARM" ? "failed" : "ok",
        title: `alarm ${alarm.name}: ${alarm.previous} → ${alarm.state}`,
        reason: `${alarm.reason} The alarm is evaluated when its period ends, so it follows the failures; CloudWatch published the change to SNS, which invokes alerts`,
      },
    ];
    for (const r of invocations.values())
      if (
        r.mentions.alarmNames.includes(alarm.name) &&
        (r.starts[0]?.at ?? r.records[0]?.startedAt ?? 0) >= alarm.at &&
        depth === 0
      ) {
        steps.push(alertStep(r, "got the alarm (SNS)", `request ${r.requestId}`));
        break;
      }
    steps.push(...slackSteps((m) => m.alarmNames.includes(alarm.name) && m.at >= alarm.at).slice(0, 1));
    return steps;
  };

  /** The alerts invocation that carried a failure record or an alarm on, with how it ended so far. */
  const alertStep = (r: InvocationSeen, what: string, reason: string): TraceStep => {
    const outcome = r.records.at(-1)?.status;
    return {
      functionId: r.functionId,
      requestId: r.requestId,
      at: r.starts[0]?.at ?? r.records[0]?.startedAt ?? 0,
      kind: "alert",
      outcome: outcome === undefined ? "waiting" : outcome === "success" ? "ok" : "failed",
      title: `${r.functionId} ${what}: ${outcome ?? "running"}`,
      reason,
    };
  };

  const slackSteps = (match: (m: (typeof slack)[number]) => boolean): TraceStep[] =>
    slack.filter(match).map((m) => ({
      at: m.at,
      kind: "slack" as const,
      outcome: "ok" as const,
      title: `Slack: ${m.title.slice(0, 120)}`,
      reason: "the alerts function posted it to the webhook (the lab's Slack sink)",
    }));

  const filterSteps = (key: string, e: ObjectEvent): TraceStep[] => {
    const steps: TraceStep[] = [
      {
        at: e.at,
        kind: "s3",
        outcome: "info",
        title: `S3 ${e.eventName} ${key}`,
        reason: "the bucket sends its notifications for every object event",
      },
    ];
    for (const d of e.decisions)
      steps.push({
        at: e.at,
        kind: "filter",
        outcome: d.matched ? "ok" : "skipped",
        title: `notification ${d.configurationId}: ${d.matched ? `matched → ${d.functionId ?? "?"}` : "no match"}`,
        reason: d.reason,
        ...(d.functionId ? { functionId: d.functionId } : {}),
      });
    if (!e.decisions.some((d) => d.matched)) {
      const writer = writerOf(key);
      if (writer)
        steps.push({
          at: e.at,
          kind: "recursion-guard",
          outcome: "info",
          title: `an output of ${writer.functionId} (${writer.pattern})`,
          reason: `outputs never land under a trigger's prefix (${notifications.map((n) => n.prefix).join(", ")}), so ${writer.functionId} cannot invoke itself in a loop`,
          functionId: writer.functionId,
        });
    }
    return steps;
  };

  const nothingMatched = (decisions: readonly NotificationDecision[]) =>
    `no trigger matched: ${decisions.map((d) => d.reason).join("; ") || "the bucket has no notifications"}`;

  const traceKey = (key: string): Trace => {
    const events = objects.get(key) ?? [];
    const requestIds = [...(byKey.get(key) ?? [])];
    const query = { key };
    if (events.length === 0 && requestIds.length === 0) {
      const hypothetical = decideNotifications({ eventName: "ObjectCreated:Put", key }, notifications);
      const would = hypothetical.filter((d) => d.matched).map((d) => d.functionId);
      return {
        query,
        found: false,
        summary: `the lab saw no S3 event for ${key} (it keeps the last ${capacity} objects); were it written now, ${would.length ? `it would invoke ${would.join(", ")}` : nothingMatched(hypothetical)}`,
        steps: [],
        requestIds: [],
        keys: [key],
      };
    }
    const steps: TraceStep[] = [];
    const used = new Set<string>();
    for (const e of events) {
      steps.push(...filterSteps(key, e));
      for (const d of e.decisions.filter((x) => x.matched && x.functionId)) {
        // The invocation that carried this event: the first of this function mentioning the key, started after it.
        const match = requestIds
          .map((id) => invocations.get(id))
          .find(
            (inv) =>
              inv &&
              !used.has(inv.requestId) &&
              inv.functionId === d.functionId &&
              inv.source === "s3" &&
              (inv.starts[0]?.at ?? inv.records[0]?.startedAt ?? 0) >= e.at - 1_000,
          );
        if (match) used.add(match.requestId);
        const busy = e.busy[d.functionId!];
        if (match) steps.push(...invocationSteps(match, e.at, busy));
        else steps.push(queuedStep(d.functionId!, e.at, undefined, busy));
      }
    }
    // Invocations that carried the key without an S3 event the lab saw (a sample event, `lab invoke`).
    for (const id of requestIds)
      if (!used.has(id)) {
        const inv = invocations.get(id);
        if (inv) {
          used.add(id);
          steps.push(...invocationSteps(inv, undefined));
        }
      }
    steps.sort((a, b) => a.at - b.at);
    return {
      query,
      found: true,
      summary: summarise(steps, events),
      steps,
      requestIds: [...used],
      keys: [key],
    };
  };

  const summarise = (steps: readonly TraceStep[], events: readonly ObjectEvent[]): string => {
    const lastEvent = events.at(-1);
    if (lastEvent && !lastEvent.decisions.some((d) => d.matched) && !steps.some((s) => s.kind === "attempt"))
      return `nothing was invoked: ${nothingMatched(lastEvent.decisions)}${steps.some((s) => s.kind === "recursion-guard") ? " (it is a function's output: the recursion guard)" : ""}`;
    const attempts = steps.filter((s) => s.kind === "attempt");
    const last = attempts.at(-1);
    if (!last)
      return steps.some((s) => s.outcome === "waiting")
        ? "queued: waiting for an environment"
        : "no invocation yet";
    if (last.outcome === "waiting") return `${last.functionId} is running attempt ${last.attempt}`;
    const destination = steps.find((s) => s.kind === "destination");
    const slackSent = steps.some((s) => s.kind === "slack");
    if (last.outcome === "ok")
      return `${last.functionId} succeeded on attempt ${last.attempt}${attempts.length > 1 ? ` after ${attempts.length - 1} failure(s)` : ""}`;
    return `${last.functionId} failed ${attempts.length} attempt(s)${destination ? ` → ${destination.title}` : ""}${slackSent ? " → alert sent to Slack" : ""}`;
  };

  const traceRequest = (requestId: string): Trace => {
    const seen = invocations.get(requestId);
    const query = { requestId };
    if (!seen)
      return {
        query,
        found: false,
        summary: `the lab saw no invocation ${requestId} (it keeps the last ${capacity}; a synchronous request answered 429 never gets one)`,
        steps: [],
        requestIds: [],
        keys: [],
      };
    const steps: TraceStep[] = [];
    let queuedAt: number | undefined;
    let busy: { concurrent: number; limit: number } | undefined;
    for (const key of seen.mentions.keys) {
      const e = [...(objects.get(key) ?? [])]
        .reverse()
        .find((x) => x.at <= (seen.starts[0]?.at ?? seen.records[0]?.startedAt ?? Number.POSITIVE_INFINITY));
      if (e && seen.source === "s3") {
        steps.push(...filterSteps(key, e).filter((s) => s.kind === "s3" || s.functionId === seen.functionId));
        queuedAt ??= e.at;
        busy ??= e.busy[seen.functionId];
      }
    }
    steps.push(...invocationSteps(seen, queuedAt, busy));
    for (const failed of seen.mentions.requestIds) {
      const f = invocations.get(failed);
      if (f)
        steps.unshift({
          at: f.failure?.at ?? f.records.at(-1)?.endedAt ?? 0,
          kind: "destination",
          outcome: "info",
          title: `carries the failure of ${f.functionId} ${failed}`,
          reason: "an on-failure invocation record: trace that request id for its attempts",
          functionId: f.functionId,
          requestId: failed,
        });
    }
    steps.sort((a, b) => a.at - b.at);
    return {
      query,
      found: true,
      summary: summarise(steps, []),
      steps,
      requestIds: [requestId, ...seen.mentions.requestIds],
      keys: seen.mentions.keys,
    };
  };

  const traceAlarm = (name: string): Trace => {
    const changes = alarms.filter((a) => a.name === name);
    const query = { alarm: name };
    if (changes.length === 0)
      return {
        query,
        found: false,
        summary: knownAlarms.has(name)
          ? `${name} has not changed state yet: it goes to ALARM at the end of a period with at least one datapoint (Sum ≥ 1)`
          : `no alarm ${name} in this lab (each function has <name>-errors and <name>-throttles)`,
        steps: [],
        requestIds: [],
        keys: [],
      };
    const fn = byName.get(name.replace(/-(errors|throttles)$/, ""));
    const steps: TraceStep[] = [];
    let since = 0;
    for (const change of changes) {
      if (fn && change.state === "ALARM") {
        const causes = [...invocations.values()].filter(
          (inv) =>
            inv.functionId === fn &&
            inv.records.some((r) => r.status !== "success" && r.endedAt >= since && r.endedAt <= change.at),
        );
        if (name.endsWith("-errors") && causes.length)
          steps.push({
            at: change.at,
            kind: "attempt",
            outcome: "failed",
            title: `${causes.length} failed invocation(s) of ${fn} in the period`,
            reason: `the Errors metric counts every failed attempt: ${causes
              .slice(0, 5)
              .map((c) => c.requestId)
              .join(", ")}${causes.length > 5 ? ", …" : ""}`,
            functionId: fn,
            ...(causes[0] ? { requestId: causes[0].requestId } : {}),
          });
      }
      steps.push(...alarmSteps(change, 0));
      since = change.at;
    }
    steps.sort((a, b) => a.at - b.at);
    const last = changes.at(-1)!;
    return {
      query,
      found: true,
      summary: `${name} is ${last.state}${steps.some((s) => s.kind === "slack") ? "; alerts posted it to Slack" : ""}`,
      steps,
      requestIds: [...new Set(steps.flatMap((s) => (s.requestId ? [s.requestId] : [])))],
      keys: [],
    };
  };

  return {
    ingest,
    /** `q`: a request id, an alarm name or an object key, whichever the lab knows it as (a key otherwise). */
    trace(query: { key?: string; requestId?: string; alarm?: string; q?: string }): Trace {
      if (query.requestId) return traceRequest(query.requestId);
      if (query.alarm) return traceAlarm(query.alarm);
      if (query.key) return traceKey(query.key);
      const q = query.q ?? "";
      if (invocations.has(q)) return traceRequest(q);
      if (knownAlarms.has(q)) return traceAlarm(q);
      if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(q) && !objects.has(q))
        return traceRequest(q);
      return traceKey(q);
    },
  };
};

export type Tracer = ReturnType<typeof createTracer>;
