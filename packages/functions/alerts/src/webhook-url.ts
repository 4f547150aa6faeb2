/** The webhook URL could not be obtained. Names the parameter, never its value. */
export class WebhookUrlError extends Error {
  override name = "WebhookUrlError";
}

const isHttpUrl = (value: string) => {
  try {
    return ["http:", "https:"].includes(new URL(value).protocol);
  } catch {
    return false;
  }
};

/** SLACK_WEBHOOK_URL: the local lab points it at its own sink. */
export const staticWebhookUrl = (url: string) => () => Promise.resolve(url);

/** SSM GetParameter with decryption: `createParameterReader` from @lambda-lab/shared in the function. */
export type ReadParameter = (name: string) => Promise<string>;

/**
 * SLACK_WEBHOOK_PARAMETER: a SecureString read with decryption on first use, then kept for the life of
 * the container. A failed read is not cached, so the next invocation (or Lambda's retry) tries again.
 */
export const ssmWebhookUrl = (readParameter: ReadParameter, parameterName: string) => {
  let pending: Promise<string> | undefined;
  const read = async () => {
    let value: string;
    try {
      value = await readParameter(parameterName);
    } catch (error) {
      // The reader's message already names the parameter and SSM's error type, never a value.
      throw new WebhookUrlError((error as Error).message);
    }
    if (!value || !isHttpUrl(value.trim())) {
      throw new WebhookUrlError(`SSM parameter ${parameterName} does not hold an http(s) URL`);
    }
    return value.trim();
  };
  return (): Promise<string> => {
    pending ??= read().catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
};
