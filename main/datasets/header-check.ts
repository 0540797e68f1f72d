/** A cell that reads as a number (the CSV decoder's own notion of a numeric cell). */
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * The header cells of a table that look like numbers, where a header should hold column names: a sign
 * that the first line is data or a count line (scikit-learn's iris.csv starts `150,4,setosa,…`), so the
 * columns got numbers for names and the line itself was lost as a sample. Names that are exactly the
 * column positions 0, 1, 2, … (pandas' default names, `DataFrame(x).to_csv()`) are not reported.
 * @param columns the header's cells (e.g. the feature column names of a CSV import)
 * @returns the numeric-looking cells in header order; empty when none (or only positional names)
 */
export function numericHeaderCells(columns: readonly string[]): string[] {
  const numeric = columns.filter((c) => NUMBER.test(c.trim()));
  const positional = numeric.length === columns.length && columns.every((c, i) => c.trim() === String(i));
  return positional ? [] : numeric;
}
