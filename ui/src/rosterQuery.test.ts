import { describe, expect, it } from 'vitest';
import { EMPTY_QUERY, isFirstScreen, storeQuery } from './rosterQuery';

describe('the roster question', () => {
  it('goes to the store with "all" as null and the slice asked for', () => {
    expect(storeQuery({ ...EMPTY_QUERY, search: 'ola', country: 'PL' }, 200, 100)).toEqual({
      search: 'ola',
      stage: null,
      status: null,
      country: 'PL',
      sort: 'created',
      descending: true,
      offset: 200,
      limit: 100,
    });
  });

  it('knows the first screen, which boot asks for before the page is drawn', () => {
    expect(isFirstScreen(EMPTY_QUERY)).toBe(true);
    expect(isFirstScreen({ ...EMPTY_QUERY, search: 'a' })).toBe(false);
    expect(isFirstScreen({ ...EMPTY_QUERY, descending: false })).toBe(false);
  });
});
