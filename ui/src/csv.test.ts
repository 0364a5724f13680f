import { describe, expect, it } from 'vitest';
import type { Transaction } from './api/bindings';
import { csvCell, journalCsv, toCsv } from './csv';

const tx = (overrides: Partial<Transaction> = {}): Transaction => ({
  id: 'tx-1',
  createdAt: '2025-03-04T05:06:07Z',
  type: 'DEPOSIT',
  status: 'COMPLETED',
  currency: 'eur',
  amount: '10.50',
  description: 'Top up',
  ...overrides,
});

describe('toCsv', () => {
  it('writes the header row and one line per transaction, CRLF-terminated', () => {
    expect(toCsv([tx(), tx({ id: 'tx-2', type: 'FEE', amount: '0.99', description: 'Card fee' })])).toBe(
      'id,createdAt,type,status,currency,amount,description\r\n' +
        'tx-1,2025-03-04T05:06:07Z,DEPOSIT,COMPLETED,eur,10.50,Top up\r\n' +
        'tx-2,2025-03-04T05:06:07Z,FEE,COMPLETED,eur,0.99,Card fee\r\n',
    );
  });

  it('writes only the header for no transactions', () => {
    expect(toCsv([])).toBe('id,createdAt,type,status,currency,amount,description\r\n');
  });

  it('quotes cells with commas, quotes or line breaks and doubles the quotes', () => {
    const line = toCsv([tx({ description: 'Rent, "March"\nflat 2' })]).split('\r\n')[1];
    expect(line).toBe('tx-1,2025-03-04T05:06:07Z,DEPOSIT,COMPLETED,eur,10.50,"Rent, ""March""\nflat 2"');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\r\nlines')).toBe('"two\r\nlines"');
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('')).toBe('');
  });

  it('defuses cells a spreadsheet would run as a formula', () => {
    expect(csvCell('=HYPERLINK("http://evil")')).toBe(`"'=HYPERLINK(""http://evil"")"`);
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('-1')).toBe("'-1");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('1+1')).toBe('1+1');
  });
});

describe('journalCsv', () => {
  it('writes every journal column, empty cells for what is unknown, formulas defused', () => {
    const csv = journalCsv([
      {
        id: 1,
        at: '2026-11-26T01:00:00.000Z',
        operator: 'ops',
        environment: 'sandbox',
        operation: 'suspendUser',
        target: 'ext-1',
        outcome: 'error',
        p100Code: 'P454',
        httpStatus: 400,
        durationMs: 12,
        message: '=HYPERLINK("x"), "active cards"',
      },
      {
        id: 2,
        at: '2026-11-26T01:00:01.000Z',
        operator: 'ops',
        environment: 'production',
        operation: 'createUser',
        target: null,
        outcome: 'ok',
        p100Code: null,
        httpStatus: null,
        durationMs: 80,
        message: null,
      },
    ]);
    expect(csv).toBe(
      'at,operator,environment,operation,target,outcome,p100Code,httpStatus,durationMs,message\r\n' +
        `2026-11-26T01:00:00.000Z,ops,sandbox,suspendUser,ext-1,error,P454,400,12,"'=HYPERLINK(""x""), ""active cards"""\r\n` +
        '2026-11-26T01:00:01.000Z,ops,production,createUser,,ok,,,80,\r\n',
    );
  });
});
