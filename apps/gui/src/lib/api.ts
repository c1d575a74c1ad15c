import type {
  CancelResponse,
  ChannelInput,
  ChannelResponse,
  CreateKeyRequestInput,
  CreateKeyResponse,
  DashboardSettingsResponse,
  DeleteKeyResponse,
  ErrorResponse,
  EventHistogramResponse,
  GetHeartbeatResponse,
  HistoryResponse,
  ListAlertsResponse,
  ListChannelsResponse,
  ListEventsResponse,
  ListHeartbeatsResponse,
  ListKeysResponse,
  ListRunsResponse,
  PutChannelResponse,
  ServicePatchInput,
  ServiceResponse,
  ServiceSettingsInput,
  SnoozeManyResponse,
  SnoozeRequestInput,
  TestChannelResponse,
} from '@watchtower/protocol';
import { apiUrl } from './api-url.js';
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

export interface ApiListeners {
  /** The secret was refused (401): wrong, or a key since revoked. */
  onUnauthorized?: () => void;
  /** A call needed a scope the key lacks (403); the hint names the key's scope. */
  onForbidden?: (hint: string) => void;
}

/**
 * The API, with the secret (the password or an API key) on every call. The dashboard is
 * served by the API's own origin.
 */
export class Api {
  constructor(
    readonly secret: string,
    private readonly listeners: ApiListeners = {},
  ) {}

  get headers(): Record<string, string> {
    return { password: this.secret };
  }

  async request<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    let response: Response;
    try {
      response = await fetch(apiUrl(path), {
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
      this.listeners.onUnauthorized?.();
      throw new ApiError(401, answer?.hint ?? 'the password or key was refused', 'UNAUTHORIZED');
    }
    if (response.status === 403 && answer?.hint) this.listeners.onForbidden?.(answer.hint);
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

  /** No alert for the service until the span ends. */
  snoozeService(service: string, span: SnoozeRequestInput) {
    return this.request<ServiceResponse>('POST', `${servicePath(service)}/snooze`, span);
  }

  unsnoozeService(service: string) {
    return this.request<ServiceResponse>('DELETE', `${servicePath(service)}/snooze`);
  }

  /** Snoozes every service of a tag, or every service when there is no tag. */
  snoozeMany(tag: string | undefined, span: SnoozeRequestInput) {
    return this.request<SnoozeManyResponse>('POST', '/snooze', tag === undefined ? span : { tag, ...span });
  }

  runs(service: string, query: string, signal?: AbortSignal) {
    return this.request<ListRunsResponse>('GET', `${servicePath(service)}/runs?${query}`, undefined, signal);
  }

  /** A service's changes of state, newest first, and its uptime. */
  history(service: string, query: string, signal?: AbortSignal) {
    return this.request<HistoryResponse>('GET', `${servicePath(service)}/history?${query}`, undefined, signal);
  }

  eventHistogram(query: string, signal?: AbortSignal) {
    return this.request<EventHistogramResponse>('GET', `/events/histogram?${query}`, undefined, signal);
  }

  /**
   * The export of a search as a file saved by the browser: fetched with the secret (a plain
   * link cannot send it), then handed to the browser's download as a blob.
   */
  async downloadEvents(query: string): Promise<void> {
    let response: Response;
    try {
      response = await fetch(`/events/export?${query}`, { headers: this.headers, cache: 'no-store' });
    } catch {
      throw new ApiError(0, 'the server cannot be reached');
    }
    if (!response.ok) {
      const answer = (await response.json().catch(() => null)) as Partial<ErrorResponse> | null;
      if (response.status === 401) this.listeners.onUnauthorized?.();
      throw new ApiError(response.status, answer?.hint ?? `the server answered ${response.status}`, answer?.code);
    }
    const name = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? 'watchtower-events';
    const url = URL.createObjectURL(await response.blob());
    const link = document.createElement('a');
    link.href = url;
    link.download = name;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  }

  events(query: string, signal?: AbortSignal) {
    return this.request<ListEventsResponse>('GET', `/events?${query}`, undefined, signal);
  }

  alerts(query: string, signal?: AbortSignal) {
    return this.request<ListAlertsResponse>('GET', `/alerts?${query}`, undefined, signal);
  }

  keys(signal?: AbortSignal) {
    return this.request<ListKeysResponse>('GET', '/keys', undefined, signal);
  }

  /** Creates a key; its secret is in this answer only. */
  createKey(input: CreateKeyRequestInput) {
    return this.request<CreateKeyResponse>('POST', '/keys', input);
  }

  deleteKey(id: string) {
    return this.request<DeleteKeyResponse>('DELETE', `/keys/${encodeURIComponent(id)}`);
  }

  /** The named channels, without their secrets. */
  channels(signal?: AbortSignal) {
    return this.request<ListChannelsResponse>('GET', '/channels', undefined, signal);
  }

  channel(name: string, signal?: AbortSignal) {
    return this.request<ChannelResponse>('GET', channelPath(name), undefined, signal);
  }

  /** Creates or replaces a channel; a new webhook's signing secret is in this answer only. */
  putChannel(name: string, input: ChannelInput) {
    return this.request<PutChannelResponse>('PUT', channelPath(name), input);
  }

  deleteChannel(name: string) {
    return this.request<ChannelResponse>('DELETE', channelPath(name));
  }

  /** Sends a test message: the answer is the provider's status and the start of its body. */
  testChannel(name: string) {
    return this.request<TestChannelResponse>('POST', `${channelPath(name)}/test`);
  }
}

/** Why a form's call failed: what the server refused (400) in its own words, anything else after "Could not {what}". */
export function describeFailure(failure: unknown, what: string): string {
  if (failure instanceof ApiError && failure.status === 400) return `The server refused it: ${failure.hint}`;
  return `Could not ${what}: ${failure instanceof Error ? failure.message : String(failure)}.`;
}

/** The route of one service: its name is one path segment, URL-encoded. */
export function servicePath(service: string): string {
  return `/heartbeat/${encodeURIComponent(service)}`;
}

/** The route of one named channel. */
export function channelPath(name: string): string {
  return `/channels/${encodeURIComponent(name)}`;
}
