/**
 * From an error to its likely cause: the part of the smoke test that turns "403" into "the role lacks
 * s3:GetObject on variants/*". Pure; every rule is tested in test/unit/causes.test.ts.
 */

/** Which service a step was talking to, and about what: every hint names the resource. */
export interface Where {
  service: "outputs" | "upload-api" | "s3-post" | "s3" | "lambda" | "ssm" | "sns" | "logs";
  /** Function name, bucket/key, parameter name, topic ARN, log group or URL. */
  resource: string;
  /** The IAM action the smoke runner needed, for access-denied hints. */
  action?: string;
}

export interface Diagnosis {
  /** What happened, in one line. */
  problem: string;
  /** The likely cause and where to look. */
  cause: string;
}

/** A failure a step already understood (it carries its own diagnosis). */
export class SmokeFailure extends Error {
  override name = "SmokeFailure";
  constructor(
    readonly diagnosis: Diagnosis,
    readonly resource?: string,
  ) {
    super(diagnosis.problem);
  }
}

const NETWORK_TIMEOUT = new Set([
  "ETIMEDOUT",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "ESOCKETTIMEDOUT",
]);

/** Undici (fetch) hides the socket error in `cause`; the SDK puts it on the error itself. */
const errorCode = (error: unknown): string | undefined => {
  const e = error as { code?: unknown; cause?: { code?: unknown } } | null;
  const code = e?.code ?? e?.cause?.code;
  return typeof code === "string" ? code : undefined;
};

const nameOf = (error: unknown): string => (error as { name?: unknown })?.name?.toString() ?? "Error";
const messageOf = (error: unknown): string =>
  error instanceof Error ? error.message : typeof error === "string" ? error : JSON.stringify(error);
const statusOf = (error: unknown): number | undefined =>
  (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;

/**
 * IAM's denial message: "User: arn:… is not authorized to perform: s3:GetObject on resource: "arn:…"
 * because no identity-based policy allows the s3:GetObject action" (or "with an explicit deny in a service
 * control policy"): https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html
 */
export const parseDenial = (
  message: string,
): { principal?: string; action: string; resource?: string; because?: string } | undefined => {
  const m =
    /(?:User: (\S+) )?is not authorized to perform: ([\w-]+:[\w*]+)(?: on resource: "?([^"\s]+)"?)?(?: (?:because )?((?:no |with an explicit deny|an explicit deny)[^.]*))?/m.exec(
      message,
    );
  if (!m) return undefined;
  return {
    action: m[2]!,
    ...(m[1] ? { principal: m[1] } : {}),
    ...(m[3] ? { resource: m[3] } : {}),
    ...(m[4] ? { because: m[4] } : {}),
  };
};

const denialCause = (message: string, fallback: { who: string; action?: string; resource: string }) => {
  const denial = parseDenial(message);
  const action = denial?.action ?? fallback.action ?? "the action";
  const resource = denial?.resource ?? fallback.resource;
  const because = denial?.because ? ` (${denial.because})` : "";
  return `IAM: ${fallback.who} needs an Allow for ${action} on ${resource}${because}`;
};

/** The host a socket error names (the SDK puts it on the error, undici on its `cause`). */
const hostOf = (error: unknown): string | undefined => {
  const e = error as { hostname?: unknown; cause?: { hostname?: unknown } } | null;
  const host = e?.hostname ?? e?.cause?.hostname;
  return typeof host === "string" ? host : undefined;
};

/** Network failures look the same from every service: the host, not the request, is the problem. */
const networkDiagnosis = (error: unknown, where: Where): Diagnosis | undefined => {
  const code = errorCode(error);
  const name = nameOf(error);
  const host = hostOf(error);
  if (code === "ECONNREFUSED")
    return {
      problem: `${where.resource}: connection refused`,
      cause: "nothing listens there: a wrong URL or endpoint in the outputs, or the service is not running",
    };
  if (code === "ENOTFOUND" || code === "EAI_AGAIN")
    return {
      problem: `${where.resource}: ${host ?? "the host"} does not resolve (${code})`,
      cause: "a wrong URL or region in the outputs, or no DNS from the runner",
    };
  if ((code && NETWORK_TIMEOUT.has(code)) || name === "TimeoutError" || name === "AbortError")
    return {
      problem: `${where.resource}: no answer in time`,
      cause:
        "timeout: the runner cannot reach the endpoint (network, proxy or firewall); for a function this is VPC/NAT/endpoint reachability",
    };
  // fetch's own refusals ("bad port", a malformed URL) and other socket errors: say what fetch said.
  const cause = (error as { cause?: { message?: unknown } } | null)?.cause?.message;
  if (error instanceof TypeError && error.message === "fetch failed")
    return {
      problem: `${where.resource}: fetch failed${typeof cause === "string" ? `: ${cause}` : ""}`,
      cause: "the runner could not reach that URL: check the URL in the outputs",
    };
  return undefined;
};

