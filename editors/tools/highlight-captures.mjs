// highlight-captures.mjs < HTML: reads the HTML that `tree-sitter highlight --html --css-classes`
// prints and writes each highlighted piece of text on a line of its own, `LINE:COLUMN TEXT
// CAPTURE` (the capture name of the innermost highlight), so that a change of highlighting shows
// as a small text diff. Used by editors/test.sh for the snapshots of test/highlight-snapshots/.
import { readFileSync } from 'node:fs';

const html = readFileSync(0, 'utf8');
const entities = { '&lt;': '<', '&gt;': '>', '&quot;': '"', '&amp;': '&', '&#39;': "'" };
const unescape = text => text.replace(/&(lt|gt|quot|amp|#39);/g, entity => entities[entity]);

const rows = [...html.matchAll(/<tr><td class=line-number>(\d+)<\/td><td class=line>([\s\S]*?)<\/td><\/tr>/g)];
if (rows.length === 0) {
  console.error('highlight-captures: no highlighted lines in the input');
  process.exit(1);
}
const out = [];
for (const [, number, content] of rows) {
  const stack = [];
  let column = 1;
  for (const [token, open, close, text] of content.matchAll(/<span class='([^']*)'>|(<\/span>)|([^<]+)/g)) {
    if (open !== undefined) {
      stack.push(open.split(' ').join('.'));
    } else if (close !== undefined) {
      stack.pop();
    } else {
      const plain = unescape(text).replace(/\n$/, '');
      if (stack.length > 0 && plain.trim() !== '') {
        out.push(`${number}:${column} ${JSON.stringify(plain)} ${stack[stack.length - 1]}`);
      }
      column += [...plain].length;
    }
  }
}
console.log(out.join('\n'));
