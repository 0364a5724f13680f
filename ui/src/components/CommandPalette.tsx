import { useEffect, useMemo, useState } from 'preact/hooks';
import { useBackend } from '../api/backend';
import type { UserRecord } from '../api/bindings';
import { displayName } from '../format';
import { EMPTY_QUERY, storeQuery } from '../rosterQuery';
import { Dialog } from './Dialog';

/** Something the palette can do: go somewhere, open a form, switch the environment. */
export interface Command {
  id: string;
  label: string;
  run: () => void;
}

/** Users offered for the typed text: a handful, as in the roster's search. */
const USER_RESULTS = 6;
/** Typing is not asked of the store key by key. */
const USER_SEARCH_MS = 120;

type Item = { kind: 'command'; command: Command } | { kind: 'user'; user: UserRecord };

const itemId = (item: Item) => (item.kind === 'command' ? `palette-${item.command.id}` : `palette-user-${item.user.externalUserId}`);

/** Every word typed appears in the label, in any order, any case. */
export function matchesWords(label: string, text: string): boolean {
  const hay = label.toLowerCase();
  return text
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .every((w) => hay.includes(w));
}

/**
 * Ctrl+K: one box to go anywhere and open any user by keyboard. The commands that match the
 * typed words come first, then the users the roster's search finds; arrows move, Enter runs,
 * Escape closes. The input is a combobox over a listbox, so a screen reader hears the option.
 */
export function CommandPalette({
  commands,
  onOpenUser,
  onClose,
}: {
  commands: Command[];
  onOpenUser: (user: UserRecord) => void;
  onClose: () => void;
}) {
  const backend = useBackend();
  const [text, setText] = useState('');
  const [users, setUsers] = useState<UserRecord[]>([]);
  const [active, setActive] = useState(0);

  useEffect(() => {
    const search = text.trim();
    if (!search) {
      setUsers([]);
      return;
    }
    let stale = false;
    const timer = setTimeout(() => {
      backend.call('users_query', { query: storeQuery({ ...EMPTY_QUERY, search }, 0, USER_RESULTS) }).then(
        (page) => !stale && setUsers(page.rows.filter((u) => u.deletedAt === null)),
        // The palette still goes places when the store cannot answer; the roster shows the error.
        () => !stale && setUsers([]),
      );
    }, USER_SEARCH_MS);
    return () => {
      stale = true;
      clearTimeout(timer);
    };
  }, [backend, text]);

  const items = useMemo<Item[]>(
    () => [
      ...commands.filter((c) => matchesWords(c.label, text)).map((command) => ({ kind: 'command' as const, command })),
      ...users.map((user) => ({ kind: 'user' as const, user })),
    ],
    [commands, text, users],
  );
  const current = Math.min(active, items.length - 1);

  const run = (item: Item) => {
    onClose();
    if (item.kind === 'command') item.command.run();
    else onOpenUser(item.user);
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      if (items.length === 0) return;
      const step = e.key === 'ArrowDown' ? 1 : -1;
      setActive((current + step + items.length) % items.length);
    } else if (e.key === 'Enter') {
      e.preventDefault();
      if (items[current]) run(items[current]);
    }
  };

  useEffect(() => {
    const item = items[current];
    // (jsdom, the unit tests' page, does not scroll.)
    if (item) document.getElementById(itemId(item))?.scrollIntoView?.({ block: 'nearest' });
  }, [items, current]);

  return (
    <Dialog labelledBy="palette-title" onClose={onClose} modal testId="palette" class="palette">
      <h2 id="palette-title" class="visually-hidden">
        Command palette
      </h2>
      <input
        type="text"
        role="combobox"
        aria-label="Go to, do, or find a user"
        aria-expanded="true"
        aria-controls="palette-list"
        aria-autocomplete="list"
        aria-activedescendant={items[current] ? itemId(items[current]) : undefined}
        placeholder="Go to, do, or find a user…"
        autoComplete="off"
        spellcheck={false}
        data-testid="palette-input"
        value={text}
        onInput={(e) => {
          setText(e.currentTarget.value);
          setActive(0);
        }}
        onKeyDown={onKeyDown}
      />
      <div id="palette-list" role="listbox" aria-label="Results" class="palette-list" data-testid="palette-list">
        {items.length === 0 && (
          <p class="muted palette-none">Nothing matches “{text}”</p>
        )}
        {items.map((item, i) => (
          // The input keeps the focus (aria-activedescendant); a click is the mouse's way in.
          // eslint-disable-next-line jsx-a11y-x/click-events-have-key-events -- Enter in the input runs it
          <div
            key={itemId(item)}
            id={itemId(item)}
            role="option"
            tabIndex={-1}
            aria-selected={i === current}
            class={`palette-item${i === current ? ' active' : ''}`}
            data-testid="palette-item"
            onMouseMove={() => i !== current && setActive(i)}
            onClick={() => run(item)}
          >
            {item.kind === 'command' ? (
              item.command.label
            ) : (
              <>
                <span>Open {displayName(item.user)}</span>
                <span class="muted palette-hint">{item.user.email ?? item.user.externalUserId}</span>
              </>
            )}
          </div>
        ))}
      </div>
      <p class="hint palette-keys">↑ ↓ to move · Enter to go · Esc to close · / searches the users</p>
    </Dialog>
  );
}
