type Attributes = Record<string, unknown>;

/**
 * The slice of a structured logger the function uses. Powertools' Logger satisfies it; tests pass a
 * recording fake. Attributes must never carry the webhook URL or SQL parameter values.
 */
export interface Log {
  debug(message: string, ...attributes: Attributes[]): void;
  info(message: string, ...attributes: Attributes[]): void;
  warn(message: string, ...attributes: Attributes[]): void;
  error(message: string, ...attributes: Attributes[]): void;
}
