import type { LabelledExample } from '../src/domain/types';

// A tiny help desk with three clearly separated queues, written for these tests.
const billing = [
  'Invoice charged twice this month',
  'Refund for duplicate payment on my card',
  'Wrong amount on the latest invoice',
  'Credit card payment declined at checkout',
  'Need a copy of last month invoice for accounting',
  'Subscription renewal charged after cancellation',
];
const access = [
  'Cannot log in after password reset',
  'Password reset email never arrives',
  'Account locked after too many login attempts',
  'Two factor login code is rejected',
  'Need access to the shared reports folder',
  'Single sign-on login loops back to the login page',
];
const hardware = [
  'Laptop screen flickers when docked',
  'Printer on floor 3 jams on every page',
  'Keyboard keys stopped working on my laptop',
  'Monitor shows no signal from the docking station',
  'Printer prints blank pages',
  'Laptop battery drains within an hour',
];

export const labelledTickets: LabelledExample[] = [
  ...billing.map((title, i) => ({ id: `bill-${i}`, title, description: `${title}. Please help.`, category: 'billing', priority: 'medium' as const })),
  ...access.map((title, i) => ({ id: `access-${i}`, title, description: `${title}. I am blocked.`, category: 'access', priority: 'high' as const })),
  ...hardware.map((title, i) => ({ id: `hw-${i}`, title, description: `${title}. It started yesterday.`, category: 'hardware', priority: 'low' as const })),
];
