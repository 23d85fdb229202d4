// Validate every script under a skills folder against skills/schema.json.
//
//   node tests/schema/validate.mjs [SKILLS_DIR]      (default: skills)
//
// Files are found the way the engine finds them: coach.yaml, crisis.yaml,
// crisis.LANG.yaml, hotlines.yaml and words.yaml at the top, and every other *.yaml / *.yml file (in any
// folder not starting with ".", linked folders included) is a skill. Each
// file is checked against the part of the schema for its kind and against
// the whole schema (which picks the kind from the keys, as an editor does). Failures are printed as
// `file: error at /path: message`. A few documents that must be rejected
// are checked too. The last line is "N passed, M failed"; the exit status is
// 1 when anything failed.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import Ajv from "ajv";
import YAML from "yaml";

const skillsDir = process.argv[2] || "skills";
const schemaPath = join(skillsDir, "schema.json");

let passed = 0;
let failed = 0;

let schema;
try {
  schema = JSON.parse(readFileSync(schemaPath, "utf8"));
} catch (e) {
  console.log(`${schemaPath}: error at /: ${e.message}`);
  console.log("0 passed, 1 failed");
  process.exit(1);
}

const ajv = new Ajv({
  allErrors: true, verbose: true, allowUnionTypes: true,
  strict: true, strictTypes: false, strictRequired: false, // if/then and anyOf on their own
});
ajv.addSchema(schema, "schema.json");
const whole = ajv.getSchema("schema.json");
const byKind = {};
for (const kind of ["skill", "coach", "crisis", "hotlines", "words", "concepts"])
  byKind[kind] = ajv.getSchema(`schema.json#/definitions/${kind}`);

// One line per problem: drop the errors of the branches of an anyOf/oneOf
// that failed as a whole, and the "must match then schema" wrappers.
function describe(errors) {
  const groups = errors
    .filter((e) => e.keyword === "anyOf" || e.keyword === "oneOf")
    .map((e) => e.schemaPath);
  const lines = [];
  for (const e of errors) {
    if (e.keyword === "if" || e.keyword === "propertyNames") continue;
    if (groups.some((g) => e.schemaPath !== g && e.schemaPath.startsWith(g + "/"))) continue;
    const at = e.instancePath || "/";
    let msg = e.message;
    const note = e.parentSchema && e.parentSchema.$comment;
    if (note && ["not", "anyOf", "oneOf", "pattern", "type", "enum", "minProperties", "maxProperties"].includes(e.keyword))
      msg = note;
    else if (e.keyword === "additionalProperties")
      msg = `unknown key '${e.params.additionalProperty}'`;
    else if (e.keyword === "enum")
      msg += `: ${e.params.allowedValues.map((v) => JSON.stringify(v)).join(", ")}`;
    else if (e.keyword === "required")
      msg = `needs '${e.params.missingProperty}:'`;
    if (e.propertyName !== undefined) msg = `'${e.propertyName}': ${msg}`;
    const line = `error at ${at}: ${msg}`;
    if (!lines.includes(line)) lines.push(line);
  }
  return lines;
}

// The problems of one YAML text checked as `kind` (null: let the whole
// schema decide). Things the loader rejects before the schema sees them
// (YAML errors, duplicate keys, anchors and aliases, several documents)
// are reported too.
function problems(text, kind) {
  const docs = YAML.parseAllDocuments(text, { uniqueKeys: true });
  if (docs.length === 0) return ["error at /: the file is empty"];
  if (docs.length > 1) return ["error at /: only one YAML document per file"];
  const doc = docs[0];
  const out = [];
  for (const e of doc.errors) out.push(`error at /: YAML: ${e.message.split("\n")[0].replace(/:$/, "")}`);
  if (out.length) return out;
  YAML.visit(doc, (key, node) => {
    if (YAML.isAlias(node)) out.push("error at /: YAML aliases (*name) are not allowed in scripts");
    else if (node && node.anchor) out.push("error at /: YAML anchors (&name) are not allowed in scripts");
  });
  if (out.length) return out;
  const data = doc.toJS();
  if (kind) {
    if (!byKind[kind](data)) return describe(byKind[kind].errors);
    // concepts.yaml has names for keys: no key tells the whole schema its kind.
    if (kind !== "concepts" && !whole(data))
      return [`error at /: valid as ${kind}, but the whole schema does not take it as one:`,
              ...describe(whole.errors)];
    return [];
  }
  return whole(data) ? [] : describe(whole.errors);
}

