import type { EnvironmentInfo } from '../api/bindings';

/**
 * Said before the operator fills a form, not after P100 refuses it: the selected environment
 * has no API key, or its key failed its last test. On every screen but Settings, with the way
 * there.
 */
export function KeyBanner({
  env,
  failure,
  onSettings,
}: {
  env: EnvironmentInfo | null;
  /** What the key's last failed test said, if it failed. */
  failure: string | null;
  onSettings: () => void;
}) {
  if (!env) return null;
  const missing = env.needsKey && !env.keySet;
  if (!missing && failure === null) return null;
  return (
    <div class="key-banner" role="alert" data-testid="key-banner">
      <span>
        {missing
          ? `${env.label} has no API key yet: nothing can be sent to P100 until one is set.`
          : `${env.label}'s API key failed its test: ${failure}`}
      </span>
      <button type="button" class="secondary" data-testid="key-banner-settings" onClick={onSettings}>
        {missing ? 'Set the key in Settings' : 'Check the key in Settings'}
      </button>
    </div>
  );
}
