/** Public API of bottleneck detection. */
export { DEFAULT_DETECTION_CONFIG, type DetectionConfig, type DetectionConfigOverride, type SeverityCutoffs } from './config.ts';
export { parseDetectionConfig, DetectionConfigError } from './config-schema.ts';
export { detectBottlenecks, explainDetection, byType, type DetectionReport, type RuleOutcome } from './detect.ts';
export * from './input.ts';
export * from './types.ts';
