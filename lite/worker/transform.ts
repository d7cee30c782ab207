/**
 * One notebook cell of TypeScript turned into the body of an async function, with tslab's
 * semantics (issue 32; docs/plans/jupyterlite-kernel.md, section 2.3):
 *
 * - types are erased by the TypeScript compiler's own `transpileModule` (no type check: that
 *   stays tslab's job in CI);
 * - a top-level declaration lives on in later cells, and a later cell may declare it again:
 *   each declared name is copied to `globalThis` right after its statement (so what ran before
 *   an error is kept, as in tslab) and again at the end of the cell (so a reassignment counts);
 * - `import` forms and `require`/`import()` calls go through the kernel's module registry
 *   (`__k.import`, `__k.importDefault`, `__k.require`), never to a network address;
 * - top-level `await` works, because the cell is the body of an async function;
 * - the value of a last expression statement is returned as `{ value }` (tslab prints it).
 *
 * Pure: it needs only the `typescript` package, so it runs in Node for tests and in the kernel's
 * Web Worker alike.
 */
import ts from 'typescript';

export interface TransformedCell {
  /** The body of `new AsyncFunction('__k', body)`. */
  body: string;
  /** Top-level names the cell declares (copied to globalThis). */
  declared: string[];
}

/** The name the cell's function receives the kernel's registry under. */
export const KERNEL_PARAMETER = '__k';

const COMPILER_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  esModuleInterop: true,
  isolatedModules: true,
  // Keep every import: a cell may import a module only for later cells to use.
  verbatimModuleSyntax: true,
  useDefineForClassFields: true,
};

/** Names bound by a declaration's name: `x`, `{ a, b: [c, ...d] }`. */
function boundNames(name: ts.BindingName): string[] {
  if (ts.isIdentifier(name)) return [name.text];
  return name.elements.flatMap((e) => (ts.isOmittedExpression(e) ? [] : boundNames(e.name)));
}

/** Top-level names a statement of the emitted JavaScript declares. */
function declaredBy(statement: ts.Statement): string[] {
  if (ts.isVariableStatement(statement)) return statement.declarationList.declarations.flatMap((d) => boundNames(d.name));
  if ((ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) && statement.name) return [statement.name.text];
  return [];
}

const f = ts.factory;

/** `globalThis.a = a; globalThis.b = b;` */
function copyToGlobal(names: string[]): ts.Statement[] {
  return names.map((n) => f.createExpressionStatement(
    f.createAssignment(f.createPropertyAccessExpression(f.createIdentifier('globalThis'), n), f.createIdentifier(n))));
}

function kernelCall(method: 'import' | 'importDefault' | 'require', specifier: ts.Expression): ts.CallExpression {
  return f.createCallExpression(f.createPropertyAccessExpression(f.createIdentifier(KERNEL_PARAMETER), method), undefined, [specifier]);
}

const awaited = (e: ts.Expression) => f.createAwaitExpression(e);
const constOf = (name: ts.BindingName, init: ts.Expression) => f.createVariableStatement(undefined,
  f.createVariableDeclarationList([f.createVariableDeclaration(name, undefined, undefined, init)], ts.NodeFlags.Const));

/** `import ... from 'x'` as constants bound to what the registry gives. */
function rewriteImport(node: ts.ImportDeclaration): ts.Statement[] {
  const specifier = node.moduleSpecifier;
  const clause = node.importClause;
  if (!clause) return [f.createExpressionStatement(awaited(kernelCall('import', specifier)))];
  if (clause.isTypeOnly) return [];
  const out: ts.Statement[] = [];
  if (clause.name) out.push(constOf(f.createIdentifier(clause.name.text), awaited(kernelCall('importDefault', specifier))));
  const bindings = clause.namedBindings;
  if (bindings && ts.isNamespaceImport(bindings)) out.push(constOf(f.createIdentifier(bindings.name.text), awaited(kernelCall('import', specifier))));
  if (bindings && ts.isNamedImports(bindings)) {
    const elements = bindings.elements.filter((e) => !e.isTypeOnly).map((e) => f.createBindingElement(undefined,
      e.propertyName ? f.createIdentifier(e.propertyName.text) : undefined, f.createIdentifier(e.name.text)));
    if (elements.length) out.push(constOf(f.createObjectBindingPattern(elements), awaited(kernelCall('import', specifier))));
  }
  return out;
}

/** `require('x')` and `import('x')` anywhere in the cell go to the registry. */
function registryCalls(context: ts.TransformationContext): ts.Visitor {
  const visit: ts.Visitor = (node) => {
    if (ts.isCallExpression(node) && node.arguments.length === 1) {
      if (node.expression.kind === ts.SyntaxKind.ImportKeyword) return kernelCall('import', ts.visitNode(node.arguments[0], visit) as ts.Expression);
      if (ts.isIdentifier(node.expression) && node.expression.text === 'require') return kernelCall('require', ts.visitNode(node.arguments[0], visit) as ts.Expression);
    }
    return ts.visitEachChild(node, visit, context);
  };
  return visit;
}

function withoutExport<T extends ts.Statement>(statement: T): ts.Statement {
  const modifiers = ts.canHaveModifiers(statement) ? ts.getModifiers(statement) : undefined;
  if (!modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) return statement;
  const kept = modifiers.filter((m) => m.kind !== ts.SyntaxKind.ExportKeyword && m.kind !== ts.SyntaxKind.DefaultKeyword);
  if (ts.isVariableStatement(statement)) return f.updateVariableStatement(statement, kept, statement.declarationList);
  if (ts.isFunctionDeclaration(statement)) return f.updateFunctionDeclaration(statement, kept, statement.asteriskToken, statement.name, statement.typeParameters, statement.parameters, statement.type, statement.body);
  if (ts.isClassDeclaration(statement)) return f.updateClassDeclaration(statement, kept, statement.name, statement.typeParameters, statement.heritageClauses, statement.members);
  return statement;
}

