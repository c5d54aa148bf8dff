// Validates Kubernetes objects offline against the API's JSON schemas (kubernetes-models, generated from the
// Kubernetes OpenAPI spec), and fails on fields the schemas do not know (a typo there is silently dropped by
// the API server). Reads rendered YAML (kubectl kustomize output) from a file or stdin.
//   node validate.mjs rendered.yaml [--json OUT.json]
// --json writes the objects as a JSON array, for the test that checks them against what the silo and client read.
import { readFileSync, writeFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";
import * as k8s from "@kubernetes/client-node";

const args = process.argv.slice(2);
const jsonAt = args.indexOf("--json");
const jsonOut = jsonAt >= 0 ? args[jsonAt + 1] : null;
const input = args.find((a, i) => !a.startsWith("--") && (jsonAt < 0 || i !== jsonAt + 1)) ?? "/dev/stdin";

const documents = parseAllDocuments(readFileSync(input, "utf8"));
const objects = [];
const problems = [];
for (const document of documents) {
  if (document.errors.length) problems.push(`${input}: YAML: ${document.errors.map((e) => e.message).join("; ")}`);
  const object = document.toJS();
  if (object) objects.push(object);
}

for (const object of objects) {
  const where = `${object.kind ?? "?"}/${object.metadata?.name ?? "?"}`;
  const [group, version] = object.apiVersion?.includes("/") ? object.apiVersion.split("/") : [null, object.apiVersion];
  let models;
  try {
    models = await import(`kubernetes-models/${group ? `${group}/` : ""}${version}`);
  } catch {
    problems.push(`${where}: unknown apiVersion ${object.apiVersion}`);
    continue;
  }
  const Model = models[object.kind];
  if (!Model) {
    problems.push(`${where}: ${object.apiVersion} has no kind ${object.kind}`);
    continue;
  }
  try {
    new Model(object).validate();
  } catch (e) {
    problems.push(`${where}: ${e.message}${e.errors ? " " + JSON.stringify(e.errors) : ""}`);
  }
  for (const path of unknownFields(object)) problems.push(`${where}: unknown field ${path}`);
}

// kubernetes-models' schemas allow extra properties, as the API server does; a field it does not know is
// almost always a typo or a wrong indentation. @kubernetes/client-node's generated models list every field
// of every type, so walk the object along them.
function unknownFields(object) {
  const found = [];
  const version = object.apiVersion.split("/").pop();
  const walk = (value, type, path) => {
    if (value === null || typeof value !== "object") return;
    const array = /^Array<(.+)>$/.exec(type);
    if (array) return Array.isArray(value) && value.forEach((v, i) => walk(v, array[1], `${path}[${i}]`));
    const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
    if (map) return Object.entries(value).forEach(([k, v]) => walk(v, map[1], `${path}.${k}`));
    const model = k8s[type];
    if (typeof model?.getAttributeTypeMap !== "function") return;
    const fields = new Map(model.getAttributeTypeMap().map((a) => [a.baseName, a.type]));
    for (const [key, v] of Object.entries(value)) {
      if (!fields.has(key)) found.push(`${path}.${key}`);
      else walk(v, fields.get(key), `${path}.${key}`);
    }
  };
  walk(object, version.charAt(0).toUpperCase() + version.slice(1) + object.kind, "");
  return found;
}

if (problems.length) {
  for (const p of problems) console.error(p);
  console.error(`${problems.length} problem(s) in ${objects.length} objects`);
  process.exit(1);
}
if (jsonOut) writeFileSync(jsonOut, JSON.stringify(objects, null, 2));
console.log(`${objects.length} objects valid against the Kubernetes API schemas`);
