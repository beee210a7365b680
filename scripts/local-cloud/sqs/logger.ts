/** What the local event sources log through; `console` and Powertools' Logger both fit. */
export type Logger = Pick<Console, 'debug' | 'info' | 'warn' | 'error'>;
