/**
 * The placeholders every factory writes into ARNs and ids: AWS's documentation account and a fixed region,
 * so an event built in a test names no real account.
 */
export const EXAMPLE_ACCOUNT_ID = "123456789012";
export const EXAMPLE_REGION = "eu-west-1";

/** A time given as a Date or ISO text, or now when none is given. */
export const timeOf = (time: Date | string | undefined): Date =>
  time === undefined ? new Date() : new Date(time);
