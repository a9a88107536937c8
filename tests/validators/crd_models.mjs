// Validates Argo CD and External Secrets objects against the schemas compiled into the npm
// packages @kubernetes-models/argo-cd and @kubernetes-models/external-secrets.
//
// usage: node crd_models.mjs NODE_MODULES DOCS.json
// DOCS.json is a list of {"file", "index", "doc"} (see yaml_to_json.py). Objects of other kinds are
// counted as skipped. Prints one line per invalid object and a summary; exits 1 if any is invalid,
// and also if none was validated at all while some objects were expected to be (see --expect).
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [nodeModules, docsFile, ...rest] = process.argv.slice(2);
const expect = rest.includes('--expect');
const modules = [
  '@kubernetes-models/argo-cd/argoproj.io/v1alpha1/index.js',
  '@kubernetes-models/external-secrets/external-secrets.io/v1/index.js',
  '@kubernetes-models/external-secrets/external-secrets.io/v1beta1/index.js',
];

const registry = new Map();
for (const m of modules) {
  const mod = await import(pathToFileURL(path.join(nodeModules, m)).href);
  for (const cls of Object.values(mod)) {
    if (cls && typeof cls === 'function' && cls.apiVersion && cls.kind) {
      registry.set(`${cls.apiVersion}/${cls.kind}`, cls);
    }
  }
}

const docs = JSON.parse(fs.readFileSync(docsFile, 'utf8'));
let valid = 0;
let invalid = 0;
let skipped = 0;
for (const { file, index, doc } of docs) {
  const cls = registry.get(`${doc.apiVersion}/${doc.kind}`);
  if (!cls) {
    skipped += 1;
    continue;
  }
  const name = `${file}#${index} ${doc.kind}/${doc.metadata?.name ?? '?'}`;
  try {
    new cls(doc).validate();
    valid += 1;
  } catch (e) {
    invalid += 1;
    console.log(`invalid: ${name}: ${e.message}`);
  }
}
console.log(`${valid} valid, ${invalid} invalid, ${skipped} of other kinds`);
process.exit(invalid > 0 || (expect && valid === 0) ? 1 : 0);
