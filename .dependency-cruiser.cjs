// Dependency direction (docs/development.md): engine <- chain/indexers/execution/config <- keeper, api, scripts.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "engine-is-pure",
      comment:
        "src/engine is pure math and decisions: it may import only itself (no I/O layers, no node: I/O).",
      severity: "error",
      from: { path: "^src/engine/" },
      to: { pathNot: ["^src/engine/", "^node_modules/", "^src/index\\.ts$"] },
    },
    {
      name: "engine-no-io-packages",
      comment: "The engine never touches a client, Redis, the clock module or the file system.",
      severity: "error",
      from: { path: "^src/engine/" },
      to: {
        path: [
          "node_modules/(viem|ioredis|bullmq|pino|pg|@electric-sql)/",
          "^(fs|net|http|https|child_process)$",
        ],
        dependencyTypes: ["npm", "core"],
      },
    },
    {
      name: "src-never-imports-keeper-or-scripts",
      comment: "Nothing in src/ imports from keeper/ or scripts/.",
      severity: "error",
      from: { path: "^src/" },
      to: { path: "^(keeper|scripts)/" },
    },
    {
      name: "keeper-never-imports-scripts",
      severity: "error",
      from: { path: "^keeper/" },
      to: { path: "^scripts/" },
    },
    {
      name: "lower-layers-never-import-upper",
      comment: "chain/indexers/execution/config/devnet/runtime do not import api or store's HTTP surfaces.",
      severity: "error",
      from: { path: "^src/(chain|indexers|execution|config|devnet|runtime)/" },
      to: { path: "^src/api/" },
    },
    {
      name: "no-circular",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    {
      name: "not-to-test",
      comment: "Production code never imports test code.",
      severity: "error",
      from: { pathNot: "(^test/|\\.test\\.ts$|^bench/)" },
      to: { path: "(^test/|\\.test\\.ts$)" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    exclude: { path: "^(artifacts|cache)/" },
  },
};