const LAMBDA_INVOKE_ERRORS: Record<string, string> = {
  ResourceNotFoundException:
    "the function does not exist in this account and region: check the functionNames output and AWS_REGION",
  ResourceNotReadyException:
    "the function is still being created or its VPC network interfaces are pending: retry after the deploy settles",
  TooManyRequestsException:
    "throttled: its reserved concurrency is used up (or 0) — see <fn>ReservedConcurrency in the stack",
  EC2ThrottledException:
    "Lambda could not create the VPC network interface (EC2 throttled): retry, or fewer concurrent ENIs",
  ENILimitReachedException: "VPC: the account's network interface quota in the function's VPC is reached",
  SubnetIPAddressLimitReachedException: "VPC: the function's subnets have no free IP addresses",
  InvalidSubnetIDException: "VPC: a subnet in the function's VpcConfig no longer exists",
  InvalidSecurityGroupIDException: "VPC: a security group in the function's VpcConfig no longer exists",
  EFSMountConnectivityException:
    "EFS: the function cannot reach the mount target — the EFS security group must allow NFS (TCP 2049) from the functions' group",
  EFSMountTimeoutException:
    "EFS: mounting timed out — a mount target in each of the function's subnets' AZs, and TCP 2049 open",
  EFSMountFailureException:
    "EFS: the access point or file system refused the mount (IAM elasticfilesystem:ClientMount/ClientWrite)",
  EFSIOException: "EFS: an I/O error on the file system",
  KMSAccessDeniedException:
    "the function's environment cannot be decrypted: its role lacks kms:Decrypt on the environment key",
  KMSDisabledException: "the key that encrypts the function's environment is disabled",
  RequestEntityTooLargeException: "the payload is over Lambda's 6 MB synchronous limit",
};

const CREDENTIAL_ERRORS = new Set([
  "CredentialsProviderError",
  "ExpiredToken",
  "ExpiredTokenException",
  "UnrecognizedClientException",
  "InvalidClientTokenId",
  "InvalidAccessKeyId",
  "SignatureDoesNotMatch",
]);

const ACCESS_DENIED = new Set([
  "AccessDenied",
  "AccessDeniedException",
  "AuthorizationError", // SNS
  "AuthorizationErrorException",
  "Forbidden",
]);

/** Any error a step did not understand itself: an SDK exception, a network failure, a bug. */
export const diagnose = (error: unknown, where: Where): Diagnosis => {
  if (error instanceof SmokeFailure) return error.diagnosis;
  // Reading the outputs fails with a message that already names the output or the command.
  if (nameOf(error) === "OutputsError") {
    const hint = (error as { hint?: unknown }).hint;
    return {
      problem: messageOf(error),
      cause: typeof hint === "string" ? hint : "the stack outputs could not be read",
    };
  }
  const network = networkDiagnosis(error, where);
  if (network) return network;
  const name = nameOf(error);
  const message = messageOf(error);
  const status = statusOf(error);
  const said = `${name}: ${message}`.slice(0, 300);
  if (CREDENTIAL_ERRORS.has(name))
    return {
      problem: said,
      cause:
        "the runner's AWS credentials are missing, invalid or expired: run the configure-aws-credentials step (OIDC role) first, or set AWS_PROFILE",
    };
  if (ACCESS_DENIED.has(name) || status === 403)
    return {
      problem: said,
      cause: denialCause(message, {
        who: "the smoke runner's role",
        action: where.action,
        resource: where.resource,
      }),
    };
  if (where.service === "lambda" && LAMBDA_INVOKE_ERRORS[name])
    return { problem: `${where.resource}: ${said}`, cause: LAMBDA_INVOKE_ERRORS[name]! };
  if (name === "NoSuchBucket")
    return {
      problem: `bucket ${where.resource.split("/")[0]} does not exist`,
      cause: "a wrong bucketName output, or the runner's region is not the stack's (AWS_REGION)",
    };
  if (name === "PermanentRedirect" || name === "AuthorizationHeaderMalformed" || status === 301)
    return { problem: said, cause: "the bucket is in another region than the runner's AWS_REGION" };
  if (name === "ParameterNotFound")
    return {
      problem: `SSM parameter ${where.resource} not found`,
      cause:
        "a wrong parameter name (--token-parameter or the uploadTokenParameterName output), or another region",
    };
  if (name === "NotFoundException" && where.service === "sns")
    return {
      problem: `topic ${where.resource} not found`,
      cause: "a wrong alertsTopicArn output, or another region",
    };
  if (name === "ResourceNotFoundException" && where.service === "logs")
    return {
      problem: `log group ${where.resource} not found`,
      cause:
        "the function never logged and its log group was not created: is it deployed, with the NodeFunction's log group?",
    };
  if (name === "ThrottlingException" || name === "TooManyRequestsException" || status === 429)
    return {
      problem: said,
      cause: `throttled by the API for ${where.resource}: retry; raise the quota if it keeps happening`,
    };
  return { problem: said, cause: `unexpected error talking to ${where.resource}` };
};

