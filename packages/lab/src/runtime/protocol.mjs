// Shared by the worker's bootstrap and the lab: the line that ends one invocation's output on stdout and
// stderr, so every log line is attributed to its invocation even though the streams and the runtime API
// socket are read independently.
export const END_MARKER = "\u0000lambda-lab:end ";

// The lab's own header on a worker's result: the invocation's CPU time in microseconds (user + system).
export const CPU_TIME_HEADER = "lambda-lab-cpu-time-us";
