import { GetParameterCommand, type SSMClient } from "@aws-sdk/client-ssm";
import type { SecretSource } from "../ports.js";

/**
 * The upload token secret from its SSM SecureString (GetParameter WithDecryption). The value stays in memory:
 * it is never logged, printed or put in an environment variable.
 */
export const createSsmSecret = (client: SSMClient, name: string): SecretSource => ({
  describe: `SSM ${name}`,
  async read() {
    const out = await client.send(new GetParameterCommand({ Name: name, WithDecryption: true }));
    const value = out.Parameter?.Value;
    if (!value) throw new Error(`SSM parameter ${name} has no value`);
    return value;
  },
});
