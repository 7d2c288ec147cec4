import path from 'node:path';
import Joi from 'joi';
import ts from 'typescript';
import type { Call, RouteSpec } from '../../src/lib/route';

/**
 * A route's joi schema and the TypeScript interface its handler (and service) receives are one
 * contract: written as `Joi.object<Input, true>({...})`, a schema that drifts from `Input` stops
 * compiling. The `@ts-expect-error` lines below are checked by `tsc --noEmit` (typecheck fails if
 * one of them stops being an error); the jest tests compile small fixtures with the compiler API
 * and show the same drift failing, and the matching schema passing.
 */
interface NoteInput {
  note: string;
  pages?: number;
  urgent?: boolean;
}

export const matching = Joi.object<NoteInput, true>({
  note: Joi.string().required(),
  pages: Joi.number().integer(),
  urgent: Joi.boolean(),
});

// @ts-expect-error a field of the interface with no schema
export const missingField = Joi.object<NoteInput, true>({ note: Joi.string(), pages: Joi.number() });

export const extraField = Joi.object<NoteInput, true>({
  note: Joi.string(),
  pages: Joi.number(),
  urgent: Joi.boolean(),
  // @ts-expect-error a schema key the interface does not have
  colour: Joi.string(),
});

export const wrongKind = Joi.object<NoteInput, true>({
  // @ts-expect-error a string field validated as a number
  note: Joi.number(),
  pages: Joi.number(),
  // @ts-expect-error a boolean field validated as a number
  urgent: Joi.number(),
});

/*
 * The limit of joi's check: an optional field's `undefined` maps to a StringSchema (joi's
 * conditional type distributes over `T | undefined`), so a string schema on an optional field of
 * another kind still compiles; the kinds of required fields, and the key sets, are exact.
 */

/** What defineRoute gives a handler for a spec: the part's type comes from its schema. */
function callFor<B, Q, P>(_spec: Pick<RouteSpec<B, Q, P>, 'body' | 'query' | 'params'>): Call<B, Q, P> {
  return {} as Call<B, Q, P>;
}

export function handlerTypes(): void {
  const call = callFor({ body: matching });
  const note: string = call.body.note;
  // @ts-expect-error a field the schema's interface does not have
  void call.body.colour;
  // @ts-expect-error no params schema: nothing is known about them (unknown, never any)
  void call.params.id;
  void note;
}

const ROOT = path.resolve(__dirname, '../..');

/** Type errors of one source file compiled with the project's own compiler options. */
function typeErrors(source: string): string[] {
  const configPath = path.join(ROOT, 'tsconfig.json');
  const { config } = ts.readConfigFile(configPath, (file) => ts.sys.readFile(file));
  const options = ts.parseJsonConfigFileContent(config, ts.sys, ROOT).options;
  const fixture = path.join(ROOT, 'test/unit/schema-drift.fixture.ts');
  const host = ts.createCompilerHost(options);
  const readSource = host.getSourceFile.bind(host);
  host.getSourceFile = (file, language, onError) =>
    path.resolve(file) === fixture
      ? ts.createSourceFile(file, source, language)
      : readSource(file, language, onError);
  const exists = host.fileExists.bind(host);
  host.fileExists = (file) => path.resolve(file) === fixture || exists(file);
  const program = ts.createProgram([fixture], { ...options, types: [] }, host);
  return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

const fixture = (pagesSchema: string) => `
import Joi from 'joi';
interface NoteInput { note: string; pages: number }
export const schema = Joi.object<NoteInput, true>({ note: Joi.string().required(), pages: ${pagesSchema} });
`;

describe('a route schema bound to its input interface', () => {
  it('compiles when every field has a schema of its kind', () => {
    expect(typeErrors(fixture('Joi.number().integer().required()'))).toEqual([]);
  }, 60_000);

  it('fails to compile when a field is validated as another kind', () => {
    const errors = typeErrors(fixture('Joi.string()'));
    expect(errors.join('\n')).toMatch(
      /'StringSchema<string>' is missing the following properties from type 'NumberSchema<number>'/,
    );
  }, 60_000);
});
