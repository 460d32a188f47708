import { ConfigError } from './config/env.ts';
import { AppError } from './http/errors.ts';
import { main } from './main.ts';

// The `atiende` command's entry point: expected failures print one clear line, others their stack.
main(process.argv.slice(2)).then(
  (code) => {
    // A negative code means a long-running command (serve) that exits on its own signal.
    if (code >= 0) process.exit(code);
  },
  (error: unknown) => {
    if (error instanceof ConfigError) process.stderr.write(`${error.message}\n`);
    else if (error instanceof AppError) process.stderr.write(`Error: ${error.detail ?? error.code}\n`);
    else process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
