// highlight-config.mjs HIGHLIGHTS_SCM PARSER_DIRECTORY: prints a tree-sitter config.json whose
// theme names every capture of the highlights query, so that `tree-sitter highlight` keeps each
// capture name as it is instead of falling back to a shorter one, and whose parser directory is
// PARSER_DIRECTORY (the folder holding tree-sitter-bops). Used by editors/test.sh.
import { readFileSync } from 'node:fs';

const [query, parsers] = process.argv.slice(2);
if (!query || !parsers) {
  console.error('usage: highlight-config.mjs HIGHLIGHTS_SCM PARSER_DIRECTORY');
  process.exit(2);
}
const text = readFileSync(query, 'utf8').replace(/;[^\n]*/g, '');
const names = new Set();
for (const [, name] of text.matchAll(/@([A-Za-z][\w.]*)/g)) {
  if (name !== 'spell') names.add(name);
}
const theme = Object.fromEntries([...names].sort().map((name, index) => [name, 16 + index]));
console.log(JSON.stringify({ 'parser-directories': [parsers], theme }, null, 2));
