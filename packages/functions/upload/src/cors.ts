/** Headers a browser may send on the API's requests (a bearer token and a JSON body). */
const ALLOWED_REQUEST_HEADERS = "authorization, content-type";
/** How long a browser may cache a preflight answer, in seconds. */
const PREFLIGHT_MAX_AGE = "600";

/**
 * CORS response headers for a request from `origin`. An empty allow-list means no CORS headers at all
 * (same-origin or server-side callers only); `*` allows any origin, which the API can afford because it
 * authenticates with a bearer header, never with cookies.
 */
export const corsHeaders = (
  origin: string | undefined,
  allowedOrigins: readonly string[],
): Record<string, string> => {
  if (allowedOrigins.length === 0) return {};
  if (allowedOrigins.includes("*"))
    return { "access-control-allow-origin": "*", "access-control-expose-headers": "location" };
  // The answer depends on Origin, so shared caches must key on it even when the origin is refused.
  if (origin === undefined || !allowedOrigins.includes(origin)) return { vary: "origin" };
  return {
    "access-control-allow-origin": origin,
    "access-control-expose-headers": "location",
    vary: "origin",
  };
};

/** The headers of a preflight answer; without an allowed origin the browser blocks the real request. */
export const preflightHeaders = (
  origin: string | undefined,
  allowedOrigins: readonly string[],
  methods: readonly string[],
): Record<string, string> => {
  const base = corsHeaders(origin, allowedOrigins);
  if (!("access-control-allow-origin" in base)) return { ...base, allow: methods.join(", ") };
  return {
    ...base,
    allow: methods.join(", "),
    "access-control-allow-methods": methods.join(", "),
    "access-control-allow-headers": ALLOWED_REQUEST_HEADERS,
    "access-control-max-age": PREFLIGHT_MAX_AGE,
  };
};
