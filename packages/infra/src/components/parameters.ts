import { PARAMETERS, type ParameterId, parameterNameOf } from "@lambda-lab/catalog";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { legacyParameterUrn } from "./legacy-names.js";

export interface ParametersArgs {
  stack: string;
  /** Each SecureString's value, a Pulumi secret; undefined when the stack does not use it. */
  values: Partial<Record<ParameterId, pulumi.Output<string>>>;
}

/**
 * The stack's secrets as SSM SecureStrings (`/lambda-lab/<stack>/<id>`), one per catalog parameter. An
 * environment variable is readable by anyone with lambda:GetFunctionConfiguration; a SecureString needs
 * ssm:GetParameter on this one parameter, which only the function that reads it holds.
 */
export class Parameters extends pulumi.ComponentResource {
  readonly byId: Partial<Record<ParameterId, aws.ssm.Parameter>> = {};

  constructor(name: string, args: ParametersArgs, opts?: pulumi.ComponentResourceOptions) {
    super("lambda-lab:secrets:Parameters", name, {}, opts);
    for (const id of Object.keys(PARAMETERS) as ParameterId[]) {
      const spec = PARAMETERS[id];
      const value = args.values[id];
      if (value === undefined) {
        if (spec.when === "always")
          throw new Error(`stack "${args.stack}": ${spec.secretKey} has no value for the ${id} parameter`);
        continue;
      }
      this.byId[id] = new aws.ssm.Parameter(
        `${name}-${id}`,
        { name: parameterNameOf(args.stack, id), type: "SecureString", value, description: spec.description },
        { parent: this, aliases: [legacyParameterUrn(id)] },
      );
    }
    this.registerOutputs({});
  }
}
