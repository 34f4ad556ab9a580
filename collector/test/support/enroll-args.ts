// The `enroll` command line the tests give the collector CLI (in-process or as its own process).

export interface EnrollArgs {
  server: string;
  token: string;
  stateDir: string;
  /** The CA that signed the server's certificate (--ca-file); none for a publicly trusted one or http. */
  caFile?: string;
}

export function enrollArgs({ server, token, stateDir, caFile }: EnrollArgs): string[] {
  return [
    'enroll',
    '--server',
    server,
    '--token',
    token,
    ...(caFile === undefined ? [] : ['--ca-file', caFile]),
    '--state-dir',
    stateDir,
  ];
}
