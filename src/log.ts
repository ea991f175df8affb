/** Structured logs (pino) to stderr, so stdout stays for the scriptable chat. No personal data. */
import pino, { type Logger } from 'pino';

export function createLogger(level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({ level, base: { service: 'zhicheng-bot' } }, pino.destination(2));
}

export type { Logger };
