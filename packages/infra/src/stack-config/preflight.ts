/**
 * The preflight: cross-key rules that must fail before Pulumi plans a single resource (the schema checks
 * each key alone). Messages name the keys, the numbers and the fix.
 */
import {
  BUCKET_NAME_MAX,
  bucketNameOf,
  CATALOG_IDS,
  camelId,
  FUNCTION_IDS,
  type FunctionId,
  functionNameOf,
} from "@lambda-lab/catalog";
import { qualified as key } from "./errors.js";
import {
  ALERTS_CONSUMED_QUEUES,
  ALERTS_MIN_RESERVED,
  ALERTS_QUEUE_MAX_CONCURRENCY,
  FUNCTION_NEEDS,
  WEB_APP_HOST_SERVICES,
} from "./functions.js";
import {
  DEFAULT_POSTGRES_VERSION,
  type FunctionSettings,
  MIN_UNRESERVED_CONCURRENCY,
  type StackConfigKeys,
} from "./schema.js";
import { planSubnets } from "./subnet-plan.js";

/** AWS account ids are 12 digits: the longest bucket name a stack gets. */
const ACCOUNT_ID_PLACEHOLDER = "123456789012";

/**
 * Physical names are `lambda-lab-<stack>-<function id>` (Lambda: at most 64 of A-Z a-z 0-9 - _), the
 * database is `lambda-lab-<stack>` (RDS: lower-case letters, digits and single hyphens, at most 63) and the
 * bucket `lambda-lab-<stack>-images-<account>` (S3: at most 63).
 */
export const stackNameProblems = (stack: string): string[] => {
  const longest = CATALOG_IDS.reduce((a, b) => (b.length > a.length ? b : a));
  const functionName = functionNameOf(stack, longest);
  const bucketName = bucketNameOf(stack, ACCOUNT_ID_PLACEHOLDER);
  const problems: string[] = [];
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(stack))
    problems.push(
      `stack name "${stack}": use lower-case letters, digits and single hyphens (it names the RDS instance)`,
    );
  if (functionName.length > 64)
    problems.push(
      `stack name "${stack}" is too long: the function name ${functionName} has ${functionName.length} characters, Lambda allows 64`,
    );
  else if (bucketName.length > BUCKET_NAME_MAX)
    problems.push(
      `stack name "${stack}" is too long: the bucket name ${bucketName} has ${bucketName.length} characters, S3 allows ${BUCKET_NAME_MAX}`,
    );
  return problems;
};

