import type {
  CancelResponse,
  DashboardSettingsResponse,
  ErrorResponse,
  GetHeartbeatResponse,
  HistoryResponse,
  ListAlertsResponse,
  ListEventsResponse,
  ListHeartbeatsResponse,
  ListRunsResponse,
  ServicePatchInput,
  ServiceResponse,
  ServiceSettingsInput,
} from '@watchtower/protocol';
import { clockOffset } from './clock-offset.js';

/** An answer other than 200: the status and the server's hint. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    readonly hint: string,
    readonly code?: string,
  ) {
    super(hint);
  }
}

let serverOffset = 0;

/** The server's time now, in Unix seconds (this browser's clock corrected by the last answer's Date header). */
export function serverNow(): number {
  return Date.now() / 1000 + serverOffset;
}

export function noteServerDate(header: string | null, receivedAt = Date.now()): void {
  const offset = clockOffset(header, receivedAt);
  if (offset !== undefined) serverOffset = offset;
}

/** The API, with the password on every call. The dashboard is served by the API's own origin. */
export class Api {
  constructor(
    readonly password: string,
    private readonly onUnauthorized: () => void = () => {},
  ) {}

  get headers(): Record<string, string> {
    return { password: this.password };
  }

  async request<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    let response: Response;
    try {
      response = await fetch(path, {
        method,
        headers: body === undefined ? this.headers : { ...this.headers, 'content-type': 'application/json' },
        body: body === undefined ? null : JSON.stringify(body),
        cache: 'no-store',
        signal: signal ?? null,
      });
    } catch (error) {
      if (signal?.aborted) throw error;
      throw new ApiError(0, 'the server cannot be reached');
    }
    noteServerDate(response.headers.get('date'));
    const answer = (await response.json().catch(() => null)) as (T & Partial<ErrorResponse>) | null;
    if (response.status === 401) {
      this.onUnauthorized();
      throw new ApiError(401, answer?.hint ?? 'the password was refused', 'UNAUTHORIZED');
    }
    if (!response.ok || answer === null) {
      throw new ApiError(response.status, answer?.hint ?? `the server answered ${response.status}`, answer?.code);
    }
    return answer;
  }

  settings(signal?: AbortSignal) {
    return this.request<DashboardSettingsResponse>('GET', '/dashboard-settings', undefined, signal);
  }

  heartbeats(signal?: AbortSignal) {
    return this.request<ListHeartbeatsResponse>('GET', '/heartbeats', undefined, signal);
  }

  cancel(service: string) {
    return this.request<CancelResponse>('DELETE', '/heartbeat', { service });
  }

  heartbeat(service: string, signal?: AbortSignal) {
    return this.request<GetHeartbeatResponse>('GET', servicePath(service), undefined, signal);
  }

  /** Creates a service, or replaces the configuration of one with that name. */
  putService(service: string, settings: ServiceSettingsInput) {
    return this.request<ServiceResponse>('PUT', servicePath(service), settings);
  }

  patchService(service: string, change: ServicePatchInput) {
    return this.request<ServiceResponse>('PATCH', servicePath(service), change);
  }

  deleteService(service: string) {
    return this.request<ServiceResponse>('DELETE', servicePath(service));
  }

  pauseService(service: string) {
    return this.request<ServiceResponse>('POST', `${servicePath(service)}/pause`);
  }

  resumeService(service: string) {
    return this.request<ServiceResponse>('POST', `${servicePath(service)}/resume`);
  }

  runs(service: string, query: string, signal?: AbortSignal) {
    return this.request<ListRunsResponse>('GET', `${servicePath(service)}/runs?${query}`, undefined, signal);
  }

  /** A service's changes of state, newest first, and its uptime. */
  history(service: string, query: string, signal?: AbortSignal) {
    return this.request<HistoryResponse>('GET', `${servicePath(service)}/history?${query}`, undefined, signal);
  }

  events(query: string, signal?: AbortSignal) {
    return this.request<ListEventsResponse>('GET', `/events?${query}`, undefined, signal);
  }

  alerts(query: string, signal?: AbortSignal) {
    return this.request<ListAlertsResponse>('GET', `/alerts?${query}`, undefined, signal);
  }
}

/** The route of one service: its name is one path segment, URL-encoded. */
export function servicePath(service: string): string {
  return `/heartbeat/${encodeURIComponent(service)}`;
}

/** Checks a password against the server; the settings come back when it is right. */
export async function signIn(password: string): Promise<DashboardSettingsResponse> {
  return new Api(password).settings();
}
