import type { Heartbeat } from '@watchtower/protocol';
import { apiUrl } from '../lib/api-url.js';
import { CopyButton } from './copy-button.js';

/** The Markdown that shows a service's badge in a README, linking to the dashboard. */
export function badgeMarkdown(service: string, badgeUrl: string, dashboardUrl: string): string {
  const alt = service.replace(/[[\]\\]/g, '\\$&');
  return `[![${alt}](${badgeUrl})](${dashboardUrl})`;
}

/** shields.io's endpoint badge for the same status, for those who style their badges there. */
export function shieldsUrl(badgeUrl: string): string {
  return `https://img.shields.io/endpoint?url=${encodeURIComponent(badgeUrl.replace(/\.svg$/, '.json'))}`;
}

/** The service's status badge: public, read-only, safe to put in a README. */
export function StatusBadgeUrl({ heartbeat: hb }: { heartbeat: Heartbeat }) {
  if (!hb.badgeUrl) return null;
  const markdown = badgeMarkdown(hb.service, hb.badgeUrl, window.location.href);
  return (
    <>
      <h3>Status badge</h3>
      <p className="muted small">
        A picture of the status, public and read-only (the badge key opens badges only): for a README or a wiki page.
      </p>
      <p>
        {/* Loaded as the dashboard reaches the server (through a proxy's prefix, say), not from the public URL. */}
        <img src={apiUrl(new URL(hb.badgeUrl).pathname)} alt={`${hb.service} status badge`} data-testid="badge-preview" />
      </p>
      <div className="snippet">
        <pre>
          <code data-testid="badge-markdown">{markdown}</code>
        </pre>
        <CopyButton text={markdown} label="badge Markdown" />
      </div>
      <div className="snippet">
        <pre>
          <code data-testid="badge-shields">{shieldsUrl(hb.badgeUrl)}</code>
        </pre>
        <CopyButton text={shieldsUrl(hb.badgeUrl)} label="shields.io URL" />
      </div>
    </>
  );
}
