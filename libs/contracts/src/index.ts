export * from './model-config.js';
export * from './trial.js';
export * from './sweep-spec.js';
export * from './expand.js';
export * from './trial-id.js';
export * from './leaderboard-row.js';
export * from './validation-issue.js';
export * from './examples.js';
