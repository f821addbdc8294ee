// Lint rules: the recommended sets, plus type-aware rules for the defects async provider code is
// prone to: a promise nobody awaits (an unhandled failure, or a job left running after the update
// returned) and a promise handed where a plain value or callback is expected.
import { URL, fileURLToPath } from "node:url";
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["build/**", "node_modules/**", "examples/node_modules/**", "**/*.d.ts", ".venv/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts"],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: fileURLToPath(new URL(".", import.meta.url)) } },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-require-imports": "off",
      "no-console": "off",
      eqeqeq: ["error", "always"],
    },
  },
  {
    // A test that starts programs lives in test/e2e/, the folder `npm run test:fast` leaves out
    // (scripts/test-fast.ts): a program started from any other test file would slip into test:fast.
    files: ["test/**/*.ts"],
    ignores: ["test/e2e/**"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          paths: ["child_process", "node:child_process"].map((name) => ({
            name,
            allowTypeImports: true,
            message: "a test that starts programs belongs in test/e2e/, which npm run test:fast leaves out",
          })),
          patterns: [{ group: ["**/harness/*"], message: "harness/ starts programs: a test that uses it belongs in test/e2e/, which npm run test:fast leaves out" }],
        },
      ],
    },
  },
  {
    files: ["**/*.js", "**/*.mjs", "**/*.cjs"],
    rules: { "@typescript-eslint/no-require-imports": "off" },
    languageOptions: { globals: { require: "readonly", module: "writable", process: "readonly", console: "readonly", __dirname: "readonly" } },
  },
);
