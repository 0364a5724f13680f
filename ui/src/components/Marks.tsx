import { useCallback } from 'preact/hooks';
import { useBackend } from '../api/backend';
import type { AssigneeFilter, EnvironmentInfo, Tag, TagColour } from '../api/bindings';
import type { Option } from '../labels';
import { useLiveAnswer } from '../useRoster';
import { Select } from './Select';

/** The tag colours, in words, in the palette's order. */
export const TAG_COLOURS: ReadonlyArray<Option<TagColour>> = [
  { value: 'grey', label: 'Grey' },
  { value: 'red', label: 'Red' },
  { value: 'orange', label: 'Orange' },
  { value: 'yellow', label: 'Yellow' },
  { value: 'green', label: 'Green' },
  { value: 'teal', label: 'Teal' },
  { value: 'blue', label: 'Blue' },
  { value: 'purple', label: 'Purple' },
];

/**
 * "Whose users" as its select holds it: '' anyone's, `me`, `nobody`, or `operator:<name>`; and
 * the same as the store's filter.
 */
export function assigneeFilter(whose: string): AssigneeFilter | undefined {
  if (whose === 'me' || whose === 'nobody') return whose;
  if (whose.startsWith('operator:')) return { operator: whose.slice('operator:'.length) };
  return undefined;
}

function whoseOptions(operators: string[]): Array<Option<string>> {
  return [
    { value: 'me', label: 'Mine' },
    { value: 'nobody', label: 'Not assigned' },
    ...operators.map((o) => ({ value: `operator:${o}`, label: `Assigned to ${o}` })),
  ];
}

/** The team's tags and operators, reloaded as the roster changes (another operator's new tag). */
export function useMarks(env: EnvironmentInfo | null) {
  const backend = useBackend();
  const tags = useLiveAnswer(env, useCallback(() => backend.call('tags_list'), [backend]));
  const operators = useLiveAnswer(env, useCallback(() => backend.call('operators_list'), [backend]));
  return {
    tags: tags.answer ?? [],
    operators: operators.answer ?? [],
    error: tags.error ?? operators.error,
    reloadTags: tags.reload,
  };
}

/** One tag as a coloured chip (the colour's name for those who cannot see it). */
export function TagChip({ name, tags }: { name: string; tags: Tag[] }) {
  const colour = tags.find((t) => t.name === name)?.colour ?? 'grey';
  return (
    <span class={`tag tag-${colour}`} data-testid="tag-chip" data-tag={name} title={`${name} (${colour})`}>
      {name}
    </span>
  );
}

export function TagChips({ names, tags }: { names: string[]; tags: Tag[] }) {
  if (names.length === 0) return null;
  return (
    <span class="tags">
      {names.map((n) => (
        <TagChip key={n} name={n} tags={tags} />
      ))}
    </span>
  );
}

/** The tag and "whose" filters of the roster and the board. */
export function MarksFilters({
  prefix,
  tag,
  whose,
  onTag,
  onWhose,
  tags,
  operators,
}: {
  prefix: string;
  tag: string;
  whose: string;
  onTag: (tag: string) => void;
  onWhose: (whose: string) => void;
  tags: Tag[];
  operators: string[];
}) {
  return (
    <>
      <label>
        <span>Tag</span>
        <Select
          id={`${prefix}-tag`}
          name="tag"
          data-testid={`${prefix}-tag`}
          options={tags.map((t) => ({ value: t.name, label: t.name }))}
          placeholder="Any tag"
          value={tag}
          onChange={onTag}
        />
      </label>
      <label>
        <span>Assigned</span>
        <Select
          id={`${prefix}-whose`}
          name="whose"
          data-testid={`${prefix}-whose`}
          options={whoseOptions(operators)}
          placeholder="Anyone's"
          value={whose}
          onChange={onWhose}
        />
      </label>
    </>
  );
}
