/**
 * What the smoke test talks to, each behind a narrow port with an AWS adapter and a lab adapter. The steps
 * (smoke.ts) see only these.
 */
import type { makeAlarmMessage } from "@lambda-lab/testing";

/** The JSON CloudWatch publishes to SNS on an alarm state change (the alerts package's own type). */
export type AlarmMessage = ReturnType<typeof makeAlarmMessage>;

/** Where the upload token secret comes from: SSM in AWS, the lab's secrets file locally. Never logged. */
export interface SecretSource {
  /** What it reads, for the table (a parameter name or a file path, never the value). */
  describe: string;
  read(): Promise<string>;
}

/** Reads objects from the image bucket: undefined only for a key that does not exist (yet). */
export interface ObjectReader {
  bucket: string;
  get(key: string): Promise<Buffer | undefined>;
  exists(key: string): Promise<boolean>;
}

/** One synchronous invocation's outcome, as the Invoke API reports it. */
export interface Invocation {
  requestId: string | undefined;
  /** `Unhandled`/`Handled` when the function failed; the payload is then the error. */
  functionError: string | undefined;
  payload: unknown;
}

export interface FunctionInvoker {
  invoke(functionName: string, payload: unknown): Promise<Invocation>;
  /** An asynchronous (`Event`) invocation, the way SNS and S3 invoke a function. */
  invokeAsync(functionName: string, payload: unknown): Promise<{ requestId: string | undefined }>;
}

/** Delivers a CloudWatch alarm message to the alerts function: SNS Publish in AWS. */
export interface AlarmPublisher {
  describe: string;
  publish(message: AlarmMessage, subject: string): Promise<{ messageId: string }>;
}

/** One line the alerts function logged, as CloudWatch Logs (or the lab) stores it. */
export interface LogLine {
  timestamp: number;
  message: string;
  /** Known when the store records it per invocation (the lab); CloudWatch carries it inside the line. */
  requestId?: string;
}

/** Searches the alerts function's log group. */
export interface AlertsLog {
  describe: string;
  /** Lines since `since` containing `term`. */
  find(since: number, term: string): Promise<LogLine[]>;
  /** Lines since `since` logged at ERROR level (the function's own or the runtime's). */
  errors(since: number): Promise<LogLine[]>;
}

/** Everything the steps need, for one target (a deployed stack or the lab). */
export interface SmokePorts {
  /** Undefined when the stack's upload API runs without tokens (`uploadAuthMode: none`). */
  tokenSecret: SecretSource | undefined;
  objects: ObjectReader;
  functions: FunctionInvoker;
  alarms: AlarmPublisher;
  alertsLog: AlertsLog;
  /** The fetch the upload API and S3 POST go through (tests may wrap it). */
  fetch: typeof fetch;
}
