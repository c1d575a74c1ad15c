/** Why a page's data could not be loaded, with a way to ask again; nothing when it could. */
export function LoadError({ what, error, onRetry }: { what: string; error: string | undefined; onRetry: () => void }) {
  if (!error) return null;
  return (
    <p className="error" role="alert">
      Could not load the {what}: {error}.{' '}
      <button type="button" className="link" onClick={onRetry}>
        Try again
      </button>
    </p>
  );
}
