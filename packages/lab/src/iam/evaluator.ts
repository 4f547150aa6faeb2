import {
  getDenialReasons,
  type RequestDenial,
  runSimulation,
  type SimulationIdentityPolicy,
} from "@cloud-copilot/iam-simulate";
import { type Statement, suggestStatement } from "./missing-statement.js";
import type { ProgramIam } from "./program-iam.js";
import type { ContextValues, S3Call } from "./s3-actions.js";

/**
 * Evaluates one observed call against the IAM documents the program deploys for the calling function, with
 * the simulator the infra package's IAM matrix test uses (@cloud-copilot/iam-simulate, AGPL-3.0, run only in
 * the local lab): the function role's identity policies and the bucket policy.
 */

export type Decision = "Allowed" | "ImplicitlyDenied" | "ExplicitlyDenied";

export interface Verdict {
  decision: Decision;
  /** The session the program's role gives the function (the mocked run's account). */
  principal: string;
  /** The context the simulator was given (global keys included). */
  context: ContextValues;
  /** Context keys the simulator dropped as not applying to the action (none expected). */
  ignoredContextKeys: string[];
  /** A statement that would allow the call, checked with the simulator; none when an explicit deny wins. */
  missing?: Statement;
  /** Which policy denies, for an explicit deny (the bucket policy's TLS-only statement, say). */
  deniedBy?: string;
}

export class IamEvaluationError extends Error {
  override name = "IamEvaluationError";
}

/**
 * The deployed path is HTTPS even though the lab's is plain HTTP: the bucket policy denies
 * `aws:SecureTransport: false`, so evaluating the local transport would deny every call.
 */
const GLOBAL_CONTEXT: ContextValues = { "aws:SecureTransport": "true" };

const describeDenial = (d: RequestDenial): string => {
  const where = d.policyType === "resource" ? "the bucket policy" : `the ${d.policyType} policy`;
  if (d.denialType === "Explicit")
    return `${where}${d.policyIdentifier ? ` ${d.policyIdentifier}` : ""}, statement ${d.statementId ?? `#${d.statementIndex}`}`;
  return `no statement in ${where}`;
};

export interface IamEvaluator {
  evaluate(functionId: string, call: S3Call): Promise<Verdict>;
}

/** `labBucket` is the lab's bucket name; its ARN is mapped onto the program's (autonamed) bucket. */
export const createIamEvaluator = (iam: ProgramIam, labBucket: string): IamEvaluator => {
  const labArn = `arn:aws:s3:::${labBucket}`;
  const toProgram = (arn: string) =>
    arn === labArn || arn.startsWith(`${labArn}/`) ? iam.bucketArn + arn.slice(labArn.length) : arn;
  const resourcePolicyOf = (arn: string) =>
    arn === iam.bucketArn || arn.startsWith(`${iam.bucketArn}/`) ? iam.bucketPolicy : undefined;

  const simulate = async (
    principal: string,
    identityPolicies: SimulationIdentityPolicy[],
    call: S3Call,
    context: ContextValues,
  ) => {
    const resource = toProgram(call.resource);
    const response = await runSimulation(
      {
        request: {
          principal,
          action: call.action,
          resource: { resource, accountId: iam.accountId },
          contextVariables: context,
        },
        identityPolicies,
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        resourcePolicy: resourcePolicyOf(resource),
      },
      {},
    );
    if (response.resultType === "error")
      throw new IamEvaluationError(
        `the simulator refused ${call.action} on ${resource}: ${JSON.stringify(response.errors)}`,
      );
    if (response.resultType !== "single")
      throw new IamEvaluationError(`${call.action} on ${resource} is not one resource`);
    return response;
  };

  return {
    async evaluate(functionId, call) {
      const fn = iam.functions[functionId];
      if (!fn)
        throw new IamEvaluationError(
          `the program deploys no role for ${functionId} in stack ${iam.stack} (functions: ${Object.keys(iam.functions).join(", ")})`,
        );
      const context = { ...GLOBAL_CONTEXT, ...call.context };
      const response = await simulate(fn.principal, fn.identityPolicies, call, context);
      const decision = response.overallResult;
      const verdict: Verdict = {
        decision,
        principal: fn.principal,
        context,
        ignoredContextKeys: response.result.ignoredContextKeys ?? [],
      };
      if (decision === "Allowed") return verdict;

      const explicit = getDenialReasons(response.result.analysis).filter((d) => d.denialType === "Explicit");
      if (explicit.length > 0) verdict.deniedBy = explicit.map(describeDenial).join("; ");
      // Show a statement only if the simulator agrees it would let the call through.
      const suggestion = suggestStatement(call);
      const programSuggestion: Statement = { ...suggestion, Resource: toProgram(suggestion.Resource) };
      const withSuggestion = await simulate(
        fn.principal,
        [
          ...fn.identityPolicies,
          { name: "lab-suggested", policy: { Version: "2012-10-17", Statement: [programSuggestion] } },
        ],
        call,
        context,
      );
      if (withSuggestion.overallResult === "Allowed") verdict.missing = suggestion;
      return verdict;
    },
  };
};
