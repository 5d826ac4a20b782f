// ESLint (flat config): typescript-eslint's recommended rules and the React hooks rules, over the app and its tests.
import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  // Generated (`make api-types`) or built: not ours to lint.
  { ignores: ["dist", "node_modules", "src/api/schema.d.ts"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  reactHooks.configs.flat.recommended,
  {
    files: ["**/*.{ts,tsx}"],
    languageOptions: { globals: globals.browser },
    rules: {
      // `_name` marks an argument kept for the signature's sake.
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      // The fetch-in-effect pattern (reset, then load) of the current hooks; a warning until one data-fetching layer
      // with caching replaces them (issue 19), as changing them now would change when screens show "Cargando…".
      "react-hooks/set-state-in-effect": "warn",
    },
  },
  {
    files: ["vite.config.ts", "eslint.config.js"],
    languageOptions: { globals: globals.node },
  },
);
