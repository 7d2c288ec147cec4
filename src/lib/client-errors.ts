import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { problemBody, AppError } from './errors';
import type { ProblemName } from './problems';

/**
 * Requests node's HTTP parser refuses before Express ever sees them (a query string or headers
 * over the 16 KB limit, a malformed request line, a header timeout). Left to node they get a
 * bare status line with no body; answered here they are problem+json like every other error.
 */
function problemFor(code: string | undefined): AppError {
  const of = (kind: ProblemName, detail: string) => new AppError(kind, detail);
  if (code === 'HPE_HEADER_OVERFLOW')
    return of('headers-too-large', 'The request line or headers are over the 16 KB limit.');
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT')
    return of('request-timeout', 'The request did not arrive in time.');
  return of('bad-request', 'The request cannot be read as HTTP.');
}

function writeProblem(socket: Socket, problem: AppError): void {
  const body = JSON.stringify(problemBody(problem));
  socket.end(
    [
      `HTTP/1.1 ${problem.status} ${problem.title}`,
      'Content-Type: application/problem+json; charset=utf-8',
      `Content-Length: ${Buffer.byteLength(body)}`,
      'Cache-Control: no-store',
      'X-Content-Type-Options: nosniff',
      'Connection: close',
      '',
      body,
    ].join('\r\n'),
  );
}

/** Node's private link from a socket to the response being written on it, if any. */
type SocketWithResponse = Socket & { _httpMessage?: { headersSent?: boolean } };

export function answerClientErrors(server: Server): void {
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    // the client went away, or a response is already on its way: nothing to answer
    if (
      err.code === 'ECONNRESET' ||
      !socket.writable ||
      (socket as SocketWithResponse)._httpMessage?.headersSent
    ) {
      socket.destroy();
      return;
    }
    writeProblem(socket, problemFor(err.code));
  });
}
