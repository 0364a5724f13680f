import { describe, expect, it } from 'vitest';
import type { Transaction } from './api/bindings';
import { csvCell, toCsv } from './csv';

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
