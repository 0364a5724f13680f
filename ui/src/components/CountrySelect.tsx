import type { Country } from '../api/bindings';
import type { ControlProps } from './Field';

interface Props extends ControlProps {
  countries: Country[];
  value: string;
  onChange: (code: string) => void;
}

export function CountrySelect({ countries, value, onChange, ...control }: Props) {
  return (
    <select {...control} value={value} onChange={(e) => onChange(e.currentTarget.value)}>
      <option value="">Choose…</option>
      {countries.map((c) => (
        <option key={c.code} value={c.code}>
          {c.name} ({c.code})
        </option>
      ))}
    </select>
  );
}
