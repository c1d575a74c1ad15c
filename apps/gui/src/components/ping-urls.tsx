import type { Heartbeat } from '@watchtower/protocol';
import { crontabLine, curlCommand, pingUrls } from '../lib/service-details.js';
import { CopyButton } from './copy-button.js';

/** Where a job signals, without credentials: the token in the URL is the secret. */
export function PingUrls({ heartbeat: hb }: { heartbeat: Heartbeat }) {
  if (!hb.pingUrl) {
    return <p className="muted">The ping URL is shown to read and admin keys only.</p>;
  }
  const cron = crontabLine(hb, hb.pingUrl);
  return (
    <>
      <p className="muted small">
        GET, HEAD or POST; a POST body is kept as the signal's message. The URL holds the secret: keep it private.
      </p>
      <ul className="ping-urls">
        {pingUrls(hb.pingUrl).map((ping) => (
          <li key={ping.label} data-ping={ping.label}>
            <span className="ping-label">{ping.label}</span>
            <code className="ping-url">{ping.url}</code>
            <CopyButton text={ping.url} label={`${ping.label.toLowerCase()} URL`} />
            <span className="muted small ping-what">{ping.what}</span>
          </li>
        ))}
      </ul>
      <h3>In a crontab</h3>
      <p className="muted small">Run the job, and ping when it succeeds (quiet unless it fails; 10 s per try, 5 retries):</p>
      <div className="snippet">
        <pre>
          <code data-testid="crontab-line">{cron}</code>
        </pre>
        <CopyButton text={cron} label="crontab line" />
      </div>
      <p className="muted small">Or ping by hand, or from any script:</p>
      <div className="snippet">
        <pre>
          <code data-testid="curl-command">{curlCommand(hb.pingUrl)}</code>
        </pre>
        <CopyButton text={curlCommand(hb.pingUrl)} label="curl command" />
      </div>
    </>
  );
}
