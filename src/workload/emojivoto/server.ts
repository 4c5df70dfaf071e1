// Starting and stopping a gRPC server on one address, shared by the emoji and voting
// services.
import * as grpc from "@grpc/grpc-js";

export interface RunningGrpcServer {
  port: number;
  close(): Promise<void>;
}

export async function startGrpcServer(
  service: grpc.ServiceDefinition,
  implementation: grpc.UntypedServiceImplementation,
  host: string,
  port: number,
): Promise<RunningGrpcServer> {
  const server = new grpc.Server();
  server.addService(service, implementation);
  const bound = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${host}:${port}`, grpc.ServerCredentials.createInsecure(), (error, p) =>
      error ? reject(error) : resolve(p),
    ),
  );
  return {
    port: bound,
    close: () =>
      new Promise<void>((resolve) => {
        // Finish calls in flight, but never wait on a client that keeps its stream open.
        const force = setTimeout(() => server.forceShutdown(), 500);
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      }),
  };
}
