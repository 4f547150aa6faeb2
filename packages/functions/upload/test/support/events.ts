import { makeHttpEvent } from "@lambda-lab/testing/api-gateway-v2";

export { makeBodylessEvent, makeHttpEvent } from "@lambda-lab/testing/api-gateway-v2";

/** The POST /uploads event a page sends. */
export const makeCreateEvent = (body: string | object, headers: Record<string, string> = {}) =>
  makeHttpEvent({ method: "POST", path: "/uploads", body, headers });
