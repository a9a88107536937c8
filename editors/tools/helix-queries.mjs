// helix-queries.mjs [--check]: writes Helix's highlights.scm, locals.scm and injections.scm
// (editors/helix/queries/bops/) from the tree-sitter grammar's queries (editors/tree-sitter-bops/
// queries/), so that the two editors highlight from one source. Helix names its captures its own
// way (`keyword.control.conditional`, not `keyword.conditional`) and ignores Neovim's priorities:
// it takes the first pattern that matches, which the source queries already order for. With
// --check it writes nothing and fails when a committed file differs. indents.scm and
// textobjects.scm are Helix's own and written by hand.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const editors = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(editors, 'tree-sitter-bops', 'queries');
const target = join(editors, 'helix', 'queries', 'bops');

/** Neovim capture name -> Helix capture name; `null` drops the capture. */
const CAPTURES = {
  'comment': 'comment.line',
  'comment.documentation': 'comment.line.documentation',
  'spell': null,
  'keyword': 'keyword',
  'keyword.import': 'keyword.control.import',
  'keyword.function': 'keyword.function',
  'keyword.type': 'keyword.storage.type',
  'keyword.conditional': 'keyword.control.conditional',
  'keyword.repeat': 'keyword.control.repeat',
  'keyword.operator': 'keyword.operator',
  'boolean': 'constant.builtin.boolean',
  'constant': 'constant',
  'constant.builtin': 'constant.builtin',
  'variable': 'variable',
  'variable.builtin': 'variable.builtin',
  'variable.parameter': 'variable.parameter',
  'string': 'string',
  'string.escape': 'constant.character.escape',
  'number': 'constant.numeric.integer',
  'number.duration': 'constant.numeric.duration',
  'number.quantity': 'constant.numeric.quantity',
  'number.unit': 'constant.numeric.unit',
  'number.port': 'constant.numeric.port',
  'module': 'namespace',
  'function': 'function',
  'function.call': 'function',
  'function.builtin': 'function.builtin',
  'type': 'type',
  'type.definition': 'type',
  'type.builtin': 'type.builtin',
  'property': 'variable.other.member',
  'operator': 'operator',
  'attribute': 'attribute',
  'punctuation.bracket': 'punctuation.bracket',
  'punctuation.delimiter': 'punctuation.delimiter',
  'punctuation.special': 'punctuation.special',
};

/** The same names in both editors. */
const SHARED = /^(local\.(scope|definition|reference)|injection\.(content|language)|_.*)$/;

const HEADER = (name) => [
  `; ${name} of bops for Helix: generated from editors/tree-sitter-bops/queries/${name}`,
  '; by editors/tools/helix-queries.mjs, which editors/test.sh runs with --check. Edit the source',
  '; and run `node editors/tools/helix-queries.mjs`.',
].join('\n');

/** The Helix version of one query file. */
function convert(name) {
  const text = readFileSync(join(source, name), 'utf8');
  // The first comment block describes the source file; the rest of the comments stay.
  const body = text.replace(/^(;[^\n]*\n)+\n/, '');
  const converted = body
    .replace(/\n\s*\(#set! priority \d+\)/g, '')
    .replace(/ @([A-Za-z_][\w.]*)/g, (whole, capture) => {
      if (SHARED.test(capture)) return whole;
      if (!(capture in CAPTURES)) {
        throw new Error(`${name}: no Helix name for the capture @${capture}; add it to CAPTURES`);
      }
      const helix = CAPTURES[capture];
      return helix === null ? '' : ` @${helix}`;
    });
  return `${HEADER(name)}\n\n${converted}`;
}

const check = process.argv[2] === '--check';
let stale = 0;
for (const name of ['highlights.scm', 'locals.scm', 'injections.scm']) {
  const wanted = convert(name);
  const path = join(target, name);
  if (!check) {
    writeFileSync(path, wanted);
    continue;
  }
  let committed = '';
  try {
    committed = readFileSync(path, 'utf8');
  } catch {
    // A missing file is stale too.
  }
  if (committed !== wanted) {
    console.log(`${path} is not generated from ${join(source, name)}: run node editors/tools/helix-queries.mjs`);
    stale += 1;
  }
}
if (check) console.log(`helix-queries: ${3 - stale} up to date, ${stale} stale`);
process.exit(stale === 0 ? 0 : 1);
