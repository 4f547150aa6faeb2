import { InvokeCommand, type LambdaClient } from "@aws-sdk/client-lambda";
import type { FunctionInvoker } from "../ports.js";

const decode = (bytes: Uint8Array | undefined): unknown => {
  const text = bytes ? Buffer.from(bytes).toString("utf8") : "";
  if (text === "") return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
};

/**
 * The Lambda Invoke API through the SDK: the real one in AWS, the lab's stand-in (same REST contract) when
 * the client's endpoint points at the lab.
 */
export const createLambdaInvoker = (client: LambdaClient): FunctionInvoker => ({
  async invoke(functionName, payload) {
    const out = await client.send(
      new InvokeCommand({
        FunctionName: functionName,
        InvocationType: "RequestResponse",
        Payload: Buffer.from(JSON.stringify(payload)),
      }),
    );
    return {
      requestId: out.$metadata.requestId,
      functionError: out.FunctionError,
      payload: decode(out.Payload),
    };
  },
  async invokeAsync(functionName, payload) {
    const out = await client.send(
      new InvokeCommand({
        FunctionName: functionName,
        InvocationType: "Event",
        Payload: Buffer.from(JSON.stringify(payload)),
      }),
    );
    return { requestId: out.$metadata.requestId };
  },
});
