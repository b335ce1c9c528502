// Validates Kubernetes manifests against the API's OpenAPI schemas (the npm package kubernetes-models, JSON schema
// validators generated from Kubernetes' own spec), without a cluster: every YAML document of every file named on
// the command line must parse, name an apiVersion/kind the schemas know, and pass its schema (types, required
// fields, enums, formats). Kustomization files are skipped. Exits 1 on any problem, printing each with file and
// document; prints one summary line. Usage: node validate.mjs FILE.yaml...
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node validate.mjs FILE.yaml...");
  process.exit(2);
}

/** kubernetes-models/<group>/<version> for an apiVersion: "v1" is the core group, "apps/v1" a named one. */
async function modelOf(apiVersion, kind) {
  if (typeof apiVersion !== "string" || typeof kind !== "string" || !/^[a-z0-9.\/-]+$/.test(apiVersion)) {
    throw new Error("no apiVersion/kind");
  }
  let module;
  try {
    module = await import(`kubernetes-models/${apiVersion}`);
  } catch {
    throw new Error(`unknown apiVersion ${apiVersion}`);
  }
  const model = module[kind];
  if (typeof model !== "function") {
    throw new Error(`unknown kind ${kind} in ${apiVersion}`);
  }
  return model;
}

let objects = 0;
const problems = [];
for (const file of files) {
  const documents = parseAllDocuments(readFileSync(file, "utf8"));
  for (const [index, document] of documents.entries()) {
    const where = `${file} document ${index + 1}`;
    if (document.errors.length > 0) {
      problems.push(`${where}: YAML: ${document.errors.map((e) => e.message).join("; ")}`);
      continue;
    }
    const object = document.toJS();
    if (object === null || object === undefined) {
      continue;
    }
    if (object.kind === "Kustomization") {
      continue;
    }
    const name = `${object.kind ?? "?"} ${object.metadata?.name ?? "?"}`;
    try {
      const Model = await modelOf(object.apiVersion, object.kind);
      new Model(object).validate();
      objects++;
    } catch (e) {
      problems.push(`${where} (${name}): ${e.message}`);
    }
  }
}
for (const problem of problems) {
  console.error(problem);
}
console.log(`kubernetes manifests: ${objects} objects valid, ${problems.length} problem(s) in ${files.length} file(s)`);
process.exit(problems.length === 0 && objects > 0 ? 0 : 1);
