import * as pulumi from "@pulumi/pulumi";
import {
  decodePulumiConfigValues,
  PROJECT,
  parseStackConfig,
  requireDeploySecrets,
  type StackConfig,
} from "./stack-config.js";

/** Secrets reach the components only as Pulumi secrets, so they stay encrypted in state and previews. */
export interface StackSecrets {
  slackWebhookUrl: pulumi.Output<string>;
  uploadAuthToken: pulumi.Output<string> | undefined;
}

export interface LoadedConfig {
  config: StackConfig;
  secrets: StackSecrets;
}

/**
 * Reads and validates the stack configuration once (components get values through their args). Throws a
 * StackConfigError naming the stack and every bad key before a single resource is registered.
 */
export const loadConfig = (): LoadedConfig => {
  const stack = pulumi.getStack();
  const parsed = parseStackConfig(stack, decodePulumiConfigValues(pulumi.runtime.allConfig()));
  requireDeploySecrets(parsed);
  const pulumiConfig = new pulumi.Config(PROJECT);
  const secrets: StackSecrets = {
    slackWebhookUrl: pulumiConfig.requireSecret("slackWebhookUrl"),
    uploadAuthToken:
      parsed.upload.authMode === "token" ? pulumiConfig.requireSecret("uploadAuthToken") : undefined,
  };
  // Drop the plaintext copies so no component can use a secret outside a Pulumi secret by accident.
  const config: StackConfig = {
    ...parsed,
    upload: { ...parsed.upload, authToken: undefined },
    alerts: { ...parsed.alerts, slackWebhookUrl: undefined },
  };
  return { config, secrets };
};
