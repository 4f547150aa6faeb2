import { createTracer, type TracedEvent, type Tracer, type TracerOptions } from "./tracer.js";

/**
 * Feeds a tracer from the lab's event stream (the one the page follows), from the moment it is wired: a
 * trace is of what this lab run saw. The route (`server/trace-route.ts`) answers from `tracer.trace`.
 */
export const wireTracer = (
  deps: { events: { on(name: "event", listener: (event: TracedEvent) => void): unknown } } & TracerOptions,
): Tracer => {
  const { events, ...options } = deps;
  const tracer = createTracer(options);
  events.on("event", tracer.ingest);
  return tracer;
};
