import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { copyTemplate, findTemplate, templateDirectory } from './embedded-database-template';

describe('embedded database template', () => {
  let root: string;
  let templates: string;
  let pgdata: string;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'tp-template-spec-'));
    templates = join(root, 'templates');
    pgdata = join(root, 'data', 'pgdata');
  });

  afterEach(() => rmSync(root, { recursive: true, force: true }));

  /** a stand-in data directory: PG_VERSION and a nested relation file */
  function makeTemplate(directory = templateDirectory(templates)): string {
    mkdirSync(join(directory, 'base', '1'), { recursive: true });
    writeFileSync(join(directory, 'PG_VERSION'), '17\n');
    writeFileSync(join(directory, 'base', '1', '1259'), 'relation');
    return directory;
  }

  it("is named by PGlite's version (pinned exactly in package.json)", () => {
    const version = (JSON.parse(readFileSync(join(__dirname, '../../../../package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies['@electric-sql/pglite'];
    expect(basename(templateDirectory(templates))).toMatch(new RegExp(`^pglite-${version.replace(/\./g, '\\.')}-[0-9a-f]{8}$`));
  });

  it('is found for a data directory that is absent or empty, and not when none was built', () => {
    expect(findTemplate(pgdata, templates)).toBeUndefined();
    const template = makeTemplate();
    expect(findTemplate(pgdata, templates)).toBe(template);
    mkdirSync(pgdata, { recursive: true });
    expect(findTemplate(pgdata, templates)).toBe(template);
  });

  it('is not found for a data directory that holds anything', () => {
    makeTemplate();
    mkdirSync(pgdata, { recursive: true });
    writeFileSync(join(pgdata, 'postgresql.conf'), '');
    expect(findTemplate(pgdata, templates)).toBeUndefined();
  });

  it("is never taken from another PGlite version's directory, nor from one without PG_VERSION", () => {
    makeTemplate(join(templates, 'pglite-0.0.1-00000000'));
    expect(findTemplate(pgdata, templates)).toBeUndefined();
    mkdirSync(templateDirectory(templates), { recursive: true });
    expect(findTemplate(pgdata, templates)).toBeUndefined();
  });

  it('copies every file into an absent data directory, and into an empty one, leaving the template as it was', () => {
    const template = makeTemplate();
    copyTemplate(template, pgdata);
    expect(readFileSync(join(pgdata, 'base', '1', '1259'), 'utf8')).toBe('relation');
    expect(readdirSync(join(root, 'data'))).toEqual(['pgdata']);

    const empty = join(root, 'other', 'pgdata');
    mkdirSync(empty, { recursive: true });
    copyTemplate(template, empty);
    expect(readFileSync(join(empty, 'PG_VERSION'), 'utf8')).toBe('17\n');
    expect(readdirSync(template).sort()).toEqual(['PG_VERSION', 'base']);
  });

  it('never replaces a data directory that holds anything', () => {
    const template = makeTemplate();
    mkdirSync(pgdata, { recursive: true });
    writeFileSync(join(pgdata, 'mine'), 'kept');
    expect(() => copyTemplate(template, pgdata)).toThrow();
    expect(readdirSync(pgdata)).toEqual(['mine']);
    expect(readdirSync(join(root, 'data'))).toEqual(['pgdata']);
  });

  it('leaves no data directory and no partial copy when the copy fails', () => {
    expect(() => copyTemplate(join(templates, 'missing'), pgdata)).toThrow();
    expect(readdirSync(join(root, 'data'))).toEqual([]);
  });

  it('replaces the partial copy an earlier start left when it ended mid-copy', () => {
    const template = makeTemplate();
    mkdirSync(`${pgdata}.partial`, { recursive: true });
    writeFileSync(join(`${pgdata}.partial`, 'half'), '');
    copyTemplate(template, pgdata);
    expect(readdirSync(pgdata).sort()).toEqual(['PG_VERSION', 'base']);
    expect(readdirSync(join(root, 'data'))).toEqual(['pgdata']);
  });
});
