/**
 * The dated price table: on-demand list prices (USD) per region the stacks use. Pure data and lookups, no
 * Pulumi, so the local lab can price invocations with it.
 *
 * Each figure says how far it was checked when the table was written:
 * - `price-list`: read for this region from AWS's own price list or pricing pages (`source`).
 * - `secondary`: read for this region from a third party's transcription of AWS's price list.
 * - `rule`: a billing rule from AWS's documentation, not a regional figure (Multi-AZ doubles, INIT billed).
 * - `unverified`: could not be checked for this region when the table was written; the figure is the one
 *   AWS has long published (often us-east-1's). Check the `source` page before relying on it.
 *
 * The table is dated: `pnpm cost` warns once it is more than a year old (`priceTableAge`).
 */

export type Verification = "price-list" | "secondary" | "rule" | "unverified";

export interface Price {
  usd: number;
  /** What one `usd` buys: "hour", "GB-month", "1M requests"… */
  per: string;
  source: string;
  verified: Verification;
  note?: string;
}

export type LambdaArchitecture = "arm64" | "x86_64";

export interface LambdaPrices {
  requestPerMillion: Price;
  /** First tier (the first 6 billion x86 / 7.5 billion arm64 GB-seconds a month): all a lab ever uses. */
  gbSecond: Record<LambdaArchitecture, Price>;
}

export interface PriceTable {
  region: string;
  /** The day the figures were collected (YYYY-MM-DD). */
  asOf: string;
  /** AWS's pricing calculator bills a month as 730 hours. */
  hoursPerMonth: number;
  lambda: LambdaPrices;
  s3: { storageGbMonth: Price; putPerThousand: Price; getPerThousand: Price };
  natGateway: { hour: Price; gbProcessed: Price };
  publicIpv4Hour: Price;
  interfaceEndpoint: { hourPerAz: Price; gbProcessed: Price };
  rds: {
    /** Single-AZ PostgreSQL on-demand, by instance class; MySQL is priced the same for these classes. */
    instanceHour: Record<string, Price>;
    gp3GbMonth: Price;
    multiAzFactor: Price;
    backupGbMonthBeyondFree: Price;
  };
  efs: { standardGbMonth: Price; infrequentAccessGbMonth: Price };
  cloudwatch: { logsIngestedGb: Price; logsStoredGbMonth: Price; alarmMonth: Price };
  sns: { requestsPerMillion: Price };
  sqs: { requestsPerMillion: Price };
  scheduler: { invocationsPerMillion: Price };
  apiGatewayHttp: { requestsPerMillion: Price };
  ec2: { instanceHour: Record<string, Price>; gp3GbMonth: Price };
  kms: { keyMonth: Price };
  secretsManager: { secretMonth: Price; perTenThousandCalls: Price };
}

const PAGES = {
  lambda: "https://aws.amazon.com/lambda/pricing/",
  initBilling: "https://aws.amazon.com/blogs/compute/aws-lambda-standardizes-billing-for-init-phase/",
  s3: "https://aws.amazon.com/s3/pricing/",
  vpc: "https://aws.amazon.com/vpc/pricing/",
  privatelink: "https://aws.amazon.com/privatelink/pricing/",
  rds: "https://aws.amazon.com/rds/postgresql/pricing/",
  rdsMultiAz: "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_OnDemandDBInstances.html",
  efs: "https://aws.amazon.com/efs/pricing/",
  cloudwatch: "https://aws.amazon.com/cloudwatch/pricing/",
  sns: "https://aws.amazon.com/sns/pricing/",
  sqs: "https://aws.amazon.com/sqs/pricing/",
  scheduler: "https://aws.amazon.com/eventbridge/pricing/",
  apiGateway: "https://aws.amazon.com/api-gateway/pricing/",
  ec2: "https://aws.amazon.com/ec2/pricing/on-demand/",
  ebs: "https://aws.amazon.com/ebs/pricing/",
  kms: "https://aws.amazon.com/kms/pricing/",
  secretsManager: "https://aws.amazon.com/secrets-manager/pricing/",
  priceListEc2:
    "https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonEC2/current/eu-west-1/index.json",
  priceListRds:
    "https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonRDS/current/eu-west-1/index.json",
  priceListS3:
    "https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonS3/current/eu-west-1/index.json",
} as const;

