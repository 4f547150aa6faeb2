// Shared by the worker's bootstrap and the lab: the line that ends one invocation's output on stdout and
// stderr, so every log line is attributed to its invocation even though the streams and the runtime API
// socket are read independently.
export const END_MARKER = "\u0000lambda-lab:end ";

// The lab's own header on a worker's result: the invocation's CPU time in microseconds (user + system).
export const CPU_TIME_HEADER = "lambda-lab-cpu-time-us";

// The lab's own header on a worker's first `next` (or its init error): how its init went, measured inside
// the worker — `{"importMs":…,"loadMs":…,"evaluateMs":…}` (loadMs/evaluateMs only when they can be told apart).
export const INIT_TIMING_HEADER = "lambda-lab-init-timing";

/**
 * Every bundle `lambda-artifact build` makes opens with the banner of lambdaBuildOptions
 * (packages/artifact/src/bundle.ts): a static import of createRequire and, as its first statement, a call to
 * it with the bundle's own URL. Only for such a bundle is that call the moment its evaluation starts.
 */
export const OPENS_WITH_CREATE_REQUIRE =
  /^import\{createRequire as ([\w$]+)\}from['"](?:node:)?module['"];const require=\1\(import\.meta\.url\);/;
