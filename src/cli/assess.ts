/**
 * `npm run assess -- [FILE] [--now ISO] [--edition YEAR]`: the eligibility of one profile or many,
 * as JSON (see src/cli/assess-command.ts).
 */
import { runAssess } from './assess-command.ts';

process.exitCode = runAssess(process.argv.slice(2), process.env);
