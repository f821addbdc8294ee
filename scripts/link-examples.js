// Makes the programs in this repository (examples/, and the ones the tests drive under test/programs/)
// consume this package the way a user's program does: through node_modules, by name. The Pulumi
// provider host resolves `require("pulumi-ontap-security/provider")` from the program's folder up, so
// each needs the package in a node_modules on that path (a link to this checkout).
const fs = require("fs");
const path = require("path");

const root = path.resolve(__dirname, "..");

function link(folder) {
  if (!fs.existsSync(folder)) return;
  const modules = path.join(folder, "node_modules");
  const target = path.join(modules, "pulumi-ontap-security");
  fs.mkdirSync(modules, { recursive: true });
  try {
    if (fs.realpathSync(target) === root) return;
  } catch {
    // absent: create it below
  }
  fs.rmSync(target, { recursive: true, force: true });
  fs.symlinkSync(path.relative(modules, root), target, "dir");
  console.log(`linked ${path.relative(root, target)} -> ${path.relative(modules, root)}`);
}

if (fs.existsSync(path.join(root, "examples", "package.json"))) link(path.join(root, "examples"));
link(path.join(root, "test", "programs"));
