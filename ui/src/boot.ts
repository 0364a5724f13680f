import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Backend } from './api/backend';
import type { EnvironmentInfo, EnvironmentKind, RosterPage } from './api/bindings';
import { EMPTY_QUERY, PAGE, storeQuery } from './rosterQuery';

/**
 * The first screen's two answers — the environment and the roster's first page — asked for as
 * the script starts. Asked from the components, they would wait for the first paint (Preact runs
 * effects after it) and then for each other: about 40 ms of a start measured in the real window
 * (bench/RESULTS.md). Each answer is handed out once; later reads go to the backend.
 */
export class Boot {
  private env: Promise<EnvironmentInfo> | null;
  private firstPage: Promise<RosterPage> | null;
  /** The environment the roster answer belongs to, once the environment answer is in. */
  private pageKind: EnvironmentKind | null = null;

  constructor(backend: Backend) {
    // Both are read by Rust for the environment selected now, so they belong together.
    this.env = backend.call('environment_get');
    this.firstPage = backend.call('users_query', { query: storeQuery(EMPTY_QUERY, 0, PAGE) });
    this.env.then(
      (info) => (this.pageKind = info.kind),
      () => (this.firstPage = null),
    );
    // Rejections are handled by whoever takes the promise; none is reported unhandled before.
    this.firstPage.catch(() => undefined);
  }

  takeEnvironment(): Promise<EnvironmentInfo> | null {
    const p = this.env;
    this.env = null;
    return p;
  }

  /** The roster's first page (every user, newest first), if it is for `kind`. */
  takeFirstPage(kind: EnvironmentKind): Promise<RosterPage> | null {
    const p = this.pageKind === kind ? this.firstPage : null;
    this.firstPage = null;
    return p;
  }
}

export const BootContext = createContext<Boot | null>(null);
export const useBoot = (): Boot | null => useContext(BootContext);
