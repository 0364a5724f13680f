import type { EnvironmentKind } from './api/bindings';

/** In the order operators think of them: safest first. */
/** An environment as the header names it. */
export const envLabel = (kind: EnvironmentKind): string => ENV_OPTIONS.find((o) => o.kind === kind)?.label ?? kind;

export const ENV_OPTIONS: Array<{ kind: EnvironmentKind; label: string }> = [
  { kind: 'sandbox', label: 'Sandbox' },
  { kind: 'staging', label: 'Staging' },
  { kind: 'production', label: 'Production' },
  { kind: 'custom', label: 'Custom URL' },
];
