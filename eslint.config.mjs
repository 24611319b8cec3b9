import tseslint from "typescript-eslint";
import pulumi from "@pulumi/eslint-plugin";

export default tseslint.config(
    { ignores: ["node_modules/**", ".plan/**", ".evidence/**", "coverage/**", "**/*.js", "**/*.mjs"] },
    ...tseslint.configs.recommended,
    {
        // The Pulumi rules only matter where Outputs are built: the program, its components and the tools.
        files: ["index.ts", "programs/**/*.ts", "components/**/*.ts", "tools/**/*.ts"],
        plugins: { "@pulumi": pulumi },
        // The Pulumi rules need type information (is this expression an Output?).
        languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
        rules: {
            "@pulumi/no-output-in-template-literal": "error",
            "@pulumi/no-output-instance-in-template-literal": "error",
        },
    },
    {
        files: ["**/*.ts"],
        rules: { "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }] },
    },
    {
        files: ["test/**/*.ts"],
        rules: { "@typescript-eslint/no-require-imports": "off", "@typescript-eslint/no-explicit-any": "off" },
    },
);