// Like the loader: sorted, dot entries left out, linked folders followed but
// none entered twice.
const seenDirs = new Set();
function walk(dir, top, files) {
  const id = (() => { try { const st = statSync(dir); return `${st.dev}:${st.ino}`; } catch { return null; } })();
  if (id && seenDirs.has(id)) return;
  if (id) seenDirs.add(id);
  let names;
  try {
    names = readdirSync(dir).sort();
  } catch (e) {
    console.log(`${dir}: error at /: cannot open folder: ${e.message}`);
    failed++;
    return;
  }
  for (const name of names) {
    if (name.startsWith(".")) continue;
    if (top && ["coach.yaml", "crisis.yaml", "hotlines.yaml", "words.yaml", "concepts.yaml"].includes(name)) {
      files.push([join(dir, name), name.replace(".yaml", "")]);
      continue;
    }
    if (top && /^crisis\.[a-z]{2,3}\.yaml$/.test(name)) {
      files.push([join(dir, name), "crisis"]);
      continue;
    }
    const path = join(dir, name);
    let st;
    try {
      st = statSync(path);
    } catch (e) {
      console.log(`${path}: error at /: cannot read: ${e.message}`);
      failed++;
      continue;
    }
    if (st.isDirectory()) walk(path, false, files);
    else if (/\.ya?ml$/.test(name) && st.isFile()) files.push([path, "skill"]);
  }
}

const files = [];
walk(skillsDir, true, files);
for (const [path, kind] of files) {
  let lines;
  try {
    lines = problems(readFileSync(path, "utf8"), kind);
  } catch (e) {
    lines = [`error at /: ${e.message}`];
  }
  const shown = relative(process.cwd(), path) || path;
  if (lines.length) {
    failed++;
    for (const l of lines) console.log(`${shown}: ${l}`);
  } else {
    passed++;
  }
}

// Documents the schema must reject, each a small variation on one it takes.
const skill = (step) => `id: demo
title: Demo
module: mindfulness
summary: A demo.
steps:
  start:
${step}
`;
const service = (fields) => `fallback: US
regions:
  - region: US
    name: United States
    emergency: "911"
    services:
      - name: Demo line
${fields}
`;
const svc = `        for: [all]
        call: ["988"]
        text: []
        hours: 24 hours, every day
        verified: 2026-11-26`;
const coach = "greeting: Hi\nscope: s\nfallback: f\ntoo_long: t\n";
const source = "\n        source: https://example.org/";
// The same documents without the mistake must pass, or the checks below
// would prove nothing.
const controls = [
  ["a small skill", skill("    say: Hi\n    choices: [a, b]\n    timer: {seconds: 30}\n    end: true")],
  ["a skill with rules and a branch", skill("    say: Hi\n    rules:\n      - match: x\n        goto: next\n  next:\n    branch:\n      - if: urge >= 3\n        goto: start\n      - goto: start")],
  ["a hotline file", service(svc + source)],
  ["a coach file", coach + "routes:\n  - match: x\n    start: demo\ncommands:\n  - command: practice\n    match: '^practi[cs]e (?<name>.+)$'\n"],
  ["a skill with its own concept", skill("    say: Hi\n    rules:\n      - match: '~calm'\n        end: true") + "concepts:\n  calm: [calm, peace, at ease]\n"],
  ["a crisis file", "categories:\n  - id: suicide\n    patterns: [{match: x}]\n    say: s\n"],
];
for (const [name, text] of controls) {
  const p = problems(text, null);
  if (p.length) {
    failed++;
    for (const l of p) console.log(`control "${name}": ${l}`);
  } else {
    passed++;
  }
}
const negatives = [
  ["unknown key in a step", skill("    say: Hi\n    promt: Hi\n    end: true")],
  ["choices that is a mapping, not a list", skill("    say: Hi\n    choices: {a: b}\n    end: true")],
  ["hotline service without source", service(svc)],
  ["hotline service with nothing to call, text or chat", service(svc.replace('["988"]', "[]") + source)],
  ["verified that is not a date", service(svc.replace("2026-11-26", "last week") + source)],
  ["rule with both goto and end", skill("    say: Hi\n    rules:\n      - match: x\n        goto: start\n        end: true")],
  ["goto in a coach route", coach + "routes:\n  - match: x\n    goto: start\n"],
  ["unknown module", skill("    say: Hi\n    end: true").replace("mindfulness", "mindfullness")],
  ["skill id with capitals", skill("    say: Hi\n    end: true").replace("id: demo", "id: Demo")],
  ["skill without a start step", skill("    say: Hi\n    end: true").replace("  start:", "  begin:")],
  ["timer with seconds and breathe", skill("    say: Hi\n    timer: {seconds: 30, breathe: {}}\n    end: true")],
  ["condition the coach cannot read", skill("    branch:\n      - if: urge >=\n        goto: start")],
  ["unknown crisis category", `categories:\n  - id: sadness\n    patterns: [{match: x}]\n    say: s\n`],
  ["text with an unclosed {", skill("    say: Hi {name\n    end: true")],
  ["a skill concept that is an empty list", skill("    say: Hi\n    end: true") + "concepts:\n  calm: []\n"],
  ["a skill concept named with capitals", skill("    say: Hi\n    end: true") + "concepts:\n  Calm: [calm]\n"],
  ["practice command without (?<name>...)", coach + "commands:\n  - command: practice\n    match: '^practi[cs]e (.+)$'\n"],
];
for (const [name, text] of negatives) {
  if (problems(text, null).length) {
    passed++;
  } else {
    failed++;
    console.log(`negative check "${name}": error at /: the schema accepted a document it must reject`);
  }
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
