import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", "test/golden/", ".local/", "out/", "coverage/"] },
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
      "@typescript-eslint/no-require-imports": "off",
      "no-console": "off",
    },
  },
);
