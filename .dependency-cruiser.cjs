// The server's layers (docs/architecture.md "Layers"), enforced by `npm run lint`: a module may import
// its own layer and the layers below it, never one above, and the entry points of one row of the
// table do not import each other. dependency-cruiser reads the TypeScript imports (type-only ones too).
/** Lowest first. Each entry: a name and the paths (regex on the path from the repo root) in that layer. */
const LAYERS = [
  { name: 'base', paths: ['^src/(lib|errors|domain)/', '^src/config\\.ts$'] },
  { name: 'model', paths: ['^src/(entities|observability|queue)/'] },
  { name: 'reports', paths: ['^src/reports/'] },
  { name: 'access', paths: ['^src/(auth|db)/'] },
  { name: 'repositories', paths: ['^src/repositories/'] },
  { name: 'services', paths: ['^src/services/'] },
  { name: 'edges', paths: ['^src/(http|ingest|jobs|graphql|resolvers|schema)/'] },
  { name: 'entry', paths: ['^src/(cli)/', '^src/(app|main)\\.ts$'] },
];

const upward = LAYERS.flatMap((layer, i) =>
  LAYERS.slice(i + 1).map((higher) => ({
    name: `${layer.name}-imports-${higher.name}`,
    comment: `The ${layer.name} layer may not import the ${higher.name} layer above it (docs/architecture.md).`,
    severity: 'error',
    from: { path: layer.paths },
    to: { path: higher.paths },
  })),
);

/** Entry points of one layer that stay apart: each pair shares code only through a lower layer. */
const APART = [
  {
    from: '^src/ingest/',
    to: '^src/(jobs|graphql|resolvers|schema)/',
    why: 'ingest and the workers share src/reports and src/queue',
  },
  {
    from: '^src/jobs/',
    to: '^src/(ingest|http|graphql|resolvers|schema)/',
    why: 'workers reach metrics through src/observability',
  },
  { from: '^src/http/', to: '^src/(ingest|jobs)/', why: 'the HTTP server is wired to ingest by src/app.ts' },
  {
    from: '^src/(graphql|resolvers|schema)/',
    to: '^src/(ingest|jobs)/',
    why: 'the API reads what the workers stored, through services and repositories',
  },
];

module.exports = {
  forbidden: [
    ...upward,
    ...APART.map((rule) => ({
      name: `apart-${rule.from.replace(/\W+/g, '')}`,
      comment: rule.why,
      severity: 'error',
      from: { path: rule.from },
      to: { path: rule.to },
    })),
    {
      name: 'protocol-is-standalone',
      comment: 'The wire protocol is shared with the collector; it imports nothing of the server.',
      severity: 'error',
      from: { path: '^protocol/src/' },
      to: { path: '^(src|collector|simulator)/' },
    },
    {
      name: 'collector-imports-only-protocol',
      comment: 'The collector shares only the wire protocol with the server.',
      severity: 'error',
      from: { path: '^collector/src/' },
      to: { path: '^(src|simulator)/' },
    },
  ],
  options: {
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|node_modules)/' },
    // Unit tests colocated in src/ test their own module; they are checked like the module.
    skipAnalysisNotInRules: true,
  },
};
