/** A person's view of what each variant of a planned task executes (`plan --only ID --verbose`). */
import type { TaskArgv, VariantArgv } from './variant-argv.js';

interface ArgvTask {
  id: string;
  runnable: boolean;
  argv?: TaskArgv;
  findings?: Array<{ reason: string; source: string; blocking: boolean }>;
  engine_version?: string;
  parent_engine_version?: string;
}

/** Shell-style quoting that leaves `{host}`/`{port}` and ordinary words readable. */
function quote(words: readonly string[]): string {
  return words.map((w) => (/^[\w@%+=:,./{}-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`)).join(' ');
}

const VARIANT_ORDER = ['baseline', 'human', 'agent'] as const;

function envWords(env: Record<string, string>): string {
  const words = Object.entries(env).map(([k, v]) => `${k}=${quote([v])}`);
  return words.length ? `${words.join(' ')} ` : '';
}

function lines(v: VariantArgv): string[] {
  const out: string[] = [];
  if (v.server) out.push(`  server: ${envWords(v.env)}${quote(v.server)}`);
  out.push(`  client: ${envWords(v.env)}${quote(v.client)}`);
  out.push(`  client_from: ${v.client_from}`);
  return out;
}

export function renderArgvText(tasks: readonly ArgvTask[], opts: { markdown?: boolean } = {}): string {
  const out: string[] = [];
  for (const t of tasks) {
    if (!t.argv) continue;
    const versions = [
      t.engine_version ? `commit engine ${t.engine_version}` : '',
      t.parent_engine_version ? `parent engine ${t.parent_engine_version}` : '',
    ]
      .filter(Boolean)
      .join(', ');
    out.push(
      opts.markdown
        ? `#### \`${t.id}\`${versions ? ` (${versions})` : ''}`
        : `${t.id}${versions ? ` (${versions})` : ''}`,
    );
    if (opts.markdown) out.push('', '```');
    for (const variant of VARIANT_ORDER) {
      const v = t.argv[variant];
      if (!v) continue;
      out.push(`${variant}:`, ...lines(v));
    }
    if (opts.markdown) out.push('```', '');
    const notes = (t.findings ?? []).filter((f) => !f.blocking);
    for (const n of notes) out.push(`${opts.markdown ? '- ' : '  note: '}${n.reason} [${n.source}]`);
    out.push('');
  }
  return out.join('\n');
}
