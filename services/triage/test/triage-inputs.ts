import type { TriageInput } from '../src/ports/triage-provider';

/** A ticket for the LLM providers, with the taxonomy and labelled examples the service would pass. */
export const doubleCharge: TriageInput = {
  ticket: { id: 'T-42', title: 'Charged twice for one invoice', description: 'My card was charged twice for invoice INV-1031 this morning.' },
  taxonomy: { categories: ['access', 'billing', 'hardware'], priorities: ['low', 'medium', 'high'] },
  examples: [
    {
      ticketId: 'bill-0',
      title: 'Invoice charged twice this month',
      description: 'Invoice charged twice this month. Please help.',
      priority: 'medium',
      category: 'billing',
      resolutionHours: 5.5,
      similarity: 0.71,
    },
    {
      ticketId: 'bill-1',
      title: 'Refund for duplicate payment on my card',
      description: 'Refund for duplicate payment on my card. Please help.',
      priority: 'medium',
      category: 'billing',
      similarity: 0.52,
    },
  ],
};
