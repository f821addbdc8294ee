// Makes examples/ consume this package the way a user's program does: through node_modules, by name.
// The Pulumi provider host resolves `require("pulumi-ontap-security/provider")` from the program's
// node_modules, so the example needs the package there (a link to this checkout).
const fs = require("fs");
const path = require("path");

const root = path.resolve(__dirname, "..");
const examples = path.join(root, "examples");
if (!fs.existsSync(path.join(examples, "package.json"))) process.exit(0);
const modules = path.join(examples, "node_modules");
const link = path.join(modules, "pulumi-ontap-security");
fs.mkdirSync(modules, { recursive: true });
try {
  if (fs.realpathSync(link) === root) process.exit(0);
} catch {
  // absent: create it below
}
fs.rmSync(link, { recursive: true, force: true });
fs.symlinkSync(path.relative(modules, root), link, "dir");
console.log(`linked ${path.relative(root, link)} -> ${path.relative(modules, root)}`);