/** A Lambda function error: the payload Lambda returns with X-Amz-Function-Error. */
export interface FunctionErrorPayload {
  errorType?: string;
  errorMessage?: string;
}

/** Why a function failed, from its error payload (what its role, network or artifact got wrong). */
export const diagnoseFunctionError = (functionName: string, payload: FunctionErrorPayload): Diagnosis => {
  const type = payload.errorType ?? "Error";
  const message = payload.errorMessage ?? "";
  const problem = `${functionName} failed: ${type}${message ? `: ${message}` : ""}`.slice(0, 400);
  const logs = `see /aws/lambda/${functionName}`;
  if (type === "Sandbox.Timedout" || /Task timed out after/.test(message))
    return {
      problem,
      cause:
        "timeout: a VPC function waiting on something it cannot reach — no NAT gateway or interface endpoint for the AWS API it calls (Secrets Manager, S3 gateway endpoint), or a security group that blocks RDS (5432) or EFS (2049)",
    };
  if (type === "Runtime.ImportModuleError" || /Cannot find (module|package)/.test(message))
    return {
      problem,
      cause:
        "the handler file is not at the zip root (a zipped folder) or a module is missing: pnpm --filter @lambda-lab/artifact exec lambda-artifact verify <zip>",
    };
  if (type === "Runtime.HandlerNotFound")
    return {
      problem,
      cause: "the bundle has no `handler` export: the function's handler setting or the build is wrong",
    };
  if (type === "Runtime.OutOfMemory" || /out of memory|heap limit/i.test(message))
    return { problem, cause: `out of memory: raise its memory in the stack config (${logs})` };
  if (parseDenial(message) || /AccessDenied|Access Denied/.test(message))
    return {
      problem,
      cause: denialCause(message, { who: `${functionName}'s role`, resource: "the resource it named" }),
    };
  if (/connect ETIMEDOUT|Connection terminated due to connection timeout|timeout expired/i.test(message))
    return {
      problem,
      cause:
        "timeout connecting from inside the VPC: security groups (functions → RDS 5432), subnets or the NAT/endpoint route",
    };
  if (/getaddrinfo (ENOTFOUND|EAI_AGAIN)/.test(message))
    return {
      problem,
      cause:
        "DNS from inside the VPC: the interface endpoint needs private DNS, or the VPC needs DNS support/hostnames",
    };
  if (/ECONNREFUSED/.test(message))
    return {
      problem,
      cause: "connection refused: the database or endpoint is not listening on that address/port",
    };
  if (type === "EnvError" || /EnvError|environment/i.test(type))
    return {
      problem,
      cause: `its environment does not parse: the program's environment for this function (${logs})`,
    };
  return { problem, cause: `the handler threw: ${logs}` };
};

export interface HttpAnswer {
  status: number;
  /** At most a few KB of the body. */
  body: string;
  headers: Record<string, string>;
}

/** RFC 9457 problem `type` the upload function sends: `urn:lambda-lab:upload:problem:<name>`. */
const problemName = (body: string): string | undefined => {
  try {
    const type = (JSON.parse(body) as { type?: unknown }).type;
    return typeof type === "string" ? type.split(":").at(-1) : undefined;
  } catch {
    return undefined;
  }
};

/** S3's XML error `<Code>`. */
const s3Code = (body: string): string | undefined => /<Code>([^<]+)<\/Code>/.exec(body)?.[1];
const s3Message = (body: string): string | undefined => /<Message>([^<]+)<\/Message>/.exec(body)?.[1];

/**
 * An unexpected answer from the upload API (API Gateway HTTP API → upload function). API Gateway answers 500
 * when Lambda rejects the invocation and 502 when the function fails or returns a malformed response
 * (https://docs.aws.amazon.com/lambda/latest/dg/services-apigateway-errors.html).
 */
