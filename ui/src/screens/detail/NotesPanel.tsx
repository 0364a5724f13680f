import { useEffect, useState } from 'preact/hooks';
import { toCommandError, useBackend } from '../../api/backend';
import type { CommandError, Tag, TagColour, TimelineEvent } from '../../api/bindings';
import { ErrorBanner } from '../../components/ErrorBanner';
import { Field } from '../../components/Field';
import { TAG_COLOURS, TagChip } from '../../components/Marks';
import { Select } from '../../components/Select';
import { When } from '../../components/When';
import type { PanelProps } from './types';

type Noted = Extract<TimelineEvent, { kind: 'noted' }>;

/** A failed command: its field's message where it names one, else the banner. */
interface Failure {
  error: CommandError;
  field: string | null;
}

const fieldError = (f: Failure | null, field: string) =>
  f?.field === field ? (f.error.fields.find((x) => x.field === field)?.message ?? f.error.message) : undefined;

/**
 * What operators write on a user for each other (team mode shares it through the hub): who the
 * user is assigned to, coloured tags, and notes with their author and time. Nothing here goes to
 * P100; each change is on the timeline and in the journal.
 */
export function NotesPanel({ record, onUpdated }: PanelProps) {
  const backend = useBackend();
  const ext = record.externalUserId;
  const [tags, setTags] = useState<Tag[]>([]);
  const [operators, setOperators] = useState<string[]>([]);
  const [notes, setNotes] = useState<Noted[]>([]);
  const [text, setText] = useState('');
  const [newTag, setNewTag] = useState('');
  const [colour, setColour] = useState<TagColour>('blue');
  const [failure, setFailure] = useState<Failure | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let stale = false;
    Promise.all([backend.call('tags_list'), backend.call('operators_list')]).then(
      ([t, o]) => {
        if (stale) return;
        setTags(t);
        setOperators(o);
      },
      (e) => !stale && setFailure({ error: toCommandError(e), field: null }),
    );
    return () => {
      stale = true;
    };
  }, [backend]);

  useEffect(() => {
    let stale = false;
    backend.call('user_timeline', { externalUserId: ext }).then(
      (events) => !stale && setNotes(events.filter((e): e is Noted => e.kind === 'noted').reverse()),
      (e) => !stale && setFailure({ error: toCommandError(e), field: null }),
    );
    return () => {
      stale = true;
    };
  }, [backend, ext, record.updatedAt]);

  /** Runs one change; what the operator typed stays when it fails. */
  const run = async (change: () => Promise<void>) => {
    setBusy(true);
    setFailure(null);
    try {
      await change();
    } catch (e) {
      const error = toCommandError(e);
      setFailure({ error, field: error.field });
    }
    setBusy(false);
  };

  const setUserTags = (names: string[], message: string) =>
    run(async () => {
      onUpdated(await backend.call('user_tags_set', { externalUserId: ext, tags: names }), message);
    });

  const addNote = (e: Event) => {
    e.preventDefault();
    void run(async () => {
      const updated = await backend.call('user_note_add', { externalUserId: ext, text });
      setText('');
      onUpdated(updated, 'Note added');
    });
  };

  const defineAndTag = (e: Event) => {
    e.preventDefault();
    void run(async () => {
      const all = await backend.call('tag_save', { name: newTag, colour });
      setTags(all);
      const made = all.find((t) => t.name.toLowerCase() === newTag.trim().replace(/\s+/g, ' ').toLowerCase());
      setNewTag('');
      if (made && !record.tags.includes(made.name)) {
        onUpdated(
          await backend.call('user_tags_set', { externalUserId: ext, tags: [...record.tags, made.name] }),
          `Tagged ${made.name}`,
        );
      }
    });
  };

  return (
    <section class="panel notes-panel" aria-labelledby="notes-title" data-testid="notes-panel">
      <h2 id="notes-title">Notes and tags</h2>
      <ErrorBanner error={failure && !failure.field ? failure.error : null} testId="notes-error" />
      <div class="grid-form">
        <Field prefix="notes" name="operator" label="Assigned to" error={fieldError(failure, 'operator')}>
          {(control) => (
            <Select
              {...control}
              options={operators.map((o) => ({ value: o, label: o }))}
              placeholder="Nobody"
              value={record.assignee ?? ''}
              disabled={busy}
              onChange={(o) =>
                void run(async () => {
                  const updated = await backend.call('user_assign', { externalUserId: ext, operator: o || null });
                  onUpdated(updated, o ? `Assigned to ${o}` : 'Unassigned');
                })
              }
            />
          )}
        </Field>
      </div>
      <fieldset class="tag-picker" data-testid="tag-picker">
        <legend>Tags</legend>
        {tags.length === 0 && <p class="muted">No tags yet: define the first below.</p>}
        {tags.map((t) => {
          const on = record.tags.includes(t.name);
          return (
            <label key={t.name} class="tag-option">
              <input
                type="checkbox"
                data-testid="tag-toggle"
                data-tag={t.name}
                checked={on}
                disabled={busy}
                onChange={() =>
                  void setUserTags(
                    on ? record.tags.filter((n) => n !== t.name) : [...record.tags, t.name],
                    on ? `Removed the tag ${t.name}` : `Tagged ${t.name}`,
                  )
                }
              />
              <TagChip name={t.name} tags={tags} />
            </label>
          );
        })}
        {fieldError(failure, 'tags') && (
          <p class="field-error" data-testid="notes-error-tags">
            {fieldError(failure, 'tags')}
          </p>
        )}
      </fieldset>
      <form class="grid-form" onSubmit={defineAndTag} noValidate>
        <Field prefix="notes" name="name" label="New tag" hint="Letters, digits, spaces, - and _; at most 32" error={fieldError(failure, 'name')}>
          {(control) => <input {...control} maxLength={32} value={newTag} onInput={(e) => setNewTag(e.currentTarget.value)} />}
        </Field>
        <Field prefix="notes" name="colour" label="Colour">
          {(control) => <Select {...control} options={TAG_COLOURS} value={colour} onChange={(c) => c && setColour(c)} />}
        </Field>
        <div class="actions span-all">
          <button type="submit" class="secondary" data-testid="tag-define" disabled={busy}>
            Add tag to this user
          </button>
        </div>
      </form>
      <form class="grid-form" onSubmit={addNote} noValidate>
        <Field prefix="notes" name="text" label="Note" hint="For the team; never sent to P100. At most 2,000 characters" error={fieldError(failure, 'text')}>
          {(control) => (
            <textarea {...control} rows={3} maxLength={2000} value={text} onInput={(e) => setText(e.currentTarget.value)} />
          )}
        </Field>
        <div class="actions span-all">
          <button type="submit" class="primary" data-testid="note-add" disabled={busy}>
            Add note
          </button>
        </div>
      </form>
      {notes.length > 0 && (
        <ol class="notes" data-testid="notes">
          {notes.map((n) => (
            <li key={n.id} data-testid="note">
              <p class="note-text">{n.detail.text}</p>
              <span class="muted">
                {n.actor || 'this desk'} · <When iso={n.at} />
              </span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
