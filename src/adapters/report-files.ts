/** The report written as files, atomically: report.json, report.md, report.html. */
import { join } from 'node:path';
import { writeFileAtomic } from './files.js';
import type { Report } from '../core/report/report.js';
import { renderMarkdown, type MarkdownOptions } from '../core/report/report-markdown.js';
import { renderHtml } from '../core/report/report-html.js';

export type ReportFormat = 'json' | 'md' | 'html';
const REPORT_FORMATS: readonly ReportFormat[] = ['json', 'md', 'html'];

export interface WriteReportsOptions {
  formats?: readonly ReportFormat[];
  markdown?: MarkdownOptions;
}

export async function writeReports(
  dir: string,
  report: Report,
  opts: WriteReportsOptions = {},
): Promise<Record<ReportFormat, string | undefined>> {
  const formats = opts.formats ?? REPORT_FORMATS;
  const written: Record<ReportFormat, string | undefined> = { json: undefined, md: undefined, html: undefined };
  for (const format of formats) {
    const path = join(dir, `report.${format}`);
    const content =
      format === 'json'
        ? JSON.stringify(report, null, 2) + '\n'
        : format === 'md'
          ? renderMarkdown(report, opts.markdown)
          : renderHtml(report);
    await writeFileAtomic(path, content);
    written[format] = path;
  }
  return written;
}
