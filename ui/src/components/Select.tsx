import type { Option } from '../labels';
import type { ControlProps } from './Field';

interface Props<T extends string> extends ControlProps {
  options: ReadonlyArray<Option<T>>;
  value: T | '';
  onChange: (value: T | '') => void;
  /** The empty first choice; leave out when a value is always chosen. */
  placeholder?: string;
  disabled?: boolean;
}

/** A select over one of the API's enums: labels for the eye, enum values on the wire. */
export function Select<T extends string>({ options, value, onChange, placeholder, ...control }: Props<T>) {
  return (
    <select {...control} value={value} onChange={(e) => onChange(e.currentTarget.value as T | '')}>
      {placeholder !== undefined && <option value="">{placeholder}</option>}
      {options.map((o) => (
        <option key={o.value} value={o.value}>
          {o.label}
        </option>
      ))}
    </select>
  );
}
