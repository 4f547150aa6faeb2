import { Logger } from "@aws-lambda-powertools/logger";

/**
 * A structured JSON logger named after the function id. The level comes from `logLevel`, else from
 * Powertools' own POWERTOOLS_LOG_LEVEL / Lambda's AWS_LAMBDA_LOG_LEVEL (set by the Pulumi program).
 * Handlers call `logger.addContext(context)` to add the request id and cold-start flag.
 */
export const createLogger = (functionId: string, logLevel?: "DEBUG" | "INFO" | "WARN" | "ERROR"): Logger =>
  new Logger({ serviceName: functionId, ...(logLevel ? { logLevel } : {}) });

export type { Logger };
