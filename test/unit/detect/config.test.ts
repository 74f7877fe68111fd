/** parseDetectionConfig: defaults, deep merge, and clear messages for bad input. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_DETECTION_CONFIG } from '../../../src/detect/config.ts';
import { DetectionConfigError, parseDetectionConfig } from '../../../src/detect/config-schema.ts';

function issuesOf(raw: unknown): readonly string[] {
  try {
    parseDetectionConfig(raw);
  } catch (e) {
    assert.ok(e instanceof DetectionConfigError);
    return e.issues;
  }
  assert.fail('expected a DetectionConfigError');
}

describe('parseDetectionConfig', () => {
  it('the defaults are the seed thresholds', () => {
    const c = parseDetectionConfig(undefined);
    assert.equal(c.lowResponseRate.maxAvgResponseHours, 4);
    assert.equal(c.lowResponseRate.minContactRate, 0.6);
    assert.equal(c.poorQualification.minQualificationRate, 0.3);
    assert.equal(c.validationAccuracy.minF1, 0.8);
    assert.equal(c.slowFollowUp.maxAvgDaysToQualify, 5);
    assert.equal(c.weakLeadSource.weakBelow, 0.1);
    assert.equal(c.weakLeadSource.strongAtLeast, 0.3);
    assert.ok(c.minEvents <= 30);
    assert.deepEqual(parseDetectionConfig({}), DEFAULT_DETECTION_CONFIG);
  });
  it('merges a partial override deeply', () => {
    const c = parseDetectionConfig({ alpha: 0.01, lowResponseRate: { maxAvgResponseHours: 6 }, severity: { f1Points: { high: 0.2 } } });
    assert.equal(c.alpha, 0.01);
    assert.equal(c.lowResponseRate.maxAvgResponseHours, 6);
    assert.equal(c.lowResponseRate.minContactRate, 0.6);
    assert.deepEqual(c.severity.f1Points, { medium: 0.05, high: 0.2 });
    assert.equal(DEFAULT_DETECTION_CONFIG.lowResponseRate.maxAvgResponseHours, 4); // defaults untouched
  });
  it('names unknown keys and out-of-range values with their path', () => {
    const issues = issuesOf({ alpah: 0.01, recentDays: 0, poorQualification: { minQualificationRate: 1.5 } });
    assert.ok(issues.some((i) => i.includes('alpah')), issues.join('\n'));
    assert.ok(issues.some((i) => i.startsWith('recentDays:') && i.includes('at least 1')), issues.join('\n'));
    assert.ok(issues.some((i) => i.startsWith('poorQualification.minQualificationRate:')), issues.join('\n'));
  });
  it('rejects contradictory pairs after merging', () => {
    const issues = issuesOf({ weakLeadSource: { weakBelow: 0.4 } });
    assert.deepEqual(issues.filter((i) => i.includes('strongAtLeast')).length, 1);
    assert.ok(issuesOf({ validationAccuracy: { targetF1: 0.7 } })[0]!.includes('targetF1'));
  });
  it('rejects a non-object and NaN', () => {
    assert.ok(issuesOf('strict').length > 0);
    assert.ok(issuesOf({ alpha: Number.NaN }).length > 0);
  });
});
