import { parse } from 'csv-parse/sync';
import { CSV_BOM, csvCell, csvLine, toCsv } from '../../src/lib/csv';

const roundTrip = (cells: string[]) => parse(csvLine(cells), { record_delimiter: '\r\n' })[0] as string[];

describe('CSV cells (RFC 4180, spreadsheet-safe)', () => {
  it.each(['=1+2', '+31 6 1234', '-2+3', '@SUM(A1)', '\tx', '\rx'])(
    'neutralises %j with a leading apostrophe',
    (value) => {
      expect(roundTrip([value])).toEqual([`'${value}`]);
    },
  );

  it('quotes commas, quotes and line breaks and doubles quotes', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\r\nlines')).toBe('"two\r\nlines"');
    expect(roundTrip(['a,b', 'say "hi"', 'two\nlines', 'ไทย'])).toEqual([
      'a,b',
      'say "hi"',
      'two\nlines',
      'ไทย',
    ]);
  });

  it('leaves plain values, numbers and empty cells alone', () => {
    expect(csvLine(['abc', 12, null, undefined, true, '1250.50'])).toBe('abc,12,,,true,1250.50\r\n');
  });

  it('writes a BOM, a header and CRLF after every record', () => {
    expect(toCsv(['a', 'b'], [{ a: '1', b: '=x' }])).toBe(`${CSV_BOM}a,b\r\n1,"'=x"\r\n`);
  });
});
