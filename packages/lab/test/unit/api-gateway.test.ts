/**
 * The upload API stand-in routes as API Gateway does, over the catalog's routes (the ones the program
 * deploys): the function gets the real route key, and a request no route matches never reaches it.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { apiCorsOf, apiRoutesOf } from "@lambda-lab/infra/emulated";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createApiGateway, matchRoute } from "../../src/services/api-gateway.js";

describe("matchRoute (API Gateway's route selection)", () => {
  const routes = apiRoutesOf("upload");

  it("matches the catalog's routes by method and path template", () => {
    expect(matchRoute(routes, "POST", "/uploads")).toEqual({ routeKey: "POST /uploads", pathParameters: {} });
    expect(matchRoute(routes, "GET", "/uploads/01KB")).toEqual({
      routeKey: "GET /uploads/{id}",
      pathParameters: { id: "01KB" },
    });
  });

  it("matches no route for another method, a deeper path, a missing variable or a trailing part", () => {
    expect(matchRoute(routes, "DELETE", "/uploads/01KB")).toBeUndefined();
    expect(matchRoute(routes, "GET", "/uploads")).toBeUndefined();
    expect(matchRoute(routes, "GET", "/uploads/")).toBeUndefined();
    expect(matchRoute(routes, "GET", "/uploads/01KB/variants")).toBeUndefined();
    expect(matchRoute(routes, "GET", "/")).toBeUndefined();
  });

  it("passes path variables URL-decoded", () => {
    expect(matchRoute(routes, "GET", "/uploads/a%20b")?.pathParameters).toEqual({ id: "a b" });
  });

  it("prefers a full match over a greedy variable, a route's method over ANY, and falls back to $default", () => {
    const table = [
      "ANY /files/{id}",
      "GET /files/{id}",
      "GET /files/{proxy+}",
      "GET /files/latest",
      "$default",
    ];

    expect(matchRoute(table, "GET", "/files/latest")?.routeKey).toBe("GET /files/latest");
    expect(matchRoute(table, "GET", "/files/7")?.routeKey).toBe("GET /files/{id}");
    expect(matchRoute(table, "PUT", "/files/7")?.routeKey).toBe("ANY /files/{id}");
    expect(matchRoute(table, "GET", "/files/a/b")).toEqual({
      routeKey: "GET /files/{proxy+}",
      pathParameters: { proxy: "a/b" },
    });
    expect(matchRoute(table, "POST", "/elsewhere")?.routeKey).toBe("$default");
  });
});

describe("the upload API stand-in", () => {
  const APP = "https://app.example";
  const invoked: APIGatewayProxyEventV2[] = [];
  let server: Server;
  let url: string;

  beforeAll(async () => {
    const handler = createApiGateway({
      runtime: {
        invoke: async (_id: string, event: unknown) => {
          invoked.push(event as APIGatewayProxyEventV2);
          return { status: "success", body: JSON.stringify({ statusCode: 200, body: "{}" }) } as never;
        },
      },
      functionId: "upload",
      corsAllowedOrigins: () => [APP],
      region: "eu-west-1",
      accountId: "000000000000",
    });
    server = createServer((req, res) => void handler(req, res));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    invoked.length = 0;
  });

  it("invokes upload with the route key that matched, not $default", async () => {
    await fetch(`${url}/uploads`, {
      method: "POST",
      body: "{}",
      headers: { "content-type": "application/json" },
    });
    await fetch(`${url}/uploads/01KB`);

    expect(invoked.map((e) => [e.routeKey, e.requestContext.routeKey, e.pathParameters])).toEqual([
      ["POST /uploads", "POST /uploads", undefined],
      ["GET /uploads/{id}", "GET /uploads/{id}", { id: "01KB" }],
    ]);
  });

  it("answers API Gateway's 404 Not Found for a request no route matches, without invoking", async () => {
    const response = await fetch(`${url}/nope`, { method: "POST", body: "{}" });

    expect(response.status).toBe(404);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(await response.json()).toEqual({ message: "Not Found" });
    expect(invoked).toEqual([]);
  });

  it("answers a preflight with the program's API CORS (methods of the routes, one-hour max-age)", async () => {
    const cors = apiCorsOf("upload", [APP]);

    const response = await fetch(`${url}/uploads`, {
      method: "OPTIONS",
      headers: { origin: APP, "access-control-request-method": "POST" },
    });

    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-methods")).toBe(cors.allowMethods.join(","));
    expect(response.headers.get("access-control-max-age")).toBe("3600");
    expect(invoked).toEqual([]);
  });
});