/** TypeScript's enum and namespace output: `var E; (function (E) {...})(E || (E = {}));` */
function completesVar(statement: ts.Statement, names: string[]): boolean {
  if (!ts.isExpressionStatement(statement) || !ts.isCallExpression(statement.expression)) return false;
  const arg = statement.expression.arguments[0];
  return !!arg && ts.isBinaryExpression(arg) && ts.isIdentifier(arg.left) && names.includes(arg.left.text);
}

function cellTransformer(declaredOut: Set<string>): ts.TransformerFactory<ts.SourceFile> {
  return (context) => (file) => {
    const visit = registryCalls(context);
    const statements = file.statements.flatMap((s): ts.Statement[] => {
      if (ts.isImportDeclaration(s)) return rewriteImport(s);
      if (ts.isExportDeclaration(s) || ts.isExportAssignment(s)) return [];
      return [ts.visitNode(withoutExport(s), visit) as ts.Statement];
    });
    const functions = statements.filter(ts.isFunctionDeclaration).flatMap(declaredBy);
    const body: ts.Statement[] = [...copyToGlobal(functions)];
    let pendingVars: string[] = [];
    statements.forEach((s, i) => {
      const isLast = i === statements.length - 1;
      const names = ts.isFunctionDeclaration(s) ? [] : declaredBy(s);
      names.forEach((n) => declaredOut.add(n));
      functions.forEach((n) => declaredOut.add(n));
      if (isLast && ts.isExpressionStatement(s)) {
        // tslab prints the last expression's value: keep it, copy the names, then return it.
        body.push(constOf(f.createIdentifier('__value'), s.expression));
        return;
      }
      body.push(s);
      body.push(...copyToGlobal(names));
      if (pendingVars.length && completesVar(s, pendingVars)) body.push(...copyToGlobal(pendingVars));
      pendingVars = ts.isVariableStatement(s) && !(s.declarationList.flags & ts.NodeFlags.BlockScoped) ? names : [];
    });
    body.push(...copyToGlobal([...declaredOut]));
    const last = statements[statements.length - 1];
    const returned = last && ts.isExpressionStatement(last)
      ? f.createObjectLiteralExpression([f.createPropertyAssignment('value', f.createIdentifier('__value'))])
      : f.createObjectLiteralExpression([]);
    body.push(f.createReturnStatement(returned));
    return f.updateSourceFile(file, body);
  };
}

/** Transforms one cell; throws a SyntaxError naming the line when the cell does not parse. */
export function transformCell(source: string, cellName = 'cell.ts'): TransformedCell {
  const declared = new Set<string>();
  const out = ts.transpileModule(source, {
    compilerOptions: COMPILER_OPTIONS,
    fileName: cellName,
    reportDiagnostics: true,
    transformers: { after: [cellTransformer(declared)] },
  });
  const errors = (out.diagnostics ?? []).filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (errors.length) {
    const d = errors[0];
    const where = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
    const message = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    throw new SyntaxError(`${cellName}${where ? `:${where.line + 1}:${where.character + 1}` : ''}: ${message}`);
  }
  return { body: `${out.outputText}\n//# sourceURL=${cellName}`, declared: [...declared] };
}

/** What a cell's imports resolve to: the kernel's own modules, never the network. */
export interface ModuleRegistry {
  /** The module for a specifier, or an error naming it and what exists. */
  load(specifier: string): unknown;
}

type CellFunction = (kernel: CellKernel) => Promise<{ value?: unknown }>;

export interface CellKernel {
  import(specifier: string): Promise<unknown>;
  importDefault(specifier: string): Promise<unknown>;
  require(specifier: string): unknown;
}

/** `import x from 'm'` under esModuleInterop: the default export of an ES module, else the module itself. */
function defaultOf(module: unknown): unknown {
  const m = module as { __esModule?: boolean; default?: unknown } | undefined;
  return m && m.__esModule ? m.default : m;
}

export function cellKernel(registry: ModuleRegistry): CellKernel {
  return {
    import: async (s) => {
      const m = registry.load(s) as Record<string, unknown> | undefined;
      // A CommonJS module seen through `import * as`: its properties, and itself as `default`.
      return m && !(m as { __esModule?: boolean }).__esModule && typeof m === 'object' ? { ...m, default: m } : m;
    },
    importDefault: async (s) => defaultOf(registry.load(s)),
    require: (s) => registry.load(s),
  };
}

const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (...args: string[]) => CellFunction;

/** Runs cells one after another in this realm, tslab's way. */
export class CellRunner {
  private count = 0;
  private readonly kernel: CellKernel;

  constructor(registry: ModuleRegistry) {
    this.kernel = cellKernel(registry);
  }

  /** Runs one cell; resolves to its last expression's value (undefined when none), rejects with its error. */
  async run(source: string): Promise<unknown> {
    this.count += 1;
    const { body } = transformCell(source, `cell-${this.count}.ts`);
    const fn = new AsyncFunction(KERNEL_PARAMETER, body);
    const result = await fn(this.kernel);
    return result.value;
  }
}
