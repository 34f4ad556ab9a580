#!/usr/bin/env node
// Entry point: `node dist/main.js <command>`. Loads configuration once, dispatches, and turns known
// errors into one clear line and a non-zero exit code.
import 'reflect-metadata';
import { ConfigError, loadConfig } from './config';
import { USAGE, UsageError, runAdmin, runEmitSchema, runMigrate, runServe } from './cli/commands';
import { runDemo } from './cli/demo';

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  if (command === 'emit-schema') {
    await runEmitSchema(args);
    return 0;
  }
  if (command === 'demo') {
    await runDemo(args);
    return 0;
  }
  const config = loadConfig(process.env, { requireSecretKey: command === 'serve' });
  switch (command) {
    case 'serve':
      return runServe(config, args);
    case 'migrate':
      await runMigrate(config);
      return 0;
    case 'admin':
      await runAdmin(config, args);
      return 0;
    default:
      throw new UsageError(`unknown command "${command}"\n\n${USAGE}`);
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (
      error instanceof ConfigError ||
      error instanceof UsageError ||
      (error as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION'
    ) {
      console.error((error as Error).message);
      process.exit(2);
    }
    console.error(error);
    process.exit(1);
  },
);
