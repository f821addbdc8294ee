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
    // A test starts outside programs through harness/: `npm run test:fast` leaves out the test files that
    // import harness/ (scripts/test-fast.ts), so a program started here directly would slip into it.
    files: ["test/**/*.ts"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          paths: ["child_process", "node:child_process"].map((name) => ({
            name,
            allowTypeImports: true,
            message: "start programs through harness/ (harness/run.ts runs one to its end), so that npm run test:fast leaves this file out",
          })),
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
