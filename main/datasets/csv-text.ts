/** One parsed CSV record with the 1-based line it starts on. */
export interface CsvRecord {
  line: number;
  cells: string[];
}

/**
 * Splits delimited text into records (RFC 4180: fields may be double-quoted, `""` inside quotes is a
 * quote, quoted fields may span lines; `\r\n` and `\n` end records). Blank lines are skipped. Cells
 * are trimmed of surrounding spaces outside quotes.
 * @throws Error with the line number when a quoted field is not closed
 */
export function parseDelimited(text: string, delimiter: string): CsvRecord[] {
  return Array.from(delimitedRecords(text, delimiter));
}

/**
 * The records of delimited text one at a time (same rules as {@link parseDelimited}), so a caller can
 * pause between them.
 * @throws Error with the line number when a quoted field is not closed (when the iteration reaches the end)
 */
export function* delimitedRecords(text: string, delimiter: string): Generator<CsvRecord, void, undefined> {
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let inQuotes = false;
  let line = 1;
  let recordLine = 1;
  const endCell = () => {
    cells.push(quoted ? cell : cell.trim());
    cell = '';
    quoted = false;
  };
  const endRecord = (): CsvRecord | null => {
    endCell();
    const record = cells.length === 1 && cells[0] === '' && !quoted ? null : { line: recordLine, cells };
    cells = [];
    return record;
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (inQuotes) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else inQuotes = false;
      } else {
        if (ch === '\n') line++;
        cell += ch;
      }
      continue;
    }
    if (ch === '"' && cell.trim() === '') {
      inQuotes = true;
      quoted = true;
      cell = '';
    } else if (ch === delimiter) endCell();
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      const record = endRecord();
      line++;
      recordLine = line;
      if (record) yield record;
    } else cell += ch;
  }
  if (inQuotes) throw new Error(`line ${recordLine}: a quoted field is not closed`);
  if (cell !== '' || cells.length > 0) {
    const record = endRecord();
    if (record) yield record;
  }
}

/**
 * An upper bound on the number of records after the first line: the count of line ends (`\n`, or `\r`
 * in a file without `\n`). Exact for files without blank lines or multi-line quoted fields.
 */
export function dataLineBound(text: string): number {
  const count = (ch: string): number => {
    let n = 0;
    for (let i = text.indexOf(ch); i >= 0; i = text.indexOf(ch, i + 1)) n++;
    return n;
  };
  const lf = count('\n');
  const ends = lf > 0 ? lf : count('\r');
  return text.length > 0 && !/[\r\n]$/.test(text) ? ends : Math.max(0, ends - 1);
}

/** The delimiter of a table file: tab for `.tsv`/`.tab` or a header with tabs and no commas, else comma. */
export function detectDelimiter(file: string, firstLine: string): string {
  if (/\.(tsv|tab)(\.gz)?$/i.test(file)) return '\t';
  if (firstLine.includes('\t') && !firstLine.includes(',')) return '\t';
  return ',';
}
