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
  const records: CsvRecord[] = [];
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
  const endRecord = () => {
    endCell();
    if (!(cells.length === 1 && cells[0] === '' && !quoted)) records.push({ line: recordLine, cells });
    cells = [];
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
      endRecord();
      line++;
      recordLine = line;
    } else cell += ch;
  }
  if (inQuotes) throw new Error(`line ${recordLine}: a quoted field is not closed`);
  if (cell !== '' || cells.length > 0) endRecord();
  return records;
}

/** The delimiter of a table file: tab for `.tsv`/`.tab` or a header with tabs and no commas, else comma. */
export function detectDelimiter(file: string, firstLine: string): string {
  if (/\.(tsv|tab)(\.gz)?$/i.test(file)) return '\t';
  if (firstLine.includes('\t') && !firstLine.includes(',')) return '\t';
  return ',';
}