const p = (usd: number, per: string, source: string, verified: Verification, note?: string): Price =>
  note === undefined ? { usd, per, source, verified } : { usd, per, source, verified, note };

const US_EAST_FIGURE = "the figure AWS publishes for us-east-1; eu-west-1 not visible in the stored pages";

/** Europe (Ireland). */
const EU_WEST_1: PriceTable = {
  region: "eu-west-1",
  asOf: "2026-12-01",
  hoursPerMonth: 730,
  lambda: {
    requestPerMillion: p(0.2, "1M requests", PAGES.lambda, "unverified", US_EAST_FIGURE),
    gbSecond: {
      arm64: p(0.0000133334, "GB-second", PAGES.lambda, "unverified", US_EAST_FIGURE),
      x86_64: p(0.0000166667, "GB-second", PAGES.lambda, "unverified", US_EAST_FIGURE),
    },
  },
  s3: {
    storageGbMonth: p(0.023, "GB-month", PAGES.priceListS3, "secondary", "S3 Standard, first 50 TB"),
    putPerThousand: p(0.005, "1,000 PUT/COPY/POST/LIST", PAGES.priceListS3, "secondary"),
    getPerThousand: p(0.0004, "1,000 GET", PAGES.priceListS3, "secondary"),
  },
  natGateway: {
    hour: p(0.048, "hour", PAGES.priceListEc2, "price-list", "EU-NatGateway-Hours, price list of 2026-09-25"),
    gbProcessed: p(0.048, "GB processed", PAGES.priceListEc2, "price-list", "EU-NatGateway-Bytes"),
  },
  publicIpv4Hour: p(0.005, "hour", PAGES.vpc, "secondary", "every public IPv4 address, in use or idle"),
  interfaceEndpoint: {
    hourPerAz: p(
      0.011,
      "hour per AZ",
      PAGES.privatelink,
      "unverified",
      "not read from the price list; an eu-west-1 bill at the NAT list price's discount implies it",
    ),
    gbProcessed: p(0.01, "GB processed", PAGES.privatelink, "price-list", "first PB per region"),
  },
  rds: {
    instanceHour: {
      "db.t4g.micro": p(0.017, "hour", PAGES.priceListRds, "secondary", "PostgreSQL, Single-AZ"),
      "db.t4g.small": p(
        0.034,
        "hour",
        PAGES.priceListRds,
        "unverified",
        "twice db.t4g.micro, as each t4g size doubles the one below",
      ),
      "db.t4g.medium": p(0.069, "hour", PAGES.priceListRds, "secondary", "PostgreSQL, Single-AZ"),
      "db.t4g.large": p(0.138, "hour", PAGES.priceListRds, "secondary", "PostgreSQL, Single-AZ"),
    },
    gp3GbMonth: p(0.127, "GB-month", PAGES.priceListRds, "secondary", "Single-AZ gp3 storage"),
    multiAzFactor: p(
      2,
      "× Single-AZ",
      PAGES.rdsMultiAz,
      "rule",
      "Multi-AZ bills the primary and the standby: instance hours and storage",
    ),
    backupGbMonthBeyondFree: p(
      0.095,
      "GB-month",
      PAGES.rds,
      "unverified",
      "backups up to the database's own size are free",
    ),
  },
  efs: {
    standardGbMonth: p(0.33, "GB-month", PAGES.efs, "unverified", "Standard storage class"),
    infrequentAccessGbMonth: p(0.0133, "GB-month", PAGES.efs, "unverified", "Infrequent Access"),
  },
  cloudwatch: {
    logsIngestedGb: p(0.57, "GB ingested", PAGES.cloudwatch, "unverified"),
    logsStoredGbMonth: p(0.03, "GB-month stored", PAGES.cloudwatch, "unverified"),
    alarmMonth: p(0.1, "standard-resolution alarm-month", PAGES.cloudwatch, "unverified"),
  },
  sns: {
    requestsPerMillion: p(0.5, "1M publishes", PAGES.sns, "unverified", "deliveries to Lambda are free"),
  },
  sqs: { requestsPerMillion: p(0.4, "1M requests", PAGES.sqs, "unverified", "standard queues") },
  scheduler: {
    invocationsPerMillion: p(1, "1M invocations", PAGES.scheduler, "unverified", "after 14M free a month"),
  },
  apiGatewayHttp: { requestsPerMillion: p(1.11, "1M requests", PAGES.apiGateway, "unverified") },
  ec2: {
    instanceHour: {
      "t4g.micro": p(0.0092, "hour", PAGES.ec2, "unverified", "Linux on-demand"),
      "t4g.small": p(0.0184, "hour", PAGES.ec2, "unverified", "Linux on-demand"),
      "t4g.medium": p(0.0368, "hour", PAGES.ec2, "unverified", "Linux on-demand"),
    },
    gp3GbMonth: p(0.088, "GB-month", PAGES.ebs, "unverified", "EBS gp3 volume"),
  },
  kms: { keyMonth: p(1, "customer managed key-month", PAGES.kms, "unverified", "AWS managed keys are free") },
  secretsManager: {
    secretMonth: p(0.4, "secret-month", PAGES.secretsManager, "unverified"),
    perTenThousandCalls: p(0.05, "10,000 API calls", PAGES.secretsManager, "unverified"),
  },
};

