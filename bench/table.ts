/**
 * Plain-text tables and the few statistics the benchmarks quote. Medians, never means: a benchmark machine
 * is often shared and noisy, and one slow outlier must not move a figure.
 */

/** The median of a non-empty list (the mean of the two middle values for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

export function min(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : Math.min(...values);
}

export function max(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : Math.max(...values);
}

/** Milliseconds as people read them: `7 ms`, `1.42 s`, `4 min 03 s`. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return "–";
  const sign = ms < 0 ? "-" : "";
  const abs = Math.abs(ms);
  if (abs < 1_000) return `${sign}${Math.round(abs)} ms`;
  if (abs < 60_000) return `${sign}${(abs / 1_000).toFixed(abs < 10_000 ? 2 : 1)} s`;
  const minutes = Math.floor(abs / 60_000);
  const seconds = Math.round((abs - minutes * 60_000) / 1_000);
  return `${sign}${minutes} min ${String(seconds).padStart(2, "0")} s`;
}

/** Bytes in binary units: `812 B`, `3.4 KiB`, `61.2 MiB`. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return "–";
  if (bytes < 1024) return `${Math.round(bytes)} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
}

/** A median with its range, for a cell: `12 ms (9–15 ms)`; a single value alone. */
export function formatSpread(values: readonly number[], format: (value: number) => string = formatMs): string {
  if (values.length === 0) return "–";
  if (values.length === 1) return format(values[0] as number);
  return `${format(median(values))} (${format(min(values))}–${format(max(values))})`;
}

/**
 * A Markdown table (pipes and a separator row), so the printed output can be pasted into
 * docs/benchmarks.md as it is, and still lines up in a terminal.
 */
export function renderTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => (row[column] ?? "").length)));
  const line = (cells: readonly string[]): string => `| ${widths.map((width, column) => (cells[column] ?? "").padEnd(width)).join(" | ")} |`;
  return [line(headers), `| ${widths.map((width) => "-".repeat(width)).join(" | ")} |`, ...rows.map(line)].join("\n");
}

/** Prints a section heading the way Markdown reads it. */
export function heading(level: 2 | 3, text: string): string {
  return `\n${"#".repeat(level)} ${text}\n`;
}
