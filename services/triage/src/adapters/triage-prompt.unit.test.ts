import { describe, expect, it } from 'vitest';
import { doubleCharge } from '../../test/triage-inputs';
import { triagePromptVersion, triageSystemPrompt, triageToolInputSchema, triageUserMessage } from './triage-prompt';

describe('triage prompt', () => {
  it('has a version to record with every result', () => {
    expect(triagePromptVersion).toBe('triage-prompt.v1');
  });

  it("makes the deployment's taxonomy the category enum and asks for every field", () => {
    const schema = triageToolInputSchema(doubleCharge);
    expect(schema).toMatchObject({
      type: 'object',
      properties: {
        priority: { type: 'string', enum: ['low', 'medium', 'high', 'critical'] },
        category: { type: 'string', enum: ['access', 'billing', 'hardware'] },
        confidence: { type: 'number', minimum: 0, maximum: 1 },
        estimatedResolutionHours: { type: ['number', 'null'] },
        recommendedSteps: { type: 'array', maxItems: 10 },
      },
      required: ['priority', 'category', 'confidence', 'estimatedResolutionHours', 'recommendedSteps'],
      additionalProperties: false,
    });
  });

  it('asks for a null category while the desk has no categories, rather than letting the model invent one', () => {
    const input = { ...doubleCharge, taxonomy: { categories: [], priorities: [] } };
    expect(triageToolInputSchema(input)).toMatchObject({ properties: { category: { type: 'null' } } });
    expect(triageSystemPrompt(input)).toContain('no categories yet');
  });

  it('names the categories in the system prompt and puts the ticket and labelled examples in the user message', () => {
    expect(triageSystemPrompt(doubleCharge)).toContain('"access", "billing", "hardware"');
    const message = triageUserMessage(doubleCharge);
    expect(message).toContain('"title":"Charged twice for one invoice"');
    expect(message).toContain('{"title":"Invoice charged twice this month","description":"Invoice charged twice this month. Please help.","priority":"medium","category":"billing","resolutionHours":5.5,"similarity":0.71}');
    expect(message).toContain('"category":"billing","resolutionHours":null,"similarity":0.52');
  });

  it('cuts a very long ticket so the prompt stays bounded', () => {
    const input = { ...doubleCharge, ticket: { ...doubleCharge.ticket, description: 'x'.repeat(50_000) } };
    expect(triageUserMessage(input).length).toBeLessThan(6000);
  });
});
