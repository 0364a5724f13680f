import { describe, expect, it } from 'vitest';
import { fakeUser } from './api/fake';
import { EMPTY_QUERY, distinct, queryRoster } from './rosterQuery';
import { STAGES } from './stages';

const FIRST = ['Ada', 'Grace', 'Nino', 'Jan'];
const LAST = ['Lovelace', 'Hopper', 'Nowak', 'Kowalski', 'Beridze'];

/** 10,000 rows, as many as the roster must stay quick with; newest first, as Rust sends them. */
const many = Array.from({ length: 10_000 }, (_, i) =>
  fakeUser({
    externalUserId: `ext-${i}`,
    firstName: FIRST[i % 4],
    lastName: LAST[i % 5],
    email: `${FIRST[i % 4].toLowerCase()}${i}@example.com`,
    country: ['PL', 'DE', 'GE'][i % 3],
    status: i % 2 ? 'ACTIVE' : 'WAITING_FOR_ACTIVATION',
    stage: STAGES[i % STAGES.length],
    createdAt: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(),
  }),
).reverse();

const ids = (rows: typeof many) => rows.map((u) => u.externalUserId);

describe('roster query over 10,000 users', () => {
  it('searches name, e-mail and id, every word, case-insensitively', () => {
    const rows = queryRoster(many, { ...EMPTY_QUERY, search: 'nino NOWAK' });
    expect(rows.length).toBe(500);
    expect(rows.every((u) => u.firstName === 'Nino' && u.lastName === 'Nowak')).toBe(true);
    expect(ids(queryRoster(many, { ...EMPTY_QUERY, search: 'ext-9999' }))).toEqual(['ext-9999']);
    expect(ids(queryRoster(many, { ...EMPTY_QUERY, search: 'grace5017@' }))).toEqual(['ext-5017']);
    expect(queryRoster(many, { ...EMPTY_QUERY, search: 'nobody' })).toEqual([]);
  });

  it('filters by stage, status and country together', () => {
    const rows = queryRoster(many, { ...EMPTY_QUERY, stage: 'identityDocuments', status: 'ACTIVE', country: 'GE' });
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((u) => u.stage === 'identityDocuments' && u.status === 'ACTIVE' && u.country === 'GE')).toBe(true);
    // Same rows as a plain scan of all three conditions.
    const expected = many.filter((u) => u.stage === 'identityDocuments' && u.status === 'ACTIVE' && u.country === 'GE');
    expect(rows.length).toBe(expected.length);
  });

  it('sorts by each column, both ways, ties in roster order', () => {
    expect(ids(queryRoster(many, EMPTY_QUERY)).slice(0, 2)).toEqual(['ext-9999', 'ext-9998']);
    expect(ids(queryRoster(many, { ...EMPTY_QUERY, descending: false })).slice(0, 2)).toEqual(['ext-0', 'ext-1']);
    const byName = queryRoster(many, { ...EMPTY_QUERY, sort: 'name', descending: false });
    expect(byName[0].lastName).toBe('Beridze');
    expect(byName.at(-1)?.lastName).toBe('Nowak');
    // Among equal names the newest comes first, as in the roster.
    expect(byName[0].createdAt > byName[1].createdAt).toBe(true);
    const byStage = queryRoster(many, { ...EMPTY_QUERY, sort: 'stage', descending: false });
    expect(byStage[0].stage).toBe('created');
    expect(byStage.at(-1)?.stage).toBe('deleted');
  });

  it('lists distinct values for the filter pickers', () => {
    expect(distinct(many, (u) => u.country)).toEqual(['DE', 'GE', 'PL']);
    expect(distinct(many, (u) => u.status)).toEqual(['ACTIVE', 'WAITING_FOR_ACTIVATION']);
  });
});
