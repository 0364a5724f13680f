import { describe, expect, it } from 'vitest';
import { fakeUser } from './fake';
import { answerBoard, answerFacets, answerRoster } from './fakeRoster';
import { EMPTY_QUERY, storeQuery } from '../rosterQuery';
import { STAGES } from '../stages';

// The fake's store answers as the real one does (Rust's conformance suite holds SQLite and
// PostgreSQL to it), so the screens' tests mean something.
const FIRST = ['Ada', 'Grace', 'Nino', 'Jan'];
const LAST = ['Lovelace', 'Hopper', 'Nowak', 'Kowalski', 'Beridze'];
const many = Array.from({ length: 1000 }, (_, i) =>
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
const ask = (patch: Partial<typeof EMPTY_QUERY>, offset = 0, limit = 100) =>
  answerRoster(many, storeQuery({ ...EMPTY_QUERY, ...patch }, offset, limit));
const ids = (rows: typeof many) => rows.map((u) => u.externalUserId);

describe('the fake store', () => {
  it('searches every word, any case; counts what matches; pages', () => {
    const page = ask({ search: 'nino NOWAK' }, 10, 5);
    expect(page.total).toBe(1000);
    expect(page.matching).toBe(50);
    expect(page.offset).toBe(10);
    expect(page.rows.length).toBe(5);
    expect(page.rows.every((u) => u.firstName === 'Nino' && u.lastName === 'Nowak')).toBe(true);
    expect(ids(ask({ search: 'grace517@' }).rows)).toEqual(['ext-517']);
  });

  it('filters and sorts, ties newest first', () => {
    const rows = ask({ stage: 'identityDocuments', status: 'ACTIVE', country: 'GE' }, 0, 500).rows;
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((u) => u.stage === 'identityDocuments' && u.status === 'ACTIVE' && u.country === 'GE')).toBe(true);
    expect(ids(ask({}).rows.slice(0, 2))).toEqual(['ext-999', 'ext-998']);
    const byName = ask({ sort: 'name', descending: false }).rows;
    expect(byName[0].lastName).toBe('Beridze');
    expect(byName[0].createdAt > byName[1].createdAt).toBe(true);
  });

  it('answers the board and the filters values', () => {
    const board = answerBoard(many);
    expect(board.map((c) => c.stage)).toEqual(STAGES);
    expect(board.reduce((n, c) => n + c.count, 0)).toBe(1000);
    expect(board[0].cards.length).toBe(25);
    expect(answerFacets(many)).toEqual({ statuses: ['ACTIVE', 'WAITING_FOR_ACTIVATION'], countries: ['DE', 'GE', 'PL'] });
  });
});
