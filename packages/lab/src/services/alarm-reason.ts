/**
 * The words of a lab alarm's state change. CloudWatch's own `NewStateReason` quotes the datapoint with the
 * start time of its period (`[15.0 (25/11/26 17:02:00)]`); the lab's periods start at its own evaluation
 * ticks, so the quoted time is that period's real start, with seconds: the burst falls inside it.
 * Format: https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html
 */

const pad = (n: number) => String(n).padStart(2, "0");

/** `25/11/26 17:02:04`: CloudWatch's datapoint time format (UTC), seconds kept. */
export const datapointTime = (at: Date) =>
  `${pad(at.getUTCDate())}/${pad(at.getUTCMonth() + 1)}/${pad(at.getUTCFullYear() % 100)} ` +
  `${pad(at.getUTCHours())}:${pad(at.getUTCMinutes())}:${pad(at.getUTCSeconds())}`;

const clock = (at: Date) => `${pad(at.getUTCHours())}:${pad(at.getUTCMinutes())}:${pad(at.getUTCSeconds())}`;

/** CloudWatch prints datapoints as Java doubles: `15.0`, `0.5`. */
const javaDouble = (n: number) => (Number.isInteger(n) ? n.toFixed(1) : String(n));

export const alarmReason = (input: {
  value: number;
  threshold: number;
  state: "OK" | "ALARM";
  previous: "OK" | "ALARM";
  /** The start of the evaluated period: the datapoint's timestamp. */
  periodStart: Date;
}) =>
  `Threshold Crossed: 1 out of the last 1 datapoints [${javaDouble(input.value)} (${datapointTime(input.periodStart)})] was ` +
  `${input.state === "OK" ? "not " : ""}greater than or equal to the threshold (${javaDouble(input.threshold)}) ` +
  `(minimum 1 datapoint for ${input.previous} -> ${input.state} transition).`;

/**
 * Why the card arrives after the burst, for the alarm's description: an alarm only changes state when its
 * period has ended and been evaluated. On AWS that is a 60 s period plus the metric's own delay (Lambda
 * publishes its metrics about a minute late), so Slack hears 1–3 minutes after a burst; the lab evaluates
 * every `periodMs` with no metric delay.
 */
export const evaluationNote = (input: {
  periodMs: number;
  periodStart: Date;
  evaluatedAt: Date;
  firstAt: Date | undefined;
}) => {
  const seconds = Math.round(input.periodMs / 1000);
  const window = `period ${clock(input.periodStart)}–${clock(input.evaluatedAt)} UTC`;
  const first = input.firstAt
    ? `first datapoint at ${clock(input.firstAt)}, ${window}, evaluated ${Math.max(0, Math.round((input.evaluatedAt.getTime() - input.firstAt.getTime()) / 1000))} s later`
    : `${window}, no datapoints`;
  return (
    `Evaluated when each ${seconds} s period ends (${first}). ` +
    "On AWS: 60 s periods, and Lambda's metrics arrive about a minute late, so a card follows a burst by 1–3 min."
  );
};
