// Import resolver for eslint-plugin-boundaries (eslint-module-utils resolver interface v2).
// Our sources import siblings by their compiled name (`./run.js` for run.ts, NodeNext style), which
// eslint-import-resolver-node cannot map back to the .ts source; this tries the .ts file first and
// otherwise defers to the node resolver (packages, node: built-ins, .vue and .json files).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const nodeResolver = require('eslint-import-resolver-node');

exports.interfaceVersion = 2;

/**
 * Resolves `source` imported from `file`: `{ found, path }`, path null for a Node built-in.
 * @param {string} source the import specifier as written
 * @param {string} file absolute path of the importing file
 * @param {object} config resolver options, passed on to eslint-import-resolver-node
 */
exports.resolve = function resolve(source, file, config) {
  if (source.startsWith('.') && source.endsWith('.js')) {
    const candidate = path.resolve(path.dirname(file), `${source.slice(0, -3)}.ts`);
    if (fs.existsSync(candidate)) return { found: true, path: candidate };
  }
  return nodeResolver.resolve(source, file, config ?? {});
};
