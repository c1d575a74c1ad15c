// Load: autocannon runs against 127.0.0.1, each bounded in time, and what they measured.
import autocannon from 'autocannon';
import { HEADERS } from './credentials.mjs';

let currentLoad; // the autocannon instance running now, stopped on clean-up

/** One autocannon run; stopped by a watchdog if it overruns its time by far. */
export async function load(url, { connections, seconds, amount, requests }) {
  const options = {
    url,
    connections,
    pipelining: 1,
    timeout: 10,
    headers: HEADERS,
    requests,
    ...(amount ? { amount } : { duration: seconds }),
  };
  const instance = autocannon(options);
  currentLoad = instance;
  // A seeding load of 10,000 requests takes 15 s on a quiet machine, minutes on a busy one.
  const limit = (amount ? 300 : seconds + 30) * 1000;
  let overran = false;
  const watchdog = setTimeout(() => {
    overran = true;
    instance.stop();
  }, limit);
  try {
    const result = await instance;
    if (overran) result.overran = true;
    return result;
  } finally {
    clearTimeout(watchdog);
    currentLoad = undefined;
  }
}

/** Stops the load running now, if any. */
export function stopLoad() {
  currentLoad?.stop();
}

export function summarize(result) {
  const seconds = result.duration || 1;
  const ok = result['2xx'];
  return {
    // Only answers with a 2xx count as throughput; everything else is reported apart.
    rps: ok / seconds,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes: Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, { count }]) => [code, count])),
    overran: Boolean(result.overran),
  };
}

/** The non-2xx answers and the socket errors of a summarized run, or '' when there were none. */
export function describeFailures(result) {
  const parts = [];
  if (result.non2xx) {
    const codes = Object.entries(result.statusCodes).filter(([code]) => !code.startsWith('2'));
    parts.push(`${result.non2xx} non-2xx (${codes.map(([code, count]) => `${count}× ${code}`).join(', ')})`);
  }
  if (result.errors) parts.push(`${result.errors} errors (${result.timeouts} timeouts)`);
  return parts.join(', ');
}

/** One request made by hand and checked, so a scenario that only gets 4xx fails loudly before the load. */
export async function check(url, request) {
  let response;
  try {
    // Long: a server still draining the queue of the row before answers late.
    response = await fetch(url + request.path, {
      method: request.method,
      headers: HEADERS,
      body: request.body,
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    const reason = error.name === 'TimeoutError' ? 'no answer within 30 s' : (error.cause?.code ?? error.message);
    throw new Error(`${request.method} ${request.path}, the request made before its load: ${reason}`);
  }
  const text = await response.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (response.status !== 200 || body?.result !== 200) {
    const error = new Error(`${request.method} ${request.path} answered ${response.status}: ${text.slice(0, 500)}`);
    error.status = response.status;
    throw error;
  }
  return body;
}
