import http from 'node:http';
import { AddressInfo } from 'node:net';

export type Handler = (
  req: http.IncomingMessage,
  res: http.ServerResponse,
) => void;

/** A local server speaking the Sentry endpoints the client uses; each test sets the behaviour. */
export function sentryServer() {
  let handler: Handler = (_req, res) => res.writeHead(500).end();
  const requests: Array<{ url: string; auth?: string }> = [];
  const server = http.createServer((req, res) => {
    requests.push({ url: req.url!, auth: req.headers.authorization });
    handler(req, res);
  });
  return {
    requests,
    on: (h: Handler) => {
      handler = h;
    },
    start: () =>
      new Promise<string>(resolve =>
        server.listen(0, '127.0.0.1', () =>
          resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
        ),
      ),
    stop: () => new Promise<void>(resolve => server.close(() => resolve())),
  };
}

export const json = (res: http.ServerResponse, status: number, body: unknown) =>
  res
    .writeHead(status, { 'Content-Type': 'application/json' })
    .end(JSON.stringify(body));
