import { describe, expect, it } from 'vitest';
import {
  calibrationFeatures,
  duplicateProbability,
  NoCalibrationModelError,
  selectModel,
  type CalibrationFeature,
  type CalibrationFeatures,
  type CalibrationModel,
} from './calibration';
import { calibrationModels } from './calibration-models';
import type { MatchSignals } from './match-signals';

const signals: MatchSignals = {
  lexical: 0.4,
  title: 0.5,
  words: 0.4,
  identifiers: 0.3,
  bigrams: 0.2,
  lexicalRank: 1,
  lexicalMargin: 0.1,
  lexicalStandout: 4,
  queryTitleCoverage: 0.7,
  candidateTitleCoverage: 0.6,
  daysApart: 3,
  embedding: 0.6,
  sharedIdentifiers: [],
};

const lexicalOnly: CalibrationModel = { name: 'lexical', features: ['words'], intercept: -2, coefficients: { words: 4 } };
const withTime: CalibrationModel = {
  name: 'lexical+time',
  features: ['words', 'recency'],
  intercept: -1,
  coefficients: { words: 4, recency: 0.5 },
};

describe('calibrationFeatures', () => {
  it('turns signals into features that rise with the evidence for a duplicate', () => {
    expect(calibrationFeatures(signals)).toEqual({
      title: 0.5,
      words: 0.4,
      identifiers: 0.3,
      bigrams: 0.2,
      topLexicalMatch: 1,
      lexicalMargin: 0.1,
      lexicalStandout: 4,
      queryTitleCoverage: 0.7,
      candidateTitleCoverage: 0.6,
      recency: -Math.log(4),
      embedding: 0.6,
    });
    expect(calibrationFeatures({ ...signals, daysApart: 0 }).recency).toBe(-0);
    expect(calibrationFeatures({ ...signals, daysApart: 30 }).recency).toBeLessThan(calibrationFeatures(signals).recency!);
  });

  it('leaves out time and embedding when they are unknown', () => {
    const { daysApart: _days, embedding: _embedding, ...textOnly } = signals;
    expect(Object.keys(calibrationFeatures(textOnly))).not.toContain('recency');
    expect(Object.keys(calibrationFeatures(textOnly))).not.toContain('embedding');
  });
});

describe('selectModel', () => {
  it('uses the model with the most features that are all available', () => {
    expect(selectModel([lexicalOnly, withTime], { words: 0.5, recency: -1 }).name).toBe('lexical+time');
    expect(selectModel([lexicalOnly, withTime], { words: 0.5 }).name).toBe('lexical');
  });

  it('refuses when no model can be applied', () => {
    expect(() => selectModel([withTime], { words: 0.5 })).toThrow(NoCalibrationModelError);
  });
});

describe('duplicateProbability', () => {
  it('is the logistic function of the weighted features', () => {
    expect(duplicateProbability(lexicalOnly, { words: 0.5 })).toBeCloseTo(0.5, 10);
    expect(duplicateProbability(lexicalOnly, { words: 1 })).toBeCloseTo(1 / (1 + Math.exp(-2)), 10);
  });
});

describe('the shipped calibration models', () => {
  const grid = [0, 0.25, 0.5, 0.75, 1];
  const ranges: Record<CalibrationFeature, readonly number[]> = {
    title: grid,
    words: grid,
    identifiers: grid,
    bigrams: grid,
    topLexicalMatch: [0, 1],
    lexicalMargin: [-1, -0.5, 0, 0.5, 1],
    lexicalStandout: [-10, -1, 0, 3, 10],
    queryTitleCoverage: grid,
    candidateTitleCoverage: grid,
    recency: [-9, -4, -1, 0],
    embedding: [-1, 0, 0.5, 1],
  };

  it('cover text-only and timed comparisons', () => {
    const textOnly: CalibrationFeatures = {
      title: 0,
      words: 0,
      identifiers: 0,
      bigrams: 0,
      topLexicalMatch: 0,
      lexicalMargin: 0,
      lexicalStandout: 0,
      queryTitleCoverage: 0,
      candidateTitleCoverage: 0,
    };
    expect(() => selectModel(calibrationModels, textOnly)).not.toThrow();
    expect(selectModel(calibrationModels, { ...textOnly, recency: 0 }).features).toContain('recency');
  });

  it.each(calibrationModels.map((model) => [model.name, model] as const))(
    '%s: stays within 0..1 and never falls as one feature rises',
    (_name, model) => {
      const base = Object.fromEntries(model.features.map((feature) => [feature, ranges[feature][1]!]));
      for (const feature of model.features) {
        const probabilities = ranges[feature].map((value) => duplicateProbability(model, { ...base, [feature]: value }));
        for (const probability of probabilities) {
          expect(probability).toBeGreaterThan(0);
          expect(probability).toBeLessThan(1);
        }
        for (let i = 1; i < probabilities.length; i += 1) expect(probabilities[i]).toBeGreaterThanOrEqual(probabilities[i - 1]!);
      }
    },
  );

  it('rate an identical recent report far above an unrelated old one', () => {
    const identical: CalibrationFeatures = {
      title: 1,
      words: 1,
      identifiers: 1,
      bigrams: 1,
      topLexicalMatch: 1,
      lexicalMargin: 0.5,
      lexicalStandout: 8,
      queryTitleCoverage: 1,
      candidateTitleCoverage: 1,
      recency: 0,
    };
    const unrelated: CalibrationFeatures = {
      title: 0,
      words: 0.05,
      identifiers: 0,
      bigrams: 0,
      topLexicalMatch: 0,
      lexicalMargin: -0.5,
      lexicalStandout: -1,
      queryTitleCoverage: 0,
      candidateTitleCoverage: 0,
      recency: -8,
    };
    const model = selectModel(calibrationModels, identical);
    expect(duplicateProbability(model, identical)).toBeGreaterThan(0.9);
    expect(duplicateProbability(model, unrelated)).toBeLessThan(0.05);
  });
});