/** Every region a stack deploys to needs a table; `priceTable` names the missing one. */
export const PRICE_TABLES: Readonly<Record<string, PriceTable>> = { "eu-west-1": EU_WEST_1 };

/** Lambda bills INIT for on-demand functions since 2025-08-01, at the same rate as the invocation. */
export const INIT_BILLING = {
  since: "2025-08-01",
  source: PAGES.initBilling,
} as const;

export class MissingPriceError extends Error {
  override name = "MissingPriceError";
}

export const priceTable = (region: string): PriceTable => {
  const table = PRICE_TABLES[region];
  if (!table)
    throw new MissingPriceError(
      `no price table for region ${region} (packages/architecture/src/prices.ts has ${Object.keys(PRICE_TABLES).join(", ")}): add one from the AWS pricing pages`,
    );
  return table;
};

/** A keyed price (an RDS or EC2 class) or a clear error naming the class, the region and the file. */
export const priceOf = (prices: Record<string, Price>, key: string, what: string, region: string): Price => {
  const price = prices[key];
  if (!price)
    throw new MissingPriceError(
      `no ${what} price for ${key} in ${region} (packages/architecture/src/prices.ts knows ${Object.keys(prices).join(", ")}): add it from the AWS price list`,
    );
  return price;
};

const DAY_MS = 86_400_000;

/** Whole days since the table was written; `stale` after a year, when prices have likely moved. */
export const priceTableAge = (table: PriceTable, now: Date): { days: number; stale: boolean } => {
  const asOf = Date.parse(`${table.asOf}T00:00:00Z`);
  if (Number.isNaN(asOf)) throw new Error(`price table ${table.region}: asOf "${table.asOf}" is not a date`);
  const days = Math.floor((now.getTime() - asOf) / DAY_MS);
  return { days, stale: days > 365 };
};

export const staleWarning = (table: PriceTable, now: Date): string | undefined => {
  const { days, stale } = priceTableAge(table, now);
  return stale
    ? `warning: the ${table.region} price table is ${days} days old (as of ${table.asOf}); AWS prices may have changed — update packages/architecture/src/prices.ts`
    : undefined;
};

/** Every figure of a table with its path, for the printed and generated price list. */
export const flattenPrices = (table: PriceTable): { path: string; price: Price }[] => {
  const out: { path: string; price: Price }[] = [];
  const walk = (value: unknown, path: string) => {
    if (value && typeof value === "object" && "usd" in value && "per" in value) {
      out.push({ path, price: value as Price });
      return;
    }
    if (value && typeof value === "object")
      for (const [k, v] of Object.entries(value)) walk(v, path ? `${path}.${k}` : k);
  };
  const { region: _r, asOf: _a, hoursPerMonth: _h, ...prices } = table;
  walk(prices, "");
  return out;
};
