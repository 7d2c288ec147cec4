import type { IncomingMessage, Server, ServerResponse } from 'node:http';

/**
 * Keep-alive aware draining for graceful shutdown. `server.close()` alone stops accepting new
 * connections, but a keep-alive connection whose request is in flight stays open after its
 * response (and could carry more requests) until the client or keepAliveTimeout ends it, so the
 * process would linger and keep serving. Once draining starts:
 *  - every response not yet begun says `Connection: close`, so clients open their next request
 *    elsewhere (another process behind the load balancer) and Node closes the socket after it;
 *  - idle keep-alive connections are closed at once, and again whenever a response finishes;
 *  - a request in flight is never cut: it finishes, then its connection closes.
 * `server.close()`'s callback then fires as soon as the last in-flight response is out.
 */
export function keepAliveDrain(server: Server): { begin(): void } {
  let draining = false;
  const inFlight = new Set<ServerResponse>();
  const closeIdleSoon = () => setImmediate(() => server.closeIdleConnections());

  // Prepended: it must run before the app's own listener, which may answer synchronously.
  server.prependListener('request', (_req: IncomingMessage, res: ServerResponse) => {
    if (draining) {
      res.setHeader('Connection', 'close');
      res.on('finish', closeIdleSoon);
      return;
    }
    inFlight.add(res);
    res.on('close', () => inFlight.delete(res));
  });

  return {
    begin() {
      if (draining) return;
      draining = true;
      for (const res of inFlight) {
        if (!res.headersSent) res.setHeader('Connection', 'close');
        // A response already under way keeps its headers; its socket is closed once it is idle.
        res.on('finish', closeIdleSoon);
      }
      server.closeIdleConnections();
    },
  };
}