/** Cross-key rules over the parsed keys and each function's settings. */
export const preflight = (
  keys: StackConfigKeys,
  functions: Record<FunctionId, FunctionSettings>,
): string[] => {
  const problems: string[] = [];
  const subnets = planSubnets(keys.vpcCidr, keys.subnetLayout);
  if ("problem" in subnets) problems.push(`${key("vpcCidr")}=${keys.vpcCidr} ${subnets.problem}`);
  // PostgreSQL majors are 10 and up, MySQL's 5 to 9: a version of the other engine is a copy-paste slip.
  const major = Number(keys.databaseEngineVersion.split(".")[0]);
  if (keys.databaseEngine === "postgres" ? major < 10 : major >= 10) {
    problems.push(
      `${key("databaseEngineVersion")}="${keys.databaseEngineVersion}" is not a ${keys.databaseEngine} version ` +
        `(set it with ${key("databaseEngine")}, e.g. "${keys.databaseEngine === "postgres" ? DEFAULT_POSTGRES_VERSION : "8.4"}")`,
    );
  }
  if (keys.reservedConcurrencyEnabled && !keys.reservedConcurrencyZeroAllowed) {
    const zero = FUNCTION_IDS.filter((id) => functions[id].reservedConcurrency === 0);
    if (zero.length > 0) {
      problems.push(
        `${zero.map((id) => `${key(`${camelId(id)}ReservedConcurrency`)}=0`).join(", ")} would stop ` +
          `${zero.length === 1 ? "that function" : "those functions"} from ever running (Lambda throttles every ` +
          `invocation); set ${key("reservedConcurrencyZeroAllowed")}=true if that is the point`,
      );
    }
  }
  const alertsReserved = functions.alerts.reservedConcurrency;
  if (alertsReserved !== undefined && alertsReserved > 0 && alertsReserved < ALERTS_MIN_RESERVED) {
    problems.push(
      `${key("alertsReservedConcurrency")}=${alertsReserved} is below what its SQS sources can run at once: ` +
        `${ALERTS_CONSUMED_QUEUES.length} on-failure queues × ${ALERTS_QUEUE_MAX_CONCURRENCY} pollers + 1 for alarms ` +
        `and logs = ${ALERTS_MIN_RESERVED}; below that the alerts function throttles itself (set at least ${ALERTS_MIN_RESERVED})`,
    );
  }
  if (keys.reservedConcurrencyEnabled) {
    const total = FUNCTION_IDS.reduce((sum, id) => sum + (functions[id].reservedConcurrency ?? 0), 0);
    const unreserved = keys.accountConcurrencyLimit - total;
    if (total > 0 && unreserved < MIN_UNRESERVED_CONCURRENCY) {
      const parts = FUNCTION_IDS.map(
        (id) => `${camelId(id)}ReservedConcurrency=${functions[id].reservedConcurrency}`,
      );
      problems.push(
        `reserved concurrency ${total} (${parts.join(" + ")}) leaves ${unreserved} unreserved of ` +
          `${key("accountConcurrencyLimit")}=${keys.accountConcurrencyLimit}; AWS keeps at least ` +
          `${MIN_UNRESERVED_CONCURRENCY} unreserved, so at most ${Math.max(0, keys.accountConcurrencyLimit - MIN_UNRESERVED_CONCURRENCY)} ` +
          `can be reserved. Lower the reservations, raise the limit after a quota increase, or set ` +
          `${key("reservedConcurrencyEnabled")}=false (new accounts with a limit of 10).`,
      );
    }
  }
  if (keys.natStrategy === "none") {
    for (const id of CATALOG_IDS) {
      const needs = FUNCTION_NEEDS[id];
      if (!needs.vpc) continue;
      if (needs.internet) {
        problems.push(
          `${id} runs in the VPC and calls the internet, but ${key("natStrategy")} is "none": set it to "single" or "onePerAz"`,
        );
      }
      const missing = needs.awsServices.filter((s) => !keys.interfaceEndpoints.includes(s));
      if (missing.length > 0) {
        problems.push(
          `${id} runs in the VPC and calls ${missing.join(", ")}, but ${key("natStrategy")} is "none" and ` +
            `${key("interfaceEndpoints")} lacks ${missing.map((s) => `"${s}"`).join(", ")}: add the endpoint(s) or a NAT gateway`,
        );
      }
    }
  }
  if (keys.natStrategy === "none" && keys.webAppEnabled && !keys.webAppPublic) {
    const missing = WEB_APP_HOST_SERVICES.filter((s) => !keys.interfaceEndpoints.includes(s));
    if (missing.length > 0) {
      problems.push(
        `the web-app host sits in a private subnet and its SSM and CloudWatch agents call ${missing.join(", ")}, ` +
          `but ${key("natStrategy")} is "none" and ${key("interfaceEndpoints")} lacks them: add the endpoints, ` +
          `a NAT gateway, or set ${key("webAppPublic")}=true`,
      );
    }
  }
  if (keys.databaseEngine === "mysql" && keys.databaseMigrateOnDeploy) {
    problems.push(
      `${key("databaseEngine")} is "mysql" but the migrations (and the functions' queries) are PostgreSQL: ` +
        `set ${key("databaseMigrateOnDeploy")}=false to deploy MySQL for comparison`,
    );
  }
  if (keys.webAppPublic && !keys.webAppEnabled) {
    problems.push(`${key("webAppPublic")} is true but ${key("webAppEnabled")} is false`);
  }
  if (
    keys.databaseMaxAllocatedStorageGb !== 0 &&
    keys.databaseMaxAllocatedStorageGb < keys.databaseAllocatedStorageGb
  ) {
    problems.push(
      `${key("databaseMaxAllocatedStorageGb")}=${keys.databaseMaxAllocatedStorageGb} is below ` +
        `${key("databaseAllocatedStorageGb")}=${keys.databaseAllocatedStorageGb} (0 turns storage autoscaling off)`,
    );
  }
  return problems;
};
