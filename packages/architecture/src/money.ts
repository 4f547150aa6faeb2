/** Money as the tables print it: monthly figures to the cent, unit prices to four significant digits. */

export const money = (usd: number): string => {
  const cents = Math.round(usd * 100) / 100;
  const sign = cents < 0 ? "-" : "";
  return `${sign}$${Math.abs(cents).toFixed(2)}`;
};

/** `$0.048`, `$0.0000133334`, `$0.2`: as AWS writes its rates, never rounded to zero. */
export const unitUsd = (usd: number): string => {
  if (usd === 0) return "$0";
  const digits = Math.abs(usd) < 0.001 ? 6 : 4;
  return `$${Number(usd.toPrecision(digits))}`;
};

/** A signed difference, for the PR comment: `+$35.04`, `-$2.00`, `±$0.00`. */
export const delta = (usd: number): string => {
  const cents = Math.round(usd * 100) / 100;
  if (cents === 0) return "±$0.00";
  return `${cents > 0 ? "+" : "-"}$${Math.abs(cents).toFixed(2)}`;
};

/** Tiny amounts (one invocation) to three significant digits, never `$0.00`: `$0.0000021`. */
export const smallUsd = (usd: number): string => {
  if (usd === 0) return "$0";
  if (Math.abs(usd) >= 0.01) return money(usd);
  const decimals = Math.min(20, 2 - Math.floor(Math.log10(Math.abs(usd))));
  return `${usd < 0 ? "-" : ""}$${Math.abs(usd).toFixed(decimals).replace(/0+$/, "")}`;
};
