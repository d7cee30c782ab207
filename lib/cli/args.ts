/**
 * A small, strict command-line parser: every flag declared, every value validated, and the
 * parsed options typed from the declarations. Declare a tool's flags with `flags([...])` and
 * `runCli` hands its body an object whose every field has the flag's type: a number for
 * 'int'/'number', a string (or the union of its `choices`) for 'string', a boolean for
 * 'boolean', a list for a repeatable flag, and `undefined` allowed unless it has a default.
 */

export type FlagType = 'string' | 'int' | 'number' | 'boolean';

export interface FlagSpec<N extends string = string> {
  name: N;
  /** 'boolean' flags take no value. */
  type: FlagType;
  help: string;
  default?: string | number | boolean;
  /** Accepted values (strings). */
  choices?: readonly string[];
  min?: number;
  max?: number;
  /** Other spellings accepted (e.g. tutorial 003's `--DatasetPath`). */
  aliases?: readonly string[];
  /** May be given more than once: the value is then the list of every one given. */
  repeatable?: boolean;
  /** Internal (e.g. a tool calling itself): accepted but left out of --help. */
  hidden?: boolean;
}

export type ParsedArgs = Record<string, string | number | boolean | Array<string | number> | undefined>;

/** The value of one flag: its type, narrowed to its choices, a list when repeatable. */
type OneValue<S> = S extends { type: 'boolean' } ? boolean
  : S extends { type: 'string'; choices: readonly (infer C)[] } ? C
  : S extends { type: 'string' } ? string : number;
type FlagValue<S> = S extends { repeatable: true } ? Array<OneValue<S>> : OneValue<S>;
/** The options object of a list of flag declarations (`help` is always there). */
export type FlagsOf<Specs extends readonly FlagSpec[]> = {
  [S in Specs[number] as S['name']]: S extends { default: string | number | boolean } ? FlagValue<S> : FlagValue<S> | undefined;
} & { help?: boolean };

/** Declares a tool's flags, keeping each one's name, type and choices for `FlagsOf`. */
export function flags<const Specs extends readonly FlagSpec[]>(specs: Specs): Specs {
  return specs;
}

export function usage(command: string, specs: readonly FlagSpec[]): string {
  const lines = specs.filter((s) => !s.hidden).map((s) => {
    const arg = s.type === 'boolean' ? '' : s.choices ? ` <${s.choices.join('|')}>` : ` <${s.type === 'string' ? 'value' : s.type}>`;
    const def = s.default !== undefined && s.type !== 'boolean' ? ` (default ${s.default})` : '';
    const also = s.aliases?.length ? ` [also ${s.aliases.map((a) => `--${a}`).join(', ')}]` : '';
    const again = s.repeatable ? ' (repeatable)' : '';
    return `  --${s.name}${arg}\n      ${s.help}${def}${also}${again}`;
  });
  return `Usage: ${command} [options]\n\nOptions:\n${lines.join('\n')}\n  --help\n      Show this help.`;
}

/** Parses argv; throws an Error whose message names the flag, the bad value and what is accepted. */
export function parseArgs(argv: string[], specs: readonly FlagSpec[]): ParsedArgs {
  const out: ParsedArgs = {};
  for (const s of specs) out[s.name] = s.default;
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i];
    if (token === '--help' || token === '-h') {
      out.help = true;
      continue;
    }
    if (!token.startsWith('--')) throw new Error(`Unexpected argument "${token}": options start with --. Run with --help for the list.`);
    const [given, inline] = token.slice(2).split(/=(.*)/s, 2);
    const spec = specs.find((s) => s.name === given || s.aliases?.includes(given));
    if (!spec) throw new Error(`Unknown option --${given}. Run with --help for the list.`);
    const name = spec.name;
    if (spec.type === 'boolean') {
      if (inline !== undefined && !['true', 'false'].includes(inline)) throw new Error(`--${name} takes no value or =true / =false; got "${inline}".`);
      out[name] = inline === undefined ? true : inline === 'true';
      continue;
    }
    const raw = inline ?? argv[++i];
    if (raw === undefined || (inline === undefined && raw.startsWith('--'))) throw new Error(`--${name} needs a value (${spec.help}).`);
    if (spec.choices && !spec.choices.includes(raw)) throw new Error(`--${name} must be one of ${spec.choices.join(', ')}; got "${raw}".`);
    const store = (value: string | number) => {
      if (!spec.repeatable) out[name] = value;
      else out[name] = [...(Array.isArray(out[name]) ? (out[name] as Array<string | number>) : []), value];
    };
    if (spec.type === 'string') {
      store(raw);
      continue;
    }
    const value = Number(raw);
    if (!Number.isFinite(value) || (spec.type === 'int' && !Number.isInteger(value))) throw new Error(`--${name} must be ${spec.type === 'int' ? 'an integer' : 'a number'}; got "${raw}".`);
    if (spec.min !== undefined && value < spec.min) throw new Error(`--${name} must be at least ${spec.min}; got ${raw}.`);
    if (spec.max !== undefined && value > spec.max) throw new Error(`--${name} must be at most ${spec.max}; got ${raw}.`);
    store(value);
  }
  return out;
}

export interface CliOptions {
  /** Flags without which the command only prints its usage and exits with status 2. */
  required?: string[];
  /** Groups of flags of which at least one must be given (e.g. --run or --samples). */
  oneOf?: string[][];
}

/**
 * The shape every command-line tool here shares: parse the flags, print usage on --help (or
 * when a required flag is missing), run `body`, and turn any error into one line on stderr
 * and exit status 1 instead of a stack trace.
 */
export function runCli<const Specs extends readonly FlagSpec[]>(command: string, specs: Specs, body: (args: FlagsOf<Specs>) => Promise<void>, options: CliOptions = {}): void {
  const main = async (): Promise<void> => {
    const args = parseArgs(process.argv.slice(2), specs);
    const missing = [
      ...(options.required ?? []).filter((name) => args[name] === undefined).map((name) => `--${name}`),
      ...(options.oneOf ?? []).filter((group) => group.every((name) => args[name] === undefined)).map((group) => group.map((n) => `--${n}`).join(' or ')),
    ];
    if (args.help || missing.length > 0) {
      console.log(usage(command, specs));
      if (!args.help) {
        console.error(`\nMissing ${missing.join(', ')}.`);
        process.exitCode = 2;
      }
      return;
    }
    await body(args as FlagsOf<Specs>);
  };
  main().catch((err) => {
    console.error(`Error: ${err instanceof Error ? err.message : err}`);
    process.exit(1);
  });
}
