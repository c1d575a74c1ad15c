import type { MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import type { AppEnv } from './app-env.js';

/** The dashboard's policy: its own scripts, styles, images and API only; no inline code. */
export const GUI_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** The API reference's policy: Swagger UI styles its elements inline and draws icons as data: images. */
export const DOCS_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Everything else (JSON, SVG badges, scripts to load elsewhere) runs nothing and loads nothing. */
const API_CSP = "default-src 'none'; frame-ancestors 'none'";

/**
 * The security headers of every answer: a Content-Security-Policy (the dashboard's and the
 * reference's own, else one that allows nothing), nosniff, no framing, no referrer, and HSTS
 * when the server speaks TLS itself. A header a route set (the SDK's and the badges'
 * Cross-Origin-Resource-Policy) is kept.
 */
export function securityHeaders({ tls }: { tls: boolean }): MiddlewareHandler<AppEnv> {
  const common = {
    overwrite: false,
    strictTransportSecurity: tls ? 'max-age=15552000' : false,
    xFrameOptions: 'DENY',
    referrerPolicy: 'no-referrer',
  } as const;
  const forGui = secureHeaders({ ...common, contentSecurityPolicy: policy(GUI_CSP) });
  const forDocs = secureHeaders({ ...common, contentSecurityPolicy: policy(DOCS_CSP) });
  const forApi = secureHeaders({ ...common, contentSecurityPolicy: policy(API_CSP) });
  return (c, next) => {
    const path = c.req.path;
    if (path === '/gui' || path.startsWith('/gui/')) return forGui(c, next);
    if (path === '/docs' || path.startsWith('/docs/')) return forDocs(c, next);
    return forApi(c, next);
  };
}

/** A policy written out as hono's directives. */
function policy(text: string): Record<string, string[]> {
  return Object.fromEntries(
    text.split('; ').map((directive) => {
      const [name, ...sources] = directive.split(' ');
      return [name!.replace(/-(\w)/g, (_, letter: string) => letter.toUpperCase()), sources];
    }),
  );
}
