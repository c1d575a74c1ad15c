import type { Server } from 'node:http';
import type { Http2SecureServer, Http2Server } from 'node:http2';
import type { Duplex } from 'node:stream';
import type { ErrorResponse } from '@watchtower/protocol';

/** The answer to bytes that are not a request Node could parse: the protocol's JSON error. */
function clientErrorAnswer(error: NodeJS.ErrnoException & { rawPacket?: Buffer }): string {
  const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
  const timedOut = error.code === 'ERR_HTTP_REQUEST_TIMEOUT';
  const status = tooLarge ? 431 : timedOut ? 408 : 400;
  const body: ErrorResponse = {
    result: status,
    hint: tooLarge
      ? 'the request line and headers are too large'
      : timedOut
        ? 'the request did not arrive in time'
        : `the request is not valid HTTP (${error.code ?? 'malformed'}); nothing was stored`,
    code: tooLarge ? 'PAYLOAD_TOO_LARGE' : 'VALIDATION_FAILED',
    requestId: '',
  };
  const text = JSON.stringify(body);
  const reason = tooLarge ? 'Request Header Fields Too Large' : timedOut ? 'Request Timeout' : 'Bad Request';
  // An answer to HEAD has no body.
  const head = error.rawPacket?.subarray(0, 5).toString('latin1') === 'HEAD ';
  return (
    `HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json\r\n` +
    `content-length: ${Buffer.byteLength(text)}\r\nconnection: close\r\n\r\n${head ? '' : text}`
  );
}

/**
 * Answers requests that Node's HTTP parser refuses (bad framing, bytes not allowed in a
 * header, headers too large) with the protocol's JSON error instead of a bare status line.
 */
export function answerClientErrors(server: Server | Http2Server | Http2SecureServer): void {
  (server as Server).on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    // A connection reset by the client has no one left to answer.
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    socket.end(clientErrorAnswer(error));
  });
}
