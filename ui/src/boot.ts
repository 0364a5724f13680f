import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Backend } from './api/backend';
import type { EnvironmentInfo, EnvironmentKind, UserRecord } from './api/bindings';

/**
 * The first screen's two answers — the environment and its roster — asked for as the script
 * starts. Asked from the components, they would wait for the first paint (Preact runs effects
 * after it) and then for each other: about 40 ms of a start measured in the real window
 * (bench/RESULTS.md). Each answer is handed out once; later reads go to the backend.
 */
export class Boot {
  private env: Promise<EnvironmentInfo> | null;
  private users: Promise<UserRecord[]> | null;
  /** The environment the roster answer belongs to, once the environment answer is in. */
  private usersKind: EnvironmentKind | null = null;

  constructor(backend: Backend) {
    // Both are read by Rust for the environment selected now, so they belong together.
    this.env = backend.call('environment_get');
    this.users = backend.call('users_list');
    this.env.then(
      (info) => (this.usersKind = info.kind),
      () => (this.users = null),
    );
    // Rejections are handled by whoever takes the promise; none is reported unhandled before.
    this.users.catch(() => undefined);
  }

  takeEnvironment(): Promise<EnvironmentInfo> | null {
    const p = this.env;
    this.env = null;
    return p;
  }

  /** The roster answer, if it is for `kind`. */
  takeUsers(kind: EnvironmentKind): Promise<UserRecord[]> | null {
    const p = this.usersKind === kind ? this.users : null;
    this.users = null;
    return p;
  }
}

export const BootContext = createContext<Boot | null>(null);
export const useBoot = (): Boot | null => useContext(BootContext);
