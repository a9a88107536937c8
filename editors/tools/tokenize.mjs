// tokenize.mjs [--dump] FILE...: tokenizes .bops files with the VS Code TextMate grammar, the way
// VS Code does (vscode-textmate with the Oniguruma engine), and fails when any token has an
// `invalid.*` scope or text that no rule of the grammar classified (only the file's `source.bops`
// scope): every example and standard library file must read as valid bops, and every token of it
// must be recognised. With --dump it prints each token and its scopes instead.
//
// Run by editors/test.sh; it finds the packages editors/setup.sh installed.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
// The packages editors/setup.sh installed: NODE_PATH, or their default place.
const modules = resolve(process.env.NODE_PATH || join(here, '..', '..', 'target', 'editors', 'node', 'node_modules'));
const require = createRequire(join(modules, 'noop.js'));
const vsctm = require('vscode-textmate');
const oniguruma = require('vscode-oniguruma');

const grammarPath = join(here, '..', 'vscode', 'syntaxes', 'bops.tmLanguage.json');

const wasm = readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm')).buffer;
await oniguruma.loadWASM(wasm);
const registry = new vsctm.Registry({
  onigLib: Promise.resolve({
    createOnigScanner: patterns => new oniguruma.OnigScanner(patterns),
    createOnigString: text => new oniguruma.OnigString(text),
  }),
  loadGrammar: async scopeName => scopeName === 'source.bops'
    ? vsctm.parseRawGrammar(readFileSync(grammarPath, 'utf8'), grammarPath)
    : null,
});
const grammar = await registry.loadGrammar('source.bops');

const args = process.argv.slice(2);
const dump = args[0] === '--dump';
const files = dump ? args.slice(1) : args;
if (files.length === 0) {
  console.error('usage: tokenize.mjs [--dump] FILE...');
  process.exit(2);
}

let invalid = 0;
for (const file of files) {
  const lines = readFileSync(file, 'utf8').split(/\r?\n/);
  let stack = vsctm.INITIAL;
  lines.forEach((line, index) => {
    const result = grammar.tokenizeLine(line, stack);
    stack = result.ruleStack;
    for (const token of result.tokens) {
      const text = line.slice(token.startIndex, token.endIndex);
      const scopes = token.scopes.slice(1);
      if (dump) {
        if (text.trim() !== '') console.log(`${index + 1}:${token.startIndex + 1}\t${JSON.stringify(text)}\t${scopes.join(' ')}`);
        continue;
      }
      const bad = scopes.find(scope => scope.startsWith('invalid'))
        ?? (scopes.length === 0 && text.trim() !== '' ? 'not classified' : undefined);
      if (bad) {
        invalid += 1;
        console.log(`${file}:${index + 1}:${token.startIndex + 1}: ${JSON.stringify(text)} is ${bad}`);
      }
    }
  });
}
if (!dump) {
  console.log(`tokenize: ${files.length} files, ${invalid} invalid or unclassified tokens`);
}
process.exit(invalid === 0 ? 0 : 1);
