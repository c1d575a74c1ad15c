import { useSession } from '../live.js';

/** Why an action is not offered: the key signed in with may not do it. Nothing when it may. */
export function ReadOnlyNote({ action }: { action: string }) {
  const { scope, canChange } = useSession();
  if (canChange) return null;
  return (
    <p className="notice read-only" data-testid="read-only">
      This key has scope {scope}: it shows everything and changes nothing. {action} needs an admin key or the password.
    </p>
  );
}
