import type { S3Call } from "./s3-actions.js";

/** An IAM policy statement, as the program writes them into a function's role policy. */
export interface Statement {
  Effect: "Allow";
  Action: string;
  Resource: string;
  Condition?: Record<string, Record<string, string[]>>;
}

/**
 * The least statement that would allow a denied call, scoped the way the program scopes its grants: an
 * object action to the key's top-level prefix (`uploads/*`), a listing to the prefix it asked for (the
 * `s3:prefix` condition), a bucket action to the bucket. A suggestion to read, not to paste blindly: the
 * evaluator checks that it would allow the call before showing it.
 */
export const suggestStatement = (call: S3Call): Statement => {
  const object = /^arn:aws:s3:::([^/]+)\/(.+)$/.exec(call.resource);
  if (object) {
    const [, bucket, key = ""] = object;
    const slash = key.indexOf("/");
    const pattern = slash > 0 ? `${key.slice(0, slash + 1)}*` : key;
    return { Effect: "Allow", Action: call.action, Resource: `arn:aws:s3:::${bucket}/${pattern}` };
  }
  const prefix = call.context["s3:prefix"];
  if (typeof prefix === "string" && prefix !== "") {
    const slash = prefix.indexOf("/");
    const pattern = slash > 0 ? `${prefix.slice(0, slash + 1)}*` : `${prefix}*`;
    return {
      Effect: "Allow",
      Action: call.action,
      Resource: call.resource,
      Condition: { StringLike: { "s3:prefix": [pattern] } },
    };
  }
  return { Effect: "Allow", Action: call.action, Resource: call.resource };
};

/** One line, as IAM JSON reads best in a terminal. */
export const formatStatement = (statement: Statement): string => JSON.stringify(statement);
