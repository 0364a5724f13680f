import type { UserProfile } from './api/bindings';

/** UserProfile's fields in the order the forms show them (and focus the first error). */
export const PROFILE_FIELDS = [
  'email',
  'phone',
  'firstName',
  'lastName',
  'street',
  'number',
  'city',
  'postCode',
  'country',
  'citizenship',
  'nationality',
  'birthCountry',
  'birthDate',
  'userIdentificationNumber',
] as const satisfies ReadonlyArray<keyof UserProfile>;

export type ProfileField = (typeof PROFILE_FIELDS)[number];