export const diagnoseUploadApi = (
  request: string,
  answer: HttpAnswer,
  context: { functionName: string; tokenSent: boolean },
): Diagnosis => {
  const problem = `${request} answered ${answer.status}${answer.body ? `: ${answer.body.slice(0, 200)}` : ""}`;
  const logs = `/aws/lambda/${context.functionName}`;
  const name = problemName(answer.body);
  const labCause = answer.headers["x-lab-lambda-error"];
  switch (answer.status) {
    case 401:
      if (name === "token-missing")
        return {
          problem,
          cause:
            "the API requires a token (uploadAuthMode: token) but none was sent: export uploadTokenParameterName or pass --token-parameter",
        };
      if (name === "token-bad-signature")
        return {
          problem,
          cause:
            "the token secret read from SSM is not the one the upload function verifies with: the function was not redeployed after the parameter changed",
        };
      return {
        problem,
        cause: "the upload token was refused (expired or malformed): the runner's clock, or the minting code",
      };
    case 403:
      return {
        problem,
        cause:
          "API Gateway refused the request: a wrong stage in uploadApiUrl, or an authorizer/WAF in front of the API",
      };
    case 404:
      return name === "not-found"
        ? { problem, cause: "the upload function has no such upload for this owner (token subject differs?)" }
        : {
            problem,
            cause:
              "no route: uploadApiUrl is not the HTTP API's invoke URL, or the $default route is missing",
          };
    case 429:
      return {
        problem,
        cause: `throttled: the upload function's reserved concurrency or the API's throttling limits`,
      };
    case 500:
      if (name === "internal")
        return {
          problem,
          cause: `the upload function could not read S3: look for S3RequestError in ${logs}; a 403 there is its role (s3:GetObject on variants/ and quarantine/, s3:ListBucket — S3 answers 403, not 404, for a missing key without it)`,
        };
      return {
        problem,
        cause: labCause
          ? `the function invocation failed (${labCause}): ${logs}`
          : "Lambda rejected the invocation: API Gateway lacks lambda:InvokeFunction (the aws.lambda.Permission for apigateway.amazonaws.com), or the function is throttled",
      };
    case 502:
      return {
        problem,
        cause: `the upload function failed or returned a malformed response: Runtime.ImportModuleError (handler not at the zip root) or an init error — ${logs}`,
      };
    case 503:
    case 504:
      return {
        problem,
        cause: `timeout: the function did not answer within API Gateway's 30 s integration timeout — ${logs}`,
      };
    default:
      return { problem, cause: `unexpected status from the upload API: ${logs}` };
  }
};

/** S3's answer to the presigned POST (https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-HTTPPOSTForms.html). */
export const diagnoseS3Post = (bucketUrl: string, answer: HttpAnswer, uploadFunction: string): Diagnosis => {
  const code = s3Code(answer.body);
  const message = s3Message(answer.body);
  const problem = `POST ${bucketUrl} answered ${answer.status}${code ? ` ${code}` : ""}${message ? `: ${message}` : ""}`;
  if (
    code === "AccessDenied" &&
    message &&
    /Policy Condition failed|Invalid according to Policy/i.test(message)
  )
    return {
      problem,
      cause:
        "the form's fields do not satisfy its signed policy: the form was altered or posted in the wrong field order",
    };
  if (code === "AccessDenied")
    return {
      problem,
      cause: `IAM: the form is signed with ${uploadFunction}'s role credentials, which need s3:PutObject on uploads/* (or a bucket policy denies it)`,
    };
  if (code === "InvalidAccessKeyId" || code === "ExpiredToken" || code === "TokenRefreshRequired")
    return {
      problem,
      cause: `the credentials that signed the form are unknown or expired (${uploadFunction}'s role session)`,
    };
  if (code === "SignatureDoesNotMatch")
    return {
      problem,
      cause:
        "the form's signature does not match: the signing region or credentials are wrong in the upload function",
    };
  if (code === "EntityTooLarge" || code === "EntityTooSmall")
    return { problem, cause: "the file is outside the form's content-length-range" };
  if (code === "NoSuchBucket" || answer.status === 404)
    return { problem, cause: "the form's bucket does not exist: the upload function's BUCKET_NAME" };
  if (code === "PermanentRedirect" || answer.status === 301)
    return {
      problem,
      cause: "the form points at the wrong region for the bucket (the upload function's AWS_REGION)",
    };
  return { problem, cause: "S3 refused the upload" };
};
