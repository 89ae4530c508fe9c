module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  plugins: ['regexp'],
  overrides: [
    {
      // The importer runs expressions on text anyone can post: none may backtrack badly.
      files: ['src/import/**/*.ts'],
      excludedFiles: ['**/*.test.ts'],
      rules: {
        'regexp/no-super-linear-backtracking': 'error',
        'regexp/no-super-linear-move': 'error',
        'regexp/no-misleading-unicode-character': 'error',
        'regexp/no-useless-quantifier': 'error',
      },
    },
  ],
});
