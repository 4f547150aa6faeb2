/**
 * Stands where the CLI's engine server would be. run-policy-pack drops its engine-address argument
 * (cmd/run-policy-pack/index.js shifts it off argv) and @pulumi/pulumi only dials an engine named by
 * PULUMI_NODEJS_ENGINE, which the CLI does not set for analyzers; so no Engine service is needed here,
 * only a socket that counts whether anything ever connects.
 */
import { createServer, type Socket } from "node:net";

export interface EngineListener {
  address: string;
  connections(): number;
  close(): Promise<void>;
}

export const listenAsEngine = async (): Promise<EngineListener> => {
  let connections = 0;
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as { port: number };
  return {
    address: `127.0.0.1:${port}`,
    connections: () => connections,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
};
