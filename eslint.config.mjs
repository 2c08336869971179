import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", "test/golden/", ".local/", ".cache/", "out/", "coverage/"] },
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", ignoreRestSiblings: true }],
      "@typescript-eslint/no-require-imports": "off",
      "no-console": "off",
      // The deprecated URL-encoding globals compile wherever a local helper of the same name is missing.
      "no-restricted-globals": ["error", { name: "escape", message: "URL-encodes; for a regular expression use regexLiteral (lib/regex.ts)" }, "unescape"],
    },
  },
  {
    // Tests read resource inputs as the engine recorded them: untyped JSON.
    files: ["test/**/*.ts", "policy/**/*.test.ts"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
);
