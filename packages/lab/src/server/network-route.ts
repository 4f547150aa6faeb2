import type { IncomingMessage, ServerResponse } from "node:http";
import type { SubnetLayout } from "@lambda-lab/infra/network-rules";
import type { StackConfig } from "@lambda-lab/infra/stack-config";
import { corsHeaders, sendJson } from "../http.js";
import { networkPicture } from "../lessons/network.js";
import { renderNetworkSvg } from "../lessons/network-svg.js";

export interface NetworkRouteDeps {
  /** The running stack's config: the picture is of what `pulumi up` would build for it. */
  config: StackConfig;
}

const LAYOUTS: readonly SubnetLayout[] = ["shared", "split"];

/**
 * The subnets-versus-security-groups lesson on the lab API (documented in packages/lab/README.md):
 * `GET /api/lessons/network[?layout=shared|split]` answers the picture's model and its SVG; without
 * `layout` it is the stack's own layout, with it the other one for comparison (the rules stay the stack's).
 */
export const networkRoute = (deps: NetworkRouteDeps) => {
  // The layout (elkjs) is the same for the same config: computed once per layout.
  const cache = new Map<SubnetLayout, Promise<unknown>>();
  const answer = (layout: SubnetLayout) => {
    let body = cache.get(layout);
    if (!body) {
      body = (async () => {
        const picture = networkPicture(deps.config, layout);
        return { ...picture, svg: await renderNetworkSvg(picture) };
      })();
      body.catch(() => cache.delete(layout));
      cache.set(layout, body);
    }
    return body;
  };
  return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> => {
    if (url.pathname !== "/api/lessons/network" || (req.method ?? "GET") !== "GET") return false;
    const cors = corsHeaders(req.headers.origin);
    const asked = url.searchParams.get("layout");
    if (asked !== null && !LAYOUTS.includes(asked as SubnetLayout)) {
      sendJson(
        res,
        400,
        { error: `layout must be one of ${LAYOUTS.join(", ")}, not ${JSON.stringify(asked)}` },
        cors,
      );
      return true;
    }
    sendJson(
      res,
      200,
      await answer((asked as SubnetLayout | null) ?? deps.config.network.subnetLayout),
      cors,
    );
    return true;
  };
};
