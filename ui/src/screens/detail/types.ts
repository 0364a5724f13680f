import type { Country, UserRecord } from '../../api/bindings';

export interface PanelProps {
  record: UserRecord;
  /** Every mutating command answers with the new record: it replaces the shown one in place. */
  onUpdated: (record: UserRecord, message: string) => void;
}

export interface CountryProps {
  countries: Country[];
}
