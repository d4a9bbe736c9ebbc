import { EXIT_CODE_TABLE } from '../../shared/errors.js';

/** The exit codes as printed at the end of every `--help`, rendered from the one table. */
export const EXIT_CODES_HELP = `\nExit codes:\n${EXIT_CODE_TABLE.map(({ code, meaning }) => `  ${String(code).padEnd(5)}${meaning}`).join('\n')}`;
